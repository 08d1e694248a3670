import type { EntityTarget } from 'typeorm';
import type { Origin } from '@releasegraph/connectors';
import { ConflictError } from '../../domain-errors.js';
import type { EventType } from '../../events/catalogue.js';
import { canonicalJson } from '../../write/canonical-json.js';
import type { WriteTx } from '../../write/write-path.js';
import type { GraphRow } from './graph-row.js';

/** Where a connector-made row came from (every row keeps its origin). */
export interface OriginFields {
  originConnector: string;
  originEntity: string | null;
  originId: string | null;
}

export const originOf = (o: Origin): OriginFields => ({ originConnector: o.connector, originEntity: o.entity, originId: o.sourceId });

/** Only the fields a source knows: a later event that omits a time (null) keeps the one an earlier event gave. */
export function known<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  // jsonb reorders object keys: compare canonical forms.
  if (a && b && typeof a === 'object' && typeof b === 'object') return canonicalJson(a) === canonicalJson(b);
  return a === b;
}

/** The events a row's module records for it: `<entity>.created` and `<entity>.updated`. */
export interface RowEvents {
  created: EventType;
  updated: EventType;
  /** The release it belongs to, when the caller knows it (else the write path finds it from the row). */
  releaseId?: string | null;
}

/**
 * Writes the fields of `changes` that differ from `existing`, with one `updated` event naming
 * them; nothing differs, nothing is written and no event is recorded.
 */
export async function updateGraphRow<T extends GraphRow>(
  tx: WriteTx,
  entity: EntityTarget<NoInfer<T>>,
  existing: T,
  changes: Partial<NoInfer<T>>,
  events: Pick<RowEvents, 'updated' | 'releaseId'>,
): Promise<T> {
  const changed = Object.entries(changes).filter(([k, v]) => v !== undefined && !sameValue((existing as Record<string, unknown>)[k], v));
  if (!changed.length) return existing;
  const m = tx.manager;
  await m.update(entity, { id: existing.id } as never, Object.fromEntries(changed) as never);
  const saved = await m.findOneByOrFail(entity, { id: existing.id } as never);
  tx.record(events.updated, {
    subjectId: existing.id,
    ...(events.releaseId !== undefined ? { releaseId: events.releaseId } : {}),
    payload: { ...saved, changed: changed.map(([k]) => k) },
  } as never);
  return saved;
}

/**
 * Inserts or updates a row by its deterministic id. Re-ingesting the same data is a no-op: no
 * write, no event. Concurrent first inserts of one id meet at `ON CONFLICT DO NOTHING`, and the
 * loser continues as an update.
 */
export async function upsertGraphRow<T extends GraphRow>(
  tx: WriteTx,
  entity: EntityTarget<T>,
  record: Partial<T> & { id: string },
  events: RowEvents,
): Promise<{ row: T; created: boolean }> {
  const m = tx.manager;
  const inserted = await m
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values(record as never)
    .orIgnore()
    .execute();
  if ((inserted.raw as unknown[]).length > 0) {
    const saved = await m.findOneByOrFail(entity, { id: record.id } as never);
    tx.record(events.created, { subjectId: record.id, ...(events.releaseId !== undefined ? { releaseId: events.releaseId } : {}), payload: saved } as never);
    return { row: saved, created: true };
  }
  const existing = await m.findOne(entity, { where: { id: record.id } as never, lock: { mode: 'pessimistic_write' } });
  // Nothing inserted and no row with this id: the record clashed with another row on another unique key.
  if (!existing) throw new ConflictError(`${String((entity as { name?: string }).name ?? 'row')} ${record.id} clashes with an existing row on a unique key`);
  return { row: await updateGraphRow(tx, entity, existing, record, events), created: false };
}
