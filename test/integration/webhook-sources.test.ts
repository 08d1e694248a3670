import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../src/hub.js';

/*
 * The webhook rules for every signed source, through POST /hooks/<id>: verify before parsing (a
 * wrong or missing signature gets 401 and writes nothing), and idempotency (the same delivery
 * posted 100 times at once lands once, with one event).
 */

const FIXTURES = path.resolve(import.meta.dirname, '../../connectors/src');
const SECRET = 'a-shared-webhook-secret';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-sources-'));
const hmacHex = (body: string, secret = SECRET) => crypto.createHmac('sha256', secret).update(body).digest('hex');

interface Source {
  connector: string;
  fixture: string;
  /** Makes one delivery of the fixture unique (so test runs do not meet earlier rows). */
  vary(payload: Record<string, any>, n: number): { payload: Record<string, any>; headers: Record<string, string> };
  sign(body: string, secret?: string): Record<string, string>;
  /** Whether the signature covers the body (HMAC) rather than being a shared token. */
  bodySigned: boolean;
  /** The row the delivery lands on, and the subject of its creation event. */
  row: { table: string; id: (n: number) => string; event: string };
}

const sources: Source[] = [
  {
    connector: 'gitlab',
    fixture: 'gitlab/fixtures/push-with-change-key.json',
    vary: (p, n) => {
      const sha = crypto.createHash('sha1').update(`gitlab-${n}`).digest('hex');
      p.commits = [{ ...p.commits[0], id: sha }];
      return { payload: p, headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': `uuid-${n}` } };
    },
    sign: (_body, secret = SECRET) => ({ 'x-gitlab-token': secret }),
    bodySigned: false,
    row: {
      table: 'commit',
      id: (n) => `gitlab:commit:acme/payments@${crypto.createHash('sha1').update(`gitlab-${n}`).digest('hex')}`,
      event: 'commit.created',
    },
  },
  {
    connector: 'pagerduty',
    fixture: 'pagerduty/fixtures/incident-triggered-high-urgency.json',
    vary: (p, n) => {
      p.event.id = `EVT${n}`;
      p.event.data.id = `PINC${n}`;
      p.event.data.number = 5000 + n;
      return { payload: p, headers: {} };
    },
    sign: (body, secret = SECRET) => ({ 'x-pagerduty-signature': `v1=${hmacHex(body, secret)}` }),
    bodySigned: true,
    row: { table: 'incident', id: (n) => `pagerduty:incident:PINC${n}`, event: 'incident.created' },
  },
  {
    connector: 'jenkins',
    fixture: 'jenkins/fixtures/build-completed-success.json',
    vary: (p, n) => {
      p.build.number = 9000 + n;
      return { payload: p, headers: {} };
    },
    sign: (_body, secret = SECRET) => ({ authorization: `Bearer ${secret}` }),
    bodySigned: false,
    row: { table: 'pipeline_run', id: (n) => `jenkins:pipeline_run:payments/main#${9000 + n}`, event: 'pipeline_run.created' },
  },
  {
    connector: 'jira',
    fixture: 'jira/fixtures/webhook-issue-created.json',
    vary: (p, n) => {
      p.issue.key = `OPS-${7000 + n}`;
      return { payload: p, headers: { 'x-atlassian-webhook-identifier': `jira-${n}` } };
    },
    sign: (body, secret = SECRET) => ({ 'x-hub-signature': `sha256=${hmacHex(body, secret)}` }),
    bodySigned: true,
    row: { table: 'change', id: (n) => `jira:change:OPS-${7000 + n}`, event: 'change.created' },
  },
];

let hub: TestHub;
beforeAll(async () => {
  const configFile = path.join(dir, 'releasegraph.yaml');
  fs.writeFileSync(
    configFile,
    `connectors:
  - { id: gitlab, kind: gitlab, webhookSecret: ${SECRET} }
  - { id: pagerduty, kind: pagerduty, webhookSecret: ${SECRET} }
  - { id: jenkins, kind: jenkins, webhookSecret: ${SECRET} }
  - { id: jira, kind: jira, baseUrl: "http://127.0.0.1:9", email: ops@example.com, apiToken: x, projects: [OPS], webhookSecret: ${SECRET}, pollInterval: 1h,
      customFields: { windowStart: customfield_10050, windowEnd: customfield_10051 } }
`,
  );
  hub = await startTestHub({ env: { RELEASEGRAPH_CONFIG: configFile } });
});
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const load = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as Record<string, any>;
const post = (connector: string, body: string, headers: Record<string, string>) =>
  fetch(`${hub.url}/hooks/${connector}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const rowCount = async (table: string, id: string) =>
  ((await hub.db.query(`SELECT count(*)::int AS n FROM "${table}" WHERE id = $1`, [id])) as [{ n: number }])[0].n;

describe.each(sources)('$connector webhooks', (source) => {
  it('refuse a wrong or missing signature (and, where the body is signed, a changed body) with 401 and write nothing', async () => {
    const { payload, headers } = source.vary(load(source.fixture), 1);
    const body = JSON.stringify(payload);
    expect((await post(source.connector, body, { ...headers, ...source.sign(body, 'not-the-secret') })).status).toBe(401);
    expect((await post(source.connector, body, headers)).status).toBe(401);
    // GitLab and Jenkins send a shared token, which proves the sender but not the body; the others sign the body.
    if (source.bodySigned) expect((await post(source.connector, body.replace('"', '" '), { ...headers, ...source.sign(body) })).status).toBe(401);
    await hub.domain.connectors.settled();
    expect(await rowCount(source.row.table, source.row.id(1))).toBe(0);
  });

  it('land the same delivery posted 100 times at once exactly once, with one event', async () => {
    const { payload, headers } = source.vary(load(source.fixture), 2);
    const body = JSON.stringify(payload);
    const responses = await Promise.all(Array.from({ length: 100 }, () => post(source.connector, body, { ...headers, ...source.sign(body) })));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(202));
    const outcomes = (await Promise.all(responses.map((r) => r.json()))) as Array<{ outcome: string }>;
    expect(outcomes.filter((o) => o.outcome === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(99);
    await hub.domain.connectors.settled();
    expect(await rowCount(source.row.table, source.row.id(2))).toBe(1);
    const events = await hub.db.query(`SELECT count(*)::int AS n FROM release_event WHERE type = $1 AND subject_id = $2`, [source.row.event, source.row.id(2)]);
    expect(events).toEqual([{ n: 1 }]);
  });
});

describe('a delivery whose records cannot be written', () => {
  it('goes to the dead-letter table, and the deliveries around it still land', async () => {
    const source = sources.find((s) => s.connector === 'jira')!;
    const send = async (n: number, edit: (p: Record<string, any>) => void = () => undefined) => {
      const { payload, headers } = source.vary(load(source.fixture), n);
      edit(payload);
      const body = JSON.stringify(payload);
      return post(source.connector, body, { ...headers, ...source.sign(body) });
    };
    // A change window that ends before it starts: the ticket's data is wrong, not the hub.
    const reversed = (p: Record<string, any>) => {
      p.issue.fields.customfield_10050 = '2026-11-27T10:00:00.000+0000';
      p.issue.fields.customfield_10051 = '2026-11-27T08:00:00.000+0000';
    };
    const statuses = [await send(10), await send(11, reversed), await send(12)].map((r) => r.status);
    expect(statuses).toEqual([202, 202, 202]);
    await hub.domain.connectors.settled();
    expect(await rowCount('change', source.row.id(10))).toBe(1);
    expect(await rowCount('change', source.row.id(11))).toBe(0);
    expect(await rowCount('change', source.row.id(12))).toBe(1);
    const letters = (await hub.db.query(`SELECT source, error, payload->>'deliveryId' AS delivery FROM dead_letter WHERE connector_id = 'jira'`)) as unknown[];
    expect(letters).toEqual([{ source: 'webhook:jira:issue_created', error: expect.stringMatching(/windowEnd is before windowStart/), delivery: 'jira-11' }]);
    const events = await hub.db.query(`SELECT count(*)::int AS n FROM release_event WHERE type = 'connector.dead_lettered' AND subject_id = 'jira'`);
    expect(events).toEqual([{ n: 1 }]);
  });
});
