import type { DataSource, EntityManager } from 'typeorm';

/** A release event as a consumer reads it from the log. */
export interface ConsumedEvent {
  id: string;
  type: string;
  releaseId: string | null;
  subjectType: string;
  subjectId: string;
  payload: Record<string, unknown>;
}

/**
 * A reader of the release event log that keeps its place in `event_consumer_cursor` (the notifier,
 * the stabilization round). Each batch is handled in the transaction that moves the cursor, with
 * the cursor row locked, so instances take turns and an event is handled once. A new consumer
 * starts at the end of the log: it is not handed the past.
 */
export class EventConsumer {
  constructor(
    private readonly db: DataSource,
    readonly name: string,
    private readonly options: { batch: number; types?: readonly string[] },
  ) {}

  /** Hands the next batch to `handle`; returns how many events were read (a full batch: there may be more). */
  next(handle: (m: EntityManager, events: ConsumedEvent[]) => Promise<void>): Promise<number> {
    return this.db.transaction(async (m) => {
      await m.query('INSERT INTO event_consumer_cursor (consumer, last_event_id) SELECT $1, coalesce(max(id), 0) FROM release_event ON CONFLICT DO NOTHING', [
        this.name,
      ]);
      const [cursor] = (await m.query('SELECT last_event_id::text AS after FROM event_consumer_cursor WHERE consumer = $1 FOR UPDATE', [this.name])) as Array<{
        after: string;
      }>;
      // The end first, then what lies before it: events of other types up to it are passed over at once.
      const [{ head }] = (await m.query('SELECT coalesce(max(id), 0)::text AS head FROM release_event')) as [{ head: string }];
      const { batch, types } = this.options;
      const rows = (await m.query(
        `SELECT id::text AS id, type, release_id, subject_type, subject_id, payload FROM release_event
          WHERE id > $1 AND id <= $2 ${types ? 'AND type = ANY($4)' : ''} ORDER BY id LIMIT $3`,
        [cursor!.after, head, batch, ...(types ? [types] : [])],
      )) as Array<{ id: string; type: string; release_id: string | null; subject_type: string; subject_id: string; payload: Record<string, unknown> }>;
      const events = rows.map((r) => ({
        id: r.id,
        type: r.type,
        releaseId: r.release_id,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        payload: r.payload,
      }));
      if (events.length) await handle(m, events);
      const reached = events.length === batch ? events[batch - 1]!.id : head;
      if (reached !== cursor!.after) await m.query('UPDATE event_consumer_cursor SET last_event_id = $2 WHERE consumer = $1', [this.name, reached]);
      return events.length;
    });
  }
}
