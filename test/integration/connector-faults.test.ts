import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gql, gqlOk } from '../src/client.js';
import { changeRequest, FakeServiceNow } from '../src/fake-servicenow.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

/*
 * A polled ITSM connector (ServiceNow Table API) against a local Table API that fails on demand:
 * retries, Retry-After, the cursor after failures, the circuit, dead letters and their replay.
 */

const CONNECTOR_HEALTH = graphql(`
  query ConnectorFaultsHealth {
    connectors {
      id
      status
      lastSuccessAt
      lag
      lastError
      deadLetters
      circuitOpenUntil
    }
  }
`);
const CHECK_WITH_ID = graphql(`
  mutation ConnectorFaultsCheckWithId($id: String!) {
    checkConnector(id: $id) {
      id
      ok
      problem
    }
  }
`);
const CHECK = graphql(`
  mutation ConnectorFaultsCheck($id: String!) {
    checkConnector(id: $id) {
      ok
      problem
    }
  }
`);
const POISON_DEAD_LETTERS = graphql(`
  query ConnectorFaultsPoisonDeadLetters {
    deadLetters(connectorId: "sn-poison") {
      id
      source
      error
      payload
    }
  }
`);
const REPLAY = graphql(`
  mutation ConnectorFaultsReplay($id: ID!) {
    replayDeadLetter(id: $id) {
      replayAttempts
      replayedAt
      error
    }
  }
`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-faults-'));
const names = ['recovery', 'throttled', 'circuit', 'poison', 'badauth'] as const;
type Name = (typeof names)[number];
const fakes = {} as Record<Name, FakeServiceNow>;
let hub: TestHub;

function configFile(extra = ''): string {
  const file = path.join(dir, `releasegraph-${Date.now()}.yaml`);
  const entries = names.map(
    (name) => `  - id: sn-${name}
    kind: servicenow
    baseUrl: ${fakes[name].url}
    username: releasegraph
    password: ${name === 'badauth' ? 'not-the-password' : '${TEST_SN_PASSWORD}'}
    pageSize: 2
    pollInterval: 1h
    retry: { base: 20ms, cap: 5s, attempts: 3, circuitAfter: 3, circuitOpen: 1h }
    ${extra}`,
  );
  fs.writeFileSync(file, `connectors:\n${entries.join('\n')}\n`);
  return file;
}
const env = (file: string) => ({ RELEASEGRAPH_CONFIG: file, TEST_SN_PASSWORD: 'sn-password' });

beforeAll(async () => {
  for (const name of names) fakes[name] = await new FakeServiceNow().start();
  hub = await startTestHub({ env: env(configFile()) });
  // The start-up polls find empty tables.
  await Promise.all(names.map((n) => hub.domain.connectors.poll(`sn-${n}`)));
});
afterAll(async () => {
  await hub?.close();
  for (const fake of Object.values(fakes)) await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const health = async (id: string) => {
  const data = await gqlOk(hub.url, CONNECTOR_HEALTH, {}, ADMIN_TOKEN);
  return data.connectors.find((c) => c.id === id)!;
};
const changes = async (prefix: string) =>
  hub.db.query<Array<{ key: string; state: string }>>(`SELECT key, state FROM change WHERE key LIKE $1 ORDER BY key`, [`${prefix}%`]);
const cursorOf = async (id: string) =>
  (await hub.db.query<Array<{ cursor: string | null }>>('SELECT cursor FROM connector_cursor WHERE connector_id = $1', [id]))[0]?.cursor ?? null;
const statusEvents = async (id: string) =>
  (
    await hub.db.query<Array<{ to: string }>>(
      `SELECT payload->>'to' AS to FROM release_event WHERE type = 'connector.status_changed' AND subject_id = $1 ORDER BY id`,
      [id],
    )
  ).map((r) => r.to);

describe('a polled connector whose source fails', () => {
  it('says in words when its credentials are refused, before and instead of polling', async () => {
    const first = await hub.domain.connectors.poll('sn-badauth');
    expect(first.error).toMatch(/^check: ServiceNow credentials refused \(HTTP 401\)/);
    expect(await health('sn-badauth')).toMatchObject({ status: 'FAILING', lastError: expect.stringMatching(/credentials refused/) });
    const asked = await gqlOk(hub.url, CHECK_WITH_ID, { id: 'sn-badauth' }, ADMIN_TOKEN);
    expect(asked.checkConnector).toEqual({ id: 'sn-badauth', ok: false, problem: expect.stringMatching(/credentials refused/) });
    const fine = await gqlOk(hub.url, CHECK, { id: 'sn-throttled' }, ADMIN_TOKEN);
    expect(fine.checkConnector).toEqual({ ok: true, problem: null });
  });

  it('retries 500s, keeps its cursor after the last page written, and loses nothing when the source recovers', async () => {
    const fake = fakes.recovery;
    const keys = ['CHG0041001', 'CHG0041002', 'CHG0041003', 'CHG0041004', 'CHG0041005'];
    fake.rows.push(...keys.map((n, i) => changeRequest(n, `2026-11-26 08:0${i}:00`)));
    // Page 1 answers; every attempt at page 2 fails.
    fake.fail(3, 500, { after: 1 });
    const failed = await hub.domain.connectors.poll('sn-recovery');
    expect(failed).toMatchObject({ ran: true, pages: 1, error: expect.stringMatching(/answered 500.*gave up after 3 attempts/) });
    expect((await changes('CHG00410')).map((c) => c.key)).toEqual(keys.slice(0, 2));
    expect(JSON.parse((await cursorOf('sn-recovery'))!)).toEqual({ updatedOn: '2026-11-26 08:01:00', ids: ['sys-chg0041002'] });
    expect(await health('sn-recovery')).toMatchObject({ status: 'FAILING', lastError: expect.stringMatching(/500/) });

    const recovered = await hub.domain.connectors.poll('sn-recovery');
    expect(recovered).toMatchObject({ ran: true, error: null });
    expect((await changes('CHG00410')).map((c) => c.key)).toEqual(keys);
    const created = await hub.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM release_event WHERE type = 'change.created' AND payload->>'key' LIKE 'CHG00410%'`,
    );
    expect(created).toEqual([{ n: 5 }]);
    expect(await health('sn-recovery')).toMatchObject({ status: 'OK', lastSuccessAt: expect.any(String), lag: expect.any(Number) });
    expect(await statusEvents('sn-recovery')).toEqual(['OK', 'FAILING', 'OK']);
  });

  it('waits as long as a 429 Retry-After asks before the next request', async () => {
    const fake = fakes.throttled;
    fake.rows.push(changeRequest('CHG0042001', '2026-11-26 09:00:00'));
    fake.fail(1, 429, { headers: { 'retry-after': '1' } });
    const before = fake.requests.length;
    expect(await hub.domain.connectors.poll('sn-throttled')).toMatchObject({ ran: true, error: null });
    const [throttled, retried] = fake.requests.slice(before);
    expect(throttled!.status).toBe(429);
    expect(retried!.status).toBe(200);
    expect(retried!.at - throttled!.at).toBeGreaterThanOrEqual(990);
    expect((await changes('CHG0042')).map((c) => c.key)).toEqual(['CHG0042001']);
  });

  it('opens the circuit after repeated failed polls and stops calling the source', async () => {
    const fake = fakes.circuit;
    fake.rows.push(changeRequest('CHG0043001', '2026-11-26 10:00:00'));
    fake.fail(1000, 503);
    for (let i = 0; i < 3; i++) expect((await hub.domain.connectors.poll('sn-circuit')).error).toMatch(/503/);
    expect(await health('sn-circuit')).toMatchObject({ status: 'CIRCUIT_OPEN', circuitOpenUntil: expect.any(String) });
    const calls = fake.requests.length;
    expect(await hub.domain.connectors.poll('sn-circuit')).toMatchObject({ ran: false });
    expect(fake.requests.length).toBe(calls);
    expect(await statusEvents('sn-circuit')).toEqual(['OK', 'FAILING', 'CIRCUIT_OPEN']);
  });

  it('sends a row it cannot convert to the dead-letter table, writes the rows behind it, and replays it once the mapping is fixed', async () => {
    const fake = fakes.poison;
    fake.rows.push(
      changeRequest('CHG0044001', '2026-11-26 11:00:00'),
      changeRequest('CHG0044002', '2026-11-26 11:01:00', { state: '7' }), // a custom state the instance added
      changeRequest('CHG0044003', '2026-11-26 11:02:00'),
    );
    expect(await hub.domain.connectors.poll('sn-poison')).toMatchObject({ ran: true, rejected: 1, error: null });
    expect((await changes('CHG0044')).map((c) => c.key)).toEqual(['CHG0044001', 'CHG0044003']);
    expect(await health('sn-poison')).toMatchObject({ status: 'OK', deadLetters: 1 });

    const letters = await gqlOk(hub.url, POISON_DEAD_LETTERS, {}, ADMIN_TOKEN);
    expect(letters.deadLetters).toEqual([
      { id: expect.any(String), source: 'change_request', error: expect.stringMatching(/state/), payload: expect.anything() },
    ]);
    // The payload is JSON (unknown to the types): its `number` is the row's.
    expect(letters.deadLetters[0]!.payload).toHaveProperty('number', 'CHG0044002');
    const id = letters.deadLetters[0]!.id;

    // Replaying before the fix fails again and says why.
    const early = await gqlOk(hub.url, REPLAY, { id }, ADMIN_TOKEN);
    expect(early.replayDeadLetter).toEqual({ replayAttempts: 1, replayedAt: null, error: expect.stringMatching(/state/) });

    // The operator maps the custom state and restarts the hub on the same database.
    const databaseUrl = hub.database!.url;
    await hub.stop();
    const restarted = await startTestHub({ databaseUrl, env: env(configFile('stateMap: { "7": REVIEW }')) });
    hub = { ...restarted, database: hub.database, close: async () => (await restarted.stop(), await hub.database?.drop()) } as TestHub;
    const done = await gqlOk(hub.url, REPLAY, { id }, ADMIN_TOKEN);
    expect(done.replayDeadLetter).toEqual({ replayAttempts: 2, replayedAt: expect.any(String), error: expect.any(String) });
    expect(await changes('CHG0044')).toEqual([
      { key: 'CHG0044001', state: 'SCHEDULED' },
      { key: 'CHG0044002', state: 'REVIEW' },
      { key: 'CHG0044003', state: 'SCHEDULED' },
    ]);
    expect(await health('sn-poison')).toMatchObject({ deadLetters: 0 });
    // A letter is replayed once.
    const twice = await gql(hub.url, REPLAY, { id }, ADMIN_TOKEN);
    expect(codeOf(twice)).toBe('CONFLICT');
  });
});
