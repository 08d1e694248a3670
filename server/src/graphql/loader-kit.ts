import DataLoader from 'dataloader';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Generic batch loaders: each turns the N look-ups of one GraphQL execution level into a single
 * SQL statement, whatever N is.
 */

type Keyed = ObjectLiteral & { id: string };

/**
 * Turns raw `SELECT t.*` rows into entity instances. The loaders run on every list the dashboard
 * shows, and TypeORM's query-builder hydration cost more than the SQL itself; `pg` has already
 * parsed the values (dates, json, arrays), so this only renames columns to properties.
 */
export function entityMapper<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T>): EntityMapper<T> {
  let cache = mappers.get(db);
  if (!cache) mappers.set(db, (cache = new Map()));
  let mapper = cache.get(entity) as EntityMapper<T> | undefined;
  if (!mapper) cache.set(entity, (mapper = buildMapper(db, entity)));
  return mapper;
}

interface EntityMapper<T> {
  table: string;
  map: (row: Record<string, unknown>) => T;
}
const mappers = new WeakMap<DataSource, Map<unknown, EntityMapper<unknown>>>();

function buildMapper<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T>): EntityMapper<T> {
  const metadata = db.getMetadata(entity);
  const columns = metadata.columns.map((c) => [c.databaseName, c.propertyName] as const);
  const prototype = (metadata.target as Function).prototype as object;
  return {
    table: metadata.tablePath,
    map: (row) => {
      const e = Object.create(prototype) as Record<string, unknown>;
      for (const [column, property] of columns) e[property] = row[column];
      return e as T;
    },
  };
}

/** One row per id (null when missing). */
export function byId<T extends Keyed>(db: DataSource, entity: EntityTarget<T>): DataLoader<string, T | null> {
  const { table, map } = entityMapper(db, entity);
  return new DataLoader(async (ids) => {
    const rows: Array<Record<string, unknown>> = await db.query(`SELECT * FROM "${table}" WHERE id = ANY($1)`, [[...ids]]);
    const byKey = new Map(rows.map((r) => [r.id as string, map(r)]));
    return ids.map((id) => byKey.get(id) ?? null);
  });
}

/** All rows whose `property` equals the key, oldest first (one-to-many through a foreign key). */
export function manyBy<T extends Keyed>(db: DataSource, entity: EntityTarget<T>, property: keyof T & string): DataLoader<string, T[]> {
  const { table, map } = entityMapper(db, entity);
  const column = db.getMetadata(entity).findColumnWithPropertyName(property)!.databaseName;
  return new DataLoader(async (keys) => {
    const rows: Array<Record<string, unknown>> = await db.query(`SELECT * FROM "${table}" WHERE "${column}" = ANY($1) ORDER BY created_at, id`, [[...keys]]);
    return groupBy(keys, rows.map(map), (r) => [r[property] as string]);
  });
}

/** Rows reached through a join table (many-to-many), in id order. */
export function through<T extends Keyed, J extends ObjectLiteral>(
  db: DataSource,
  join: EntityTarget<J>,
  from: keyof J & string,
  to: keyof J & string,
  entity: EntityTarget<T>,
): DataLoader<string, T[]> {
  const { table, map } = entityMapper(db, entity);
  const joinMeta = db.getMetadata(join);
  const fromColumn = joinMeta.findColumnWithPropertyName(from)!.databaseName;
  const toColumn = joinMeta.findColumnWithPropertyName(to)!.databaseName;
  return new DataLoader(async (keys) => {
    const rows: Array<Record<string, unknown> & { owner_key: string }> = await db.query(
      `SELECT j."${fromColumn}" AS owner_key, t.* FROM "${joinMeta.tablePath}" j JOIN "${table}" t ON t.id = j."${toColumn}" WHERE j."${fromColumn}" = ANY($1) ORDER BY t.id`,
      [[...keys]],
    );
    return groupBy(keys, rows, (r) => [r.owner_key]).map((list) => list.map(map));
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

/** Environments that deployments with `ownerColumn` = key went to (distinct, by name). */
export function environmentsThroughDeployments<E extends ObjectLiteral>(
  db: DataSource,
  environment: EntityTarget<E>,
  ownerColumn: 'service_id' | 'release_id',
): DataLoader<string, E[]> {
  const { map } = entityMapper(db, environment);
  return new DataLoader(async (keys) => {
    const rows: Array<Record<string, unknown> & { owner_key: string }> = await db.query(
      `SELECT DISTINCT d.${ownerColumn} AS owner_key, e.* FROM deployment d JOIN environment e ON e.id = d.environment_id
        WHERE d.${ownerColumn} = ANY($1) ORDER BY e.name`,
      [[...keys]],
    );
    return groupBy(keys, rows, (r) => [r.owner_key]).map((list) => list.map(map));
  });
}
