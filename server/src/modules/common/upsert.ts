import type { EntityTarget } from 'typeorm';
import { ConflictError } from '../../graphql/errors.js';
import { canonicalJson } from '../../write/canonical-json.js';
import type { WriteTx } from '../../write/write-path.js';
import type { GraphRow } from './graph-row.js';

/** Where a connector-made row came from (DESIGN.md: every row keeps its origin). */
export interface OriginFields {
  originConnector: string;
  originEntity: string | null;
  originId: string | null;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  // jsonb reorders object keys: compare canonical forms.
  if (a && b && typeof a === 'object' && typeof b === 'object') return canonicalJson(a) === canonicalJson(b);
  return a === b;
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
  event: { subjectType: string; event: string; releaseId?: string | null },
): Promise<T> {
  const m = tx.manager;
  const inserted = await m
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values(record as never)
    .orIgnore()
    .execute();
  const releaseId = event.releaseId ?? null;
  if ((inserted.raw as unknown[]).length > 0) {
    const saved = await m.findOneByOrFail(entity, { id: record.id } as never);
    tx.record({ type: `${event.event}.created`, subjectType: event.subjectType, subjectId: record.id, releaseId, payload: saved });
    return saved;
  }
  const existing = await m.findOne(entity, { where: { id: record.id } as never, lock: { mode: 'pessimistic_write' } });
  // Nothing inserted and no row with this id: the record clashed with another row on another unique key.
  if (!existing) throw new ConflictError(`${event.subjectType} ${record.id} clashes with an existing ${event.subjectType} on a unique key`);
  const changed = Object.entries(record).filter(([k, v]) => v !== undefined && !sameValue((existing as Record<string, unknown>)[k], v));
  if (!changed.length) return existing;
  await m.update(entity, { id: record.id } as never, Object.fromEntries(changed) as never);
  const saved = await m.findOneByOrFail(entity, { id: record.id } as never);
  tx.record({
    type: `${event.event}.updated`,
    subjectType: event.subjectType,
    subjectId: record.id,
    releaseId,
    payload: { ...saved, changed: changed.map(([k]) => k) },
  });
  return saved;
}
