import type { DataSource } from 'typeorm';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath } from '../../write/write-path.js';
import { upsertGraphRow, type OriginFields } from '../common/upsert.js';
import { Incident, IncidentServiceLink } from './incident.entity.js';
import type { IncidentFilter } from './incident.types.js';

export type IncidentRecord = Pick<Incident, 'id' | 'key' | 'title' | 'severity' | 'status' | 'openedAt'> &
  Partial<Omit<Incident, 'id'>> &
  OriginFields & { serviceIds?: string[] };

/** Incidents from PagerDuty, the ITSM, or the hub's own detection. */
export class IncidentLedger {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
  ) {}

  list(filter: IncidentFilter | null | undefined, page: { first?: number | null; after?: string | null }): Promise<Connection<Incident>> {
    const qb = this.db.getRepository(Incident).createQueryBuilder('i');
    if (filter?.status?.length) qb.andWhere('i.status IN (:...statuses)', { statuses: filter.status });
    if (filter?.severity?.length) qb.andWhere('i.severity IN (:...severities)', { severities: filter.severity });
    if (filter?.releaseId) qb.andWhere('i.release_id = :releaseId', { releaseId: filter.releaseId });
    if (filter?.serviceId)
      qb.andWhere('EXISTS (SELECT 1 FROM incident_service s WHERE s.incident_id = i.id AND s.service_id = :serviceId)', { serviceId: filter.serviceId });
    whereInRange(qb, 'opened_at', filter?.openedAt, 'filter.openedAt');
    return paginate(qb, page);
  }

  record(actor: Actor, { serviceIds, ...incident }: IncidentRecord): Promise<Incident> {
    return this.writes.run(actor, async (tx) => {
      const saved = await upsertGraphRow(tx, Incident, incident, { subjectType: 'Incident', event: 'incident', releaseId: incident.releaseId });
      if (serviceIds?.length) {
        await tx.manager
          .createQueryBuilder()
          .insert()
          .into(IncidentServiceLink)
          .values(serviceIds.map((serviceId) => ({ incidentId: saved.id, serviceId })))
          .orIgnore()
          .execute();
      }
      return saved;
    });
  }
}
