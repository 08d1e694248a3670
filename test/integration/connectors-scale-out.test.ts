import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeRequest, FakeServiceNow } from '../src/fake-servicenow.js';
import { createTestDatabase, type TestDatabase } from '../src/database.js';
import { startTestHub, type TestHub } from '../src/hub.js';

/*
 * Connectors on two hub instances over one database: webhook deliveries land once whichever
 * instance takes them, and a polled source is read by one instance at a time.
 */

const SECRET = 'scale-out-webhook-secret';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-scale-'));
let database: TestDatabase;
let fake: FakeServiceNow;
const hubs: TestHub[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await new FakeServiceNow().start();
  const file = path.join(dir, 'releasegraph.yaml');
  fs.writeFileSync(
    file,
    `connectors:
  - { id: github, kind: github, webhookSecret: ${SECRET} }
  - { id: sn, kind: servicenow, baseUrl: "${fake.url}", username: releasegraph, password: sn-password, pageSize: 5, pollInterval: 1h }
`,
  );
  for (let i = 0; i < 2; i++) hubs.push(await startTestHub({ databaseUrl: database.url, env: { RELEASEGRAPH_CONFIG: file } }));
});
afterAll(async () => {
  for (const hub of hubs) await hub.stop();
  await database?.drop();
  await fake?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('connectors on two hub instances', () => {
  it('lands a delivery posted 60 times across both instances once, with one event', async () => {
    const sha = crypto.randomBytes(20).toString('hex');
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { name: 'payments', full_name: 'acme/payments' },
      commits: [{ id: sha, message: 'OPS-9: scale out', timestamp: new Date().toISOString(), author: { name: 'Dana', username: 'dana' } }],
    });
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex'),
    };
    const responses = await Promise.all(Array.from({ length: 60 }, (_, i) => fetch(`${hubs[i % 2]!.url}/hooks/github`, { method: 'POST', headers, body })));
    const outcomes = await Promise.all(responses.map((r) => r.json() as Promise<{ outcome: string }>));
    expect(outcomes.filter((o) => o.outcome === 'accepted')).toHaveLength(1);
    await Promise.all(hubs.map((h) => h.domain.connectors.settled()));
    const db = hubs[0]!.db;
    expect(await db.query('SELECT count(*)::int AS n FROM commit WHERE sha = $1', [sha])).toEqual([{ n: 1 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM release_event WHERE type = 'commit.created' AND subject_id LIKE $1`, [`%${sha}`])).toEqual([
      { n: 1 },
    ]);
  });

  it('polls a source from one instance at a time: every change once, no request twice', async () => {
    fake.rows.push(
      ...Array.from({ length: 12 }, (_, i) => changeRequest(`CHG00910${String(i).padStart(2, '0')}`, `2026-11-26 12:00:${String(i).padStart(2, '0')}`)),
    );
    const before = fake.requests.length;
    const results = await Promise.all([hubs[0]!.domain.connectors.poll('sn'), hubs[1]!.domain.connectors.poll('sn')]);
    // One of them ran (or the start-up poll of either had the lock: then a second round reads the rest).
    if (!results.some((r) => r.ran && r.pages >= 3)) await hubs[0]!.domain.connectors.poll('sn');
    const db = hubs[0]!.db;
    expect(await db.query(`SELECT count(*)::int AS n FROM change WHERE key LIKE 'CHG00910%'`)).toEqual([{ n: 12 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM release_event WHERE type = 'change.created' AND payload->>'key' LIKE 'CHG00910%'`)).toEqual([
      { n: 12 },
    ]);
    // Pages of 5: three requests read the 12 rows; a concurrent second reader would have doubled them.
    const queries = fake.requests.slice(before).map((r) => r.query);
    expect(new Set(queries).size).toBe(queries.length);
  });
});
