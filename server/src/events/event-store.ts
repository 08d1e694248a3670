import type { DataSource } from 'typeorm';
import { ReleaseEventRow } from './release-event.entity.js';
import { recordOfRow, type EventRecord, type ReleaseEventFilter } from './release-event.types.js';

/** Reads the release event log (it is written only by the write path). */
export class EventStore {
  constructor(private readonly db: DataSource) {}

  /** Events with `afterId < id (<= upToId)`, oldest first, matching the filter. */
  async readAfter(afterId: string, limit: number, filter?: ReleaseEventFilter | null, upToId?: string): Promise<EventRecord[]> {
    const qb = this.db.getRepository(ReleaseEventRow).createQueryBuilder('e').where('e.id > :afterId', { afterId }).orderBy('e.id', 'ASC').limit(limit);
    if (upToId) qb.andWhere('e.id <= :upToId', { upToId });
    if (filter?.releaseId) qb.andWhere('e.release_id = :releaseId', { releaseId: filter.releaseId });
    if (filter?.subjectId) qb.andWhere('e.subject_id = :subjectId', { subjectId: filter.subjectId });
    if (filter?.subjectTypes?.length) qb.andWhere('e.subject_type IN (:...subjectTypes)', { subjectTypes: filter.subjectTypes });
    if (filter?.eventTypes?.length) qb.andWhere('e.type IN (:...eventTypes)', { eventTypes: filter.eventTypes });
    if (filter?.types?.length) {
      const exact = filter.types.filter((t) => !t.endsWith('.*'));
      const prefixes = filter.types.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -1).replace(/[\\%_]/g, '\\$&') + '%');
      const parts: string[] = [];
      if (exact.length) parts.push('e.type IN (:...exactTypes)');
      prefixes.forEach((_, i) => parts.push(`e.type LIKE :prefix${i}`));
      qb.andWhere(`(${parts.join(' OR ')})`, { exactTypes: exact, ...Object.fromEntries(prefixes.map((p, i) => [`prefix${i}`, p])) });
    }
    const rows = await qb.getMany();
    return rows.map(recordOfRow);
  }

  /** The newest event id, or "0" when the log is empty. */
  async headId(): Promise<string> {
    const rows: Array<{ head: string | null }> = await this.db.query('SELECT max(id)::text AS head FROM release_event');
    return rows[0]?.head ?? '0';
  }
}
