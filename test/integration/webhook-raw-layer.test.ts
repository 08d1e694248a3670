import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { github, type ConnectorKind, type GithubConfig } from '@releasegraph/connectors';
import type { ConfigExtensions } from '@releasegraph/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk } from '../src/client.js';
import { createTestDatabase, type TestDatabase } from '../src/database.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

/*
 * The webhook inbox is the raw layer: it keeps each verified delivery as received, converts it when
 * processing it, and converts a replayed dead letter again with the converter of the day. Yesterday's
 * converter is played by a GitHub kind whose converter chokes on commit messages beyond ASCII; the
 * fix is the kit's own converter, deployed by restarting the hub on the same database.
 */

const SECRET = 'raw-layer-webhook-secret';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-raw-'));
const configFile = path.join(dir, 'releasegraph.yaml');
fs.writeFileSync(configFile, `connectors:\n  - { id: github, kind: github, webhookSecret: ${SECRET} }\n`);

const githubWithYesterdaysConverter: ConnectorKind<GithubConfig> = {
  ...github,
  webhook: {
    ...github.webhook!,
    convert(config, delivery) {
      if (delivery.rawBody.some((byte) => byte > 0x7f)) throw new Error('commit message is not ASCII');
      return github.webhook!.convert(config, delivery);
    },
  },
};

let database: TestDatabase;
let hub: TestHub;
const start = (connectorKinds?: ConfigExtensions['connectorKinds']) =>
  startTestHub({ databaseUrl: database.url, env: { RELEASEGRAPH_CONFIG: configFile }, extensions: { connectorKinds } });

beforeAll(async () => {
  database = await createTestDatabase();
  // The kit types each kind by its own config; the hub holds them all as one (as the kit's CONNECTOR_KINDS does).
  hub = await start({ github: githubWithYesterdaysConverter as unknown as ConnectorKind<{ id: string; kind: string }> });
});
afterAll(async () => {
  await hub?.close();
  await database?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A push as GitHub sends it, laid out the way no JSON.stringify would (so re-encoding shows). */
function pushBody(sha: string, message: string): Buffer {
  const escaped = JSON.stringify(message);
  return Buffer.from(
    `{\r\n  "ref" : "refs/heads/main",\r\n  "repository" : { "name": "payments", "full_name": "acme/payments" },\r\n` +
      `  "commits" : [ { "id": "${sha}", "message": ${escaped}, "timestamp": "2026-11-26T08:00:00Z",` +
      ` "author": { "name": "Dana", "username": "dana" } } ],\r\n  "note": "caf\\u00e9"\r\n}\r\n`,
    'utf8',
  );
}
const sign = (body: Buffer) => 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex');
async function deliver(body: Buffer): Promise<{ deliveryId: string; status: number; outcome: string }> {
  const deliveryId = crypto.randomUUID();
  const res = await fetch(`${hub.url}/hooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/044aadd',
      'x-github-event': 'push',
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': sign(body),
      authorization: 'Bearer a-proxy-credential',
    },
    body,
  });
  const answer = (await res.json()) as { outcome: string };
  await hub.domain.connectors.settled();
  return { deliveryId, status: res.status, outcome: answer.outcome };
}
const inbox = async (deliveryId: string) =>
  (
    (await hub.db.query('SELECT status, raw_body, headers, records FROM webhook_delivery WHERE connector_id = $1 AND delivery_id = $2', [
      'github',
      deliveryId,
    ])) as Array<{
      status: string;
      raw_body: Buffer | null;
      headers: Record<string, string> | null;
      records: unknown;
    }>
  )[0];
const commits = (sha: string) => hub.db.query('SELECT message, change_keys FROM commit WHERE sha = $1', [sha]) as Promise<unknown[]>;
const newSha = () => crypto.randomBytes(20).toString('hex');

describe('the webhook inbox keeps deliveries as received', () => {
  it('stores the verified body byte for byte and the headers the converter reads, never the credentials', async () => {
    const sha = newSha();
    const body = pushBody(sha, 'CHG0031990: retry card authorisation');
    const { deliveryId, status, outcome } = await deliver(body);
    expect({ status, outcome }).toEqual({ status: 202, outcome: 'accepted' });

    const kept = await inbox(deliveryId);
    expect(kept?.status).toBe('processed');
    expect(kept?.raw_body?.equals(body)).toBe(true);
    expect(kept?.headers).toEqual({ 'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/044aadd', 'x-github-event': 'push' });
    expect(kept?.records).toBeNull();
    expect(await commits(sha)).toEqual([{ message: 'CHG0031990: retry card authorisation', change_keys: ['CHG0031990'] }]);
  });
});

describe('a delivery its converter cannot convert', () => {
  const sha = newSha();
  const message = 'CHG0031991: Zahlungsabgleich für Kartenzahlungen ✓';
  const body = pushBody(sha, message);
  let deliveryId: string;
  let letterId: string;
  const replay = (id: string) =>
    gqlOk<any>(hub.url, 'mutation($id: ID!) { replayDeadLetter(id: $id) { replayAttempts replayedAt error } }', { id }, ADMIN_TOKEN);

  it('is acknowledged, then dead-lettered with its body kept in the inbox', async () => {
    const delivered = await deliver(body);
    deliveryId = delivered.deliveryId;
    expect({ status: delivered.status, outcome: delivered.outcome }).toEqual({ status: 202, outcome: 'accepted' });
    expect(await commits(sha)).toEqual([]);

    const { deadLetters } = await gqlOk<any>(hub.url, '{ deadLetters(connectorId: "github") { id source error payload } }', {}, ADMIN_TOKEN);
    expect(deadLetters).toEqual([{ id: expect.any(String), source: 'webhook:push', error: expect.stringMatching(/not ASCII/), payload: { deliveryId } }]);
    letterId = deadLetters[0].id;
    const kept = await inbox(deliveryId);
    expect(kept?.status).toBe('dead_lettered');
    expect(kept?.raw_body?.equals(body)).toBe(true);
  });

  it('is converted again from its kept body when replayed: yesterday’s converter fails again, today’s lands it', async () => {
    expect((await replay(letterId)).replayDeadLetter).toEqual({ replayAttempts: 1, replayedAt: null, error: expect.stringMatching(/not ASCII/) });
    expect(await commits(sha)).toEqual([]);

    // The fixed converter ships: the hub restarts on the same database with the kit's GitHub kind.
    await hub.close();
    hub = await start();
    const done = await replay(letterId);
    expect(done.replayDeadLetter).toMatchObject({ replayAttempts: 2, replayedAt: expect.any(String) });
    expect(await commits(sha)).toEqual([{ message, change_keys: ['CHG0031991'] }]);
    expect((await inbox(deliveryId))?.status).toBe('processed');
    const events = await hub.db.query(`SELECT type FROM release_event WHERE subject_id IN ($1, 'github') AND type <> 'connector.status_changed' ORDER BY id`, [
      `github:commit:acme/payments@${sha}`,
    ]);
    expect(events).toEqual([{ type: 'connector.dead_lettered' }, { type: 'commit.created' }, { type: 'connector.dead_letter_replayed' }]);
  });
});

describe('a delivery stored before the raw layer', () => {
  it('is still processed from the records it was stored with', async () => {
    const sha = newSha();
    const records = {
      commits: [
        {
          id: `github:commit:acme/payments@${sha}`,
          sha,
          repository: 'acme/payments',
          message: 'CHG0031992: stored as records',
          author: 'dana',
          committedAt: '2026-11-26T08:00:00.000Z',
          changeKeys: ['CHG0031992'],
          origin: { connector: 'github', entity: 'push', sourceId: sha },
        },
      ],
    };
    await hub.db.query(`INSERT INTO webhook_delivery (connector_id, delivery_id, event, status, records) VALUES ('github', $1, 'push', 'pending', $2)`, [
      crypto.randomUUID(),
      JSON.stringify(records),
    ]);
    await hub.domain.connectors.settled();
    expect(await commits(sha)).toEqual([{ message: 'CHG0031992: stored as records', change_keys: ['CHG0031992'] }]);
  });
});
