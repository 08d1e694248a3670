import type { DataSource } from 'typeorm';
import { BadUserInputError } from '../../domain-errors.js';
import { checkPageSize, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import { GENESIS_HASH, auditHash } from '../../write/write-path.js';
import { AuditEntry } from './audit-entry.entity.js';
import type { AuditChainVerification, AuditEntryFilter } from './audit.types.js';

const encode = (seq: string) => Buffer.from(`audit:${seq}`).toString('base64url');
function decode(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = text.startsWith('audit:') ? text.slice(6) : '';
  if (!/^\d{1,19}$/.test(seq)) throw new BadUserInputError('after', 'not a cursor of this list');
  return seq;
}

/** Reads and verifies the audit trail (written only by the write path). */
export class AuditService {
  constructor(private readonly db: DataSource) {}

  /** Newest first, by chain position. */
  async list(filter: AuditEntryFilter | null | undefined, page: { first?: number | null; after?: string | null }): Promise<Connection<AuditEntry>> {
    const first = checkPageSize(page.first);
    const qb = this.db.getRepository(AuditEntry).createQueryBuilder('a');
    if (filter?.subjectId) qb.andWhere('a.subject_id = :subjectId', { subjectId: filter.subjectId });
    if (filter?.releaseId) qb.andWhere('a.release_id = :releaseId', { releaseId: filter.releaseId });
    if (filter?.changeId) qb.andWhere('a.change_id = :changeId', { changeId: filter.changeId });
    if (filter?.actor) qb.andWhere('a.actor = :actor', { actor: filter.actor });
    if (filter?.action) qb.andWhere('a.action = :action', { action: filter.action });
    whereInRange(qb, 'at', filter?.at, 'filter.at');
    const countQuery = qb.clone();
    if (page.after) qb.andWhere('a.seq < :seq', { seq: decode(page.after) });
    const rows = await qb
      .orderBy('a.seq', 'DESC')
      .take(first + 1)
      .getMany();
    const edges = rows.slice(0, first).map((node) => ({ cursor: encode(node.seq), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > first,
        hasPreviousPage: Boolean(page.after),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      get totalCount() {
        return countQuery.getCount();
      },
    };
  }

  /** Re-computes every hash in chain order; the first mismatch (an edit, a deletion) is reported. */
  async verify(): Promise<AuditChainVerification> {
    let prevHash = GENESIS_HASH;
    let entries = 0;
    let after = '0';
    for (;;) {
      const batch = await this.db
        .getRepository(AuditEntry)
        .createQueryBuilder('a')
        .where('a.seq > :after', { after })
        .orderBy('a.seq', 'ASC')
        .take(2000)
        .getMany();
      for (const e of batch) {
        const expected = auditHash(prevHash, {
          at: e.at,
          actorId: e.actorId,
          actor: e.actor,
          action: e.action,
          subjectType: e.subjectType,
          subjectId: e.subjectId,
          data: e.data,
          releaseId: e.releaseId,
          changeId: e.changeId,
        });
        if (e.prevHash !== prevHash || e.hash !== expected) return { intact: false, entries, firstBrokenSeq: e.seq };
        prevHash = e.hash;
        entries++;
        after = e.seq;
      }
      if (batch.length < 2000) return { intact: true, entries, firstBrokenSeq: null };
    }
  }
}
