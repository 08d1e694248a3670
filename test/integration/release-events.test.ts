import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@releasegraph/server';
import { gqlOk, wsClient, type ResultOf } from '../src/client.js';
import { CREATE_RELEASE } from '../src/documents.js';
import { collectEvents, idOfCursor, logIdsAfter, type ReceivedEvent } from '../src/events.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Scale-out needs a real Redis; CI starts one and sets TEST_REQUIRE_REDIS=1 so this never silently skips there. */
async function redisReachable(): Promise<boolean> {
  const { port, hostname } = new URL(REDIS_URL);
  const ok = await new Promise<boolean>((resolve) => {
    const socket = net.connect(Number(port || 6379), hostname, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
  if (!ok && process.env.TEST_REQUIRE_REDIS === '1') throw new Error(`TEST_REQUIRE_REDIS=1 but no Redis answers at ${REDIS_URL}`);
  if (!ok) console.warn(`no Redis at ${REDIS_URL}: the scale-out tests do not run here`);
  return ok;
}
const admin = { id: 'test', name: 'writer', role: Role.ADMIN };

const EVENT_LOG_CURSORS = graphql(`
  query ReleaseEventsLogCursors($after: String) {
    releaseEventLog(first: 100, after: $after) {
      edges {
        cursor
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** The newest cursor in the log, read through the public API as a client would. */
async function headCursor(hub: TestHub): Promise<string | null> {
  let after: string | null = null;
  let last: string | null = null;
  for (;;) {
    const page: ResultOf<typeof EVENT_LOG_CURSORS> = await gqlOk(hub.url, EVENT_LOG_CURSORS, { after }, ADMIN_TOKEN);
    last = page.releaseEventLog.edges.at(-1)?.cursor ?? last;
    if (!page.releaseEventLog.pageInfo.hasNextPage) return last;
    after = page.releaseEventLog.pageInfo.endCursor;
  }
}

describe('releaseEvents over graphql-ws', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('8 concurrent writers x 500 events, a subscriber that drops mid-way and resumes: none missing, none twice, in commit order', async () => {
    const start = await headCursor(hub);
    expect(start).not.toBeNull();
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 500; i++) await hub.domain.releases.create(admin, { name: `w${w}`, version: `${i}.0.0` });
      })(),
    );
    const allWritten = Promise.all(writers);

    // first subscriber: takes 1000 events, then its connection goes away
    const first = wsClient(hub.url, ADMIN_TOKEN);
    const part1 = await collectEvents(first, { after: start }, { until: (ev) => ev.length >= 1000 });
    await first.dispose();
    expect(part1.error).toBeNull();
    expect(part1.events).toHaveLength(1000);

    // events keep being committed while nobody listens; then resume from the last cursor
    await new Promise((r) => setTimeout(r, 300));
    const total = 8 * 500;
    const second = wsClient(hub.url, ADMIN_TOKEN);
    const part2Promise = collectEvents(second, { after: part1.events.at(-1)!.cursor }, { until: (ev) => ev.length >= total - 1000, ms: 90_000 });
    await allWritten;
    const part2 = await part2Promise;
    await second.dispose();
    expect(part2.error).toBeNull();

    const received = [...part1.events, ...part2.events].map((e) => idOfCursor(e.cursor));
    const expected = await logIdsAfter(hub.database!.url, idOfCursor(start!));
    expect(expected).toHaveLength(total);
    expect(new Set(received).size).toBe(received.length); // no duplicates
    expect(received).toEqual(expected); // none missing, log (commit) order
    expect(part2.events.every((e) => e.type === 'release.created')).toBe(true);
  });

  it('without `after` it is live only; a filter narrows replay and live alike', async () => {
    const before = await hub.domain.releases.create(admin, { name: 'filtered', version: '1.0.0' });
    const cursorBefore = await headCursor(hub);

    const live = wsClient(hub.url, ADMIN_TOKEN);
    const livePromise = collectEvents(live, {}, { until: (ev) => ev.length >= 1 });
    await new Promise((r) => setTimeout(r, 300));
    const other = await hub.domain.releases.create(admin, { name: 'filtered', version: '2.0.0' });
    const liveEvents = await livePromise;
    await live.dispose();
    expect(liveEvents.events.map((e) => e.releaseId)).toEqual([other.id]); // nothing from before it subscribed

    await hub.domain.releases.update(admin, { id: before.id, status: 'SCHEDULED' as never });
    const filtered = wsClient(hub.url, ADMIN_TOKEN);
    const f = await collectEvents(
      filtered,
      { after: cursorBefore, filter: { releaseId: before.id, types: ['release.status_changed'] } },
      { until: (ev) => ev.length >= 1 },
    );
    // a live event matching the filter still arrives after the replay
    const f2Promise = collectEvents(filtered, { after: f.events[0]!.cursor, filter: { types: ['release.*'] } }, { until: (ev) => ev.length >= 1 });
    await new Promise((r) => setTimeout(r, 300));
    await hub.domain.releases.create(admin, { name: 'filtered', version: '3.0.0' });
    const f2 = await f2Promise;
    await filtered.dispose();
    expect(f.events.map((e: ReceivedEvent) => [e.type, e.releaseId])).toEqual([['release.status_changed', before.id]]);
    expect(f2.events.map((e) => e.type)).toEqual(['release.created']);
  });

  it('refuses a malformed cursor with BAD_USER_INPUT', async () => {
    const c = wsClient(hub.url, ADMIN_TOKEN);
    const r = await collectEvents(c, { after: 'not-a-cursor' }, { until: () => true, ms: 5000 });
    await c.dispose();
    expect(JSON.stringify(r.error)).toContain('BAD_USER_INPUT');
  });
});

describe.runIf(await redisReachable())('several hubs on one database, events through Redis', () => {
  let a: TestHub;
  let b: TestHub;
  beforeAll(async () => {
    a = await startTestHub({ redisUrl: REDIS_URL });
    b = await startTestHub({ redisUrl: REDIS_URL, databaseUrl: a.database!.url });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
  });

  it('a subscriber on one hub sees, once and in order, what is written through the other', async () => {
    const start = await headCursor(a);
    const sub = wsClient(b.url, ADMIN_TOKEN);
    const collecting = collectEvents(sub, { after: start }, { until: (ev) => ev.length >= 200 });
    await new Promise((r) => setTimeout(r, 300));
    // writes land on both hubs concurrently
    await Promise.all([
      (async () => {
        for (let i = 0; i < 100; i++) await gqlOk(a.url, CREATE_RELEASE, { i: { name: 'via-a', version: `${i}.0.0` } }, ADMIN_TOKEN);
      })(),
      (async () => {
        for (let i = 0; i < 100; i++) await b.domain.releases.create(admin, { name: 'via-b', version: `${i}.0.0` });
      })(),
    ]);
    const { events, error } = await collecting;
    await sub.dispose();
    expect(error).toBeNull();
    const received = events.map((e) => idOfCursor(e.cursor));
    expect(received).toEqual(await logIdsAfter(a.database!.url, idOfCursor(start!)));
  });
});
