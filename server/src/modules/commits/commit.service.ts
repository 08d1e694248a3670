import type { CommitRecord, TagRecord } from '@releasegraph/connectors';
import { In, IsNull, type DataSource } from 'typeorm';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { WriteTx } from '../../write/write-path.js';
import type { IngestRefs } from '../common/ingest-refs.js';
import { known, originOf, updateGraphRow, upsertGraphRow } from '../common/upsert.js';
import type { ChangeKeyRules } from '../changes/change-key-rules.js';
import { Commit, GitTag } from './commit.entity.js';
import type { CommitFilter, GitTagFilter } from './commit.types.js';

/** Commits and tags, as the git connectors report them. */
export class CommitService {
  constructor(
    private readonly db: DataSource,
    private readonly changeKeys: ChangeKeyRules,
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

  /** A commit as git reports it. The same commit can come from several connectors (the git CLI and GitHub): one row. */
  async ingestCommit(tx: WriteTx, r: CommitRecord): Promise<void> {
    const existing = await tx.manager.findOne(Commit, { where: { repository: r.repository, sha: r.sha }, select: { id: true } });
    const id = existing?.id ?? r.id;
    // Only keys of configured projects are change tickets (never SHA-256, UTF-8, CVE-…).
    const changeKeys = this.changeKeys.filter(r.changeKeys);
    const fields = { sha: r.sha, repository: r.repository, message: r.message, author: r.author, committedAt: r.committedAt, changeKeys };
    await upsertGraphRow(tx, Commit, { id, ...fields, ...(id === r.id ? originOf(r.origin) : {}) }, { created: 'commit.created', updated: 'commit.updated' });
  }

  /** A tag as git reports it, joined to the release of its version when there is one. */
  async ingestTag(tx: WriteTx, r: TagRecord, refs: IngestRefs): Promise<void> {
    const releaseId = await refs.releaseOfVersion(r.releaseVersion);
    const existing = await tx.manager.findOne(GitTag, { where: { repository: r.repository, name: r.name }, select: { id: true } });
    const id = existing?.id ?? r.id;
    await upsertGraphRow(
      tx,
      GitTag,
      {
        id,
        name: r.name,
        repository: r.repository,
        // GitHub's create event has no sha; the git CLI's does: an unknown sha never erases a known one.
        ...known({ commitSha: r.commitSha }),
        ...(releaseId ? { releaseId } : {}),
        ...(id === r.id ? originOf(r.origin) : {}),
      },
      TAG_EVENTS,
    );
  }

  /** Tags of a version read before its release was planned join the release (`v1.4.0` for version 1.4.0). */
  async adoptTags(tx: WriteTx, releaseId: string, version: string): Promise<void> {
    const bare = version.replace(/^v(?=\d)/, '');
    const orphans = await tx.manager.find(GitTag, { where: { releaseId: IsNull(), name: In([bare, `v${bare}`]) }, lock: { mode: 'pessimistic_write' } });
    for (const tag of orphans) await updateGraphRow(tx, GitTag, tag, { releaseId }, { ...TAG_EVENTS, releaseId });
  }
}

const TAG_EVENTS = { created: 'tag.created', updated: 'tag.updated' } as const;
