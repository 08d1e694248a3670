import DataLoader from 'dataloader';
import { In, type DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';

/**
 * Generic batch loaders: each turns the N look-ups of one GraphQL execution level into a single
 * SQL statement, whatever N is.
 */

type Keyed = ObjectLiteral & { id: string };

/** One row per id (null when missing). */
export function byId<T extends Keyed>(db: DataSource, entity: EntityTarget<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const rows = await db.getRepository(entity).findBy({ id: In([...ids]) } as never);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** All rows whose `column` equals the key, oldest first (one-to-many through a foreign key). */
export function manyBy<T extends Keyed>(db: DataSource, entity: EntityTarget<T>, column: keyof T & string): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const rows = await db.getRepository(entity).find({ where: { [column]: In([...keys]) } as never, order: { createdAt: 'ASC', id: 'ASC' } as never });
    return groupBy(keys, rows, (r) => [r[column] as string]);
  });
}

/** Rows reached through a join table (many-to-many), ordered by name when they have one. */
export function through<T extends Keyed, J extends ObjectLiteral>(
  db: DataSource,
  join: EntityTarget<J>,
  from: keyof J & string,
  to: keyof J & string,
  entity: EntityTarget<T>,
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const { raw, entities } = await db
      .getRepository(entity)
      .createQueryBuilder('t')
      .innerJoin(join as Function, 'j', `j.${to} = t.id`)
      .addSelect(`j.${from}`, 'owner_key')
      .where(`j.${from} IN (:...keys)`, { keys: [...keys] })
      .orderBy('t.id', 'ASC')
      .getRawAndEntities<{ owner_key: string; t_id: string }>();
    const byEntityId = new Map(entities.map((e) => [e.id, e]));
    const grouped = new Map<string, T[]>();
    for (const r of raw) {
      const e = byEntityId.get(r.t_id);
      if (!e) continue;
      const list = grouped.get(r.owner_key) ?? [];
      list.push(e);
      grouped.set(r.owner_key, list);
    }
    return keys.map((k) => grouped.get(k) ?? []);
  });
}

/** Groups rows under every key they belong to (a row may belong to several). */
export function groupBy<T>(keys: readonly string[], rows: readonly T[], keysOf: (row: T) => string[]): T[][] {
  const grouped = new Map<string, T[]>();
  for (const row of rows) {
    for (const key of keysOf(row)) {
      const list = grouped.get(key) ?? [];
      list.push(row);
      grouped.set(key, list);
    }
  }
  return keys.map((k) => grouped.get(k) ?? []);
}
