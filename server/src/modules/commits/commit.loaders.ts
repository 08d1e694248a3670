import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { byId, entityMapper } from '../../graphql/loader-kit.js';
import { Change } from '../changes/change.entity.js';
import { Commit, GitTag } from './commit.entity.js';

export function commitLoaders(db: DataSource) {
  const commit = entityMapper(db, Commit);
  return {
    commitById: byId(db, Commit),
    tagById: byId(db, GitTag),
    changesByKey: new DataLoader<string, Change | null>(async (keys) => {
      const rows = await db.getRepository(Change).findBy({ key: In([...keys]) });
      const map = new Map(rows.map((r) => [r.key, r]));
      return keys.map((k) => map.get(k) ?? null);
    }),
    /** Key: `<repository>\0<sha>`. */
    commitByRepositorySha: new DataLoader<string, Commit | null>(async (keys) => {
      const pairs = keys.map((k) => k.split('\u0000') as [string, string]);
      const rows: Array<Record<string, unknown>> = await db.query(
        'SELECT c.* FROM commit c JOIN unnest($1::text[], $2::text[]) AS k(repository, sha) ON c.repository = k.repository AND c.sha = k.sha',
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
      const map = new Map(rows.map((r) => [`${String(r.repository)}\u0000${String(r.sha)}`, commit.map(r)]));
      return keys.map((k) => map.get(k) ?? null);
    }),
  };
}
