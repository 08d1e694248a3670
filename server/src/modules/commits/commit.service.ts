import type { DataSource } from 'typeorm';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import { upsertGraphRow, type OriginFields } from '../common/upsert.js';
import { Commit, GitTag } from './commit.entity.js';
import type { CommitFilter, GitTagFilter } from './commit.types.js';

export type CommitRecord = Pick<Commit, 'id' | 'sha' | 'repository' | 'message' | 'author' | 'committedAt' | 'changeKeys'> & OriginFields;
export type GitTagRecord = Pick<GitTag, 'id' | 'name' | 'repository' | 'commitSha' | 'releaseId'> & OriginFields;

/** Commits and tags, as the git connectors report them. */
export class CommitLedger {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
  ) {}

  listCommits(filter: CommitFilter | null | undefined, page: { first?: number | null; after?: string | null }): Promise<Connection<Commit>> {
    const qb = this.db.getRepository(Commit).createQueryBuilder('c');
    if (filter?.repository) qb.andWhere('c.repository = :repository', { repository: filter.repository });
    if (filter?.sha) qb.andWhere('c.sha = :sha', { sha: filter.sha });
    if (filter?.changeKey) qb.andWhere('c.change_keys @> ARRAY[:changeKey]::text[]', { changeKey: filter.changeKey });
    whereInRange(qb, 'committed_at', filter?.committedAt, 'filter.committedAt');
    return paginate(qb, page);
  }

  listTags(filter: GitTagFilter | null | undefined, page: { first?: number | null; after?: string | null }): Promise<Connection<GitTag>> {
    const qb = this.db.getRepository(GitTag).createQueryBuilder('t');
    if (filter?.repository) qb.andWhere('t.repository = :repository', { repository: filter.repository });
    if (filter?.releaseId) qb.andWhere('t.release_id = :releaseId', { releaseId: filter.releaseId });
    whereInRange(qb, 'created_at', filter?.createdAt, 'filter.createdAt');
    return paginate(qb, page);
  }

  /** Records commits by their deterministic ids; unchanged ones write nothing and raise no event. */
  recordCommits(actor: Actor, commits: CommitRecord[]): Promise<Commit[]> {
    return this.writes.run(actor, (tx) => this.upsertCommits(tx, commits));
  }

  /** {@link recordCommits} inside a caller's transaction (a webhook delivery writes its id with them). */
  async upsertCommits(tx: WriteTx, commits: CommitRecord[]): Promise<Commit[]> {
    const saved: Commit[] = [];
    for (const c of commits) saved.push(await upsertGraphRow(tx, Commit, c, { subjectType: 'Commit', event: 'commit' }));
    return saved;
  }

  recordTag(actor: Actor, tag: GitTagRecord): Promise<GitTag> {
    return this.writes.run(actor, (tx) => upsertGraphRow(tx, GitTag, tag, { subjectType: 'GitTag', event: 'tag', releaseId: tag.releaseId }));
  }
}
