import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import pg from 'pg';
import type { ResultOf, VariablesOf } from './client.js';
import { graphql } from './gql/index.js';

export const RELEASE_EVENTS = graphql(`
  subscription CollectReleaseEvents($after: String, $filter: ReleaseEventFilter) {
    releaseEvents(after: $after, filter: $filter) {
      cursor
      type
      releaseId
      subjectId
    }
  }
`);

export type ReceivedEvent = ResultOf<typeof RELEASE_EVENTS>['releaseEvents'];

/** Subscribes and collects events until `until` holds or `ms` pass; resolves with what arrived. */
export function collectEvents(
  client: Client,
  variables: VariablesOf<typeof RELEASE_EVENTS>,
  { until, ms = 60_000 }: { until: (events: ReceivedEvent[]) => boolean; ms?: number },
): Promise<{ events: ReceivedEvent[]; error: unknown }> {
  return new Promise((resolve) => {
    const events: ReceivedEvent[] = [];
    let settled = false;
    const finish = (error: unknown = null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      dispose();
      resolve({ events, error });
    };
    const dispose = client.subscribe<ResultOf<typeof RELEASE_EVENTS>>(
      { query: print(RELEASE_EVENTS), variables },
      {
        next: (v) => {
          if (v.errors) return finish(v.errors);
          if (v.data) events.push(v.data.releaseEvents);
          if (until(events)) finish();
        },
        error: (e) => finish(e),
        complete: () => finish(),
      },
    );
    const timer = setTimeout(() => finish(new Error(`timed out with ${events.length} events`)), ms);
  });
}

export const cursorOf = (id: string | number) => Buffer.from(`ev:${id}`).toString('base64url');

/** The event log as the database has it (ids after `afterId`, in order), read directly. */
export async function logIdsAfter(databaseUrl: string, afterId: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ id: string }>('SELECT e.id::text AS id FROM release_event e WHERE e.id > $1 ORDER BY e.id', [afterId]);
    return rows.map((r) => r.id);
  } finally {
    await c.end();
  }
}

export const idOfCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8').slice(3);

/** A status change's payload as docs/events.md publishes it: every `*.status_changed` event has this one shape. */
export interface StatusChange {
  from: string;
  to: string;
  cause: { kind: string };
}

/** Reads a `*.status_changed` payload (JSON on the wire), failing the test when it has another shape. */
export function statusChangeOf(payload: unknown): StatusChange {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (
    isRecord(payload) &&
    typeof payload.from === 'string' &&
    typeof payload.to === 'string' &&
    isRecord(payload.cause) &&
    typeof payload.cause.kind === 'string'
  )
    return { from: payload.from, to: payload.to, cause: { kind: payload.cause.kind } };
  throw new Error(`not a status change payload: ${JSON.stringify(payload)}`);
}
