import type { IncidentRecord } from '@releasegraph/connectors';
import type { DataSource } from 'typeorm';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { Cause } from '../../write/state-machine.js';
import { transitionRow } from '../../write/transition.js';
import type { WriteTx } from '../../write/write-path.js';
import type { IngestRefs } from '../common/ingest-refs.js';
import { originOf, upsertGraphRow } from '../common/upsert.js';
import { Incident, IncidentServiceLink, IncidentStatus, type IncidentSeverity } from './incident.entity.js';
import { INCIDENT_LIFECYCLE } from './incident.lifecycle.js';
import type { IncidentFilter } from './incident.types.js';

/** Incidents from PagerDuty, the ITSM, or the hub's own detection. */
export class IncidentService {
  constructor(private readonly db: DataSource) {}

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

  /**
   * An incident as a source (PagerDuty, the ITSM, the hub's own detector) reports it: the same key
   * is the same incident; its status goes through {@link transition}.
   */
  async ingest(tx: WriteTx, r: IncidentRecord, refs: IngestRefs, cause: Cause = { kind: 'source', reason: refs.connectorId }): Promise<void> {
    const m = tx.manager;
    const byKey = await m.findOne(Incident, { where: { key: r.key }, select: { id: true } });
    const id = byKey?.id ?? r.id;
    const fields = {
      key: r.key,
      source: r.source,
      title: r.title,
      severity: r.severity as IncidentSeverity,
      sourceStatus: r.origin.originalStatus ?? null,
      openedAt: r.openedAt,
      ...(r.traceIds ? { traceIds: r.traceIds } : {}),
      ...originOf(r.origin),
    };
    const status = r.status as IncidentStatus;
    const { created } = await upsertGraphRow(
      tx,
      Incident,
      { id, ...fields, ...(byKey ? {} : { status, resolvedAt: r.resolvedAt }) },
      { created: 'incident.created', updated: 'incident.updated' },
    );
    if (!created) {
      const { outcome } = await this.transitionWith(tx, id, status, cause, r.resolvedAt);
      if (outcome === 'late') return;
    }
    for (const name of r.services) {
      const serviceId = await refs.serviceId(name);
      await m.createQueryBuilder().insert().into(IncidentServiceLink).values({ incidentId: id, serviceId }).orIgnore().execute();
    }
  }

  /** The one place an incident's status changes (see INCIDENT_LIFECYCLE), with its `incident.status_changed` event. */
  async transition(tx: WriteTx, id: string, to: IncidentStatus, cause: Cause, at: Date | null = null): Promise<Incident> {
    return (await this.transitionWith(tx, id, to, cause, at)).row;
  }

  private async transitionWith(tx: WriteTx, id: string, to: IncidentStatus, cause: Cause, at: Date | null): Promise<{ row: Incident; outcome: string }> {
    const { row, outcome } = await transitionRow(tx, {
      machine: INCIDENT_LIFECYCLE,
      entity: Incident,
      column: 'status',
      id,
      to,
      cause,
      event: 'incident.status_changed',
      alongside: (i) => (to === IncidentStatus.RESOLVED ? { resolvedAt: at ?? i.resolvedAt ?? new Date() } : {}),
    });
    return { row, outcome: outcome.kind };
  }

  /** Links an incident that came without a release to one (it was not linked meanwhile). */
  async linkRelease(tx: WriteTx, incidentId: string, releaseId: string, deploymentId: string, reason: string): Promise<boolean> {
    const incident = await tx.manager.findOne(Incident, { where: { id: incidentId }, lock: { mode: 'pessimistic_write' } });
    if (!incident || incident.releaseId) return false;
    await tx.manager.update(Incident, { id: incidentId }, { releaseId });
    tx.record('incident.release_linked', { subjectId: incidentId, releaseId, payload: { key: incident.key, releaseId, deploymentId, reason } });
    return true;
  }
}
