import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byId, entityMapper, groupBy, manyBy, through } from '../../graphql/loader-kit.js';
import { Commit } from '../commits/commit.entity.js';
import { Service } from '../services/service.entity.js';
import { Approval, Change, ChangeServiceLink } from './change.entity.js';

export function changeLoaders(db: DataSource) {
  const commit = entityMapper(db, Commit);
  return {
    changeById: byId(db, Change),
    approvalsOfChange: manyBy(db, Approval, 'changeId'),
    servicesOfChange: through(db, ChangeServiceLink, 'changeId', 'serviceId', Service),
    /** Commits whose message, branch or tag named the change key. */
    commitsOfChangeKey: new DataLoader<string, Commit[]>(async (keys) => {
      const rows: Array<Record<string, unknown> & { owner_key: string }> = await db.query(
        `SELECT k.key AS owner_key, c.* FROM commit c JOIN unnest($1::text[]) AS k(key) ON c.change_keys @> ARRAY[k.key]
         ORDER BY c.committed_at, c.id`,
        [[...keys]],
      );
      return groupBy(keys, rows, (r) => [r.owner_key]).map((list) => list.map(commit.map));
    }),
  };
}
