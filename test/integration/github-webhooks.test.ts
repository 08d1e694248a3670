import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk } from '../src/client.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

const SECRET = 'webhook-secret-for-tests';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-hooks-'));
const configFile = path.join(dir, 'releasegraph.yaml');
fs.writeFileSync(configFile, 'connectors:\n  - id: github\n    kind: github\n    webhookSecret: ${TEST_GH_SECRET}\n');

const CONNECTOR_HEALTH = graphql(`
  query GithubWebhooksConnectorHealth {
    connectors {
      id
      kind
      status
      lastError
    }
  }
`);
const COMMIT_AND_CONNECTORS = graphql(`
  query GithubWebhooksCommitAndConnectors($sha: String!) {
    commits(filter: { sha: $sha }) {
      edges {
        node {
          sha
          changeKeys
          origin {
            connector
            entity
            sourceId
          }
        }
      }
    }
    connectors {
      id
      status
      lastSuccessAt
    }
  }
`);

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ env: { RELEASEGRAPH_CONFIG: configFile, TEST_GH_SECRET: SECRET } });
});
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function pushBody(sha: string, message: string): string {
  return JSON.stringify({
    ref: 'refs/heads/main',
    after: sha,
    repository: { id: 1, name: 'payments', full_name: 'acme/payments' },
    pusher: { name: 'dana' },
    commits: [{ id: sha, message, timestamp: '2026-11-26T08:00:00Z', author: { name: 'Dana', username: 'dana' }, added: [], removed: [], modified: ['a.ts'] }],
  });
}
const sign = (body: string, secret = SECRET) => 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');
const post = (body: string, headers: Record<string, string>) =>
  fetch(`${hub.url}/hooks/github`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers }, body });
const commitRows = (sha: string) => hub.db.query<{ id: string; change_keys: string[] }[]>('SELECT id, change_keys FROM commit WHERE sha = $1', [sha]);

describe('GitHub push webhooks at /hooks/github', () => {
  it('refuses bad signatures with 401 and writes nothing', async () => {
    const sha = crypto.randomBytes(20).toString('hex');
    const body = pushBody(sha, 'CHG0031234: retry');
    expect((await post(body, { 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': sign(body, 'not-the-secret') })).status).toBe(401);
    expect((await post(body, { 'x-github-delivery': crypto.randomUUID() })).status).toBe(401);
    expect((await post(body.replace('retry', 'retr0'), { 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': sign(body) })).status).toBe(401);
    await hub.domain.connectors.settled();
    expect(await commitRows(sha)).toEqual([]);
    expect(await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM webhook_delivery WHERE status = 'pending'`)).toEqual([{ n: 0 }]);
    const health = await gqlOk(hub.url, CONNECTOR_HEALTH, {}, ADMIN_TOKEN);
    expect(health.connectors).toEqual([{ id: 'github', kind: 'github', status: 'FAILING', lastError: expect.stringMatching(/X-Hub-Signature-256/) }]);
  });

  it('acknowledges one delivery posted 50 times concurrently once, and lands it exactly once: one commit, one event', async () => {
    const sha = crypto.randomBytes(20).toString('hex');
    const body = pushBody(sha, 'CHG0031234: retry card authorisation');
    const delivery = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(body, { 'x-github-delivery': delivery, 'x-hub-signature-256': sign(body) })));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
    const outcomes = await Promise.all(responses.map((r) => r.json() as Promise<{ outcome: string }>));
    expect(outcomes.filter((o) => o.outcome === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(49);
    await hub.domain.connectors.settled();
    expect(await commitRows(sha)).toEqual([{ id: `github:commit:acme/payments@${sha}`, change_keys: ['CHG0031234'] }]);
    const events = await hub.db.query<{ type: string; actor: string }[]>(`SELECT type, actor FROM release_event WHERE subject_id = $1`, [
      `github:commit:acme/payments@${sha}`,
    ]);
    expect(events).toEqual([{ type: 'commit.created', actor: 'github' }]);

    const data = await gqlOk(hub.url, COMMIT_AND_CONNECTORS, { sha }, ADMIN_TOKEN);
    expect(data.commits.edges).toEqual([{ node: { sha, changeKeys: ['CHG0031234'], origin: { connector: 'github', entity: 'push', sourceId: sha } } }]);
    expect(data.connectors[0]).toMatchObject({ id: 'github', status: 'OK', lastSuccessAt: expect.any(String) });
  });

  it('answers 404 for an unknown connector and 400 for a signed body that is not a push', async () => {
    const body = '{"hello":"world"}';
    expect((await fetch(`${hub.url}/hooks/gitlab`, { method: 'POST', body })).status).toBe(404);
    expect((await post(body, { 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': sign(body) })).status).toBe(400);
  });
});
