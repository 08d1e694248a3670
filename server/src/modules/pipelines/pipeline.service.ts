import type { ArtifactRecord, PipelineRunRecord } from '@releasegraph/connectors';
import type { DataSource } from 'typeorm';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { WriteTx } from '../../write/write-path.js';
import type { IngestRefs } from '../common/ingest-refs.js';
import { known, originOf, upsertGraphRow } from '../common/upsert.js';
import { Artifact, PipelineRun, type GateKind, type GateStatus, type PipelineStatus, type QualityGate } from './pipeline.entity.js';
import type { ArtifactFilter, PipelineRunFilter } from './pipeline.types.js';

/** Pipeline runs with their gates, and the artifacts they build. */
export class PipelineService {
  constructor(private readonly db: DataSource) {}

  listRuns(filter: PipelineRunFilter | null | undefined, page: { first?: number | null; after?: string | null }): Promise<Connection<PipelineRun>> {
    const qb = this.db.getRepository(PipelineRun).createQueryBuilder('p');
    if (filter?.status?.length) qb.andWhere('p.status IN (:...statuses)', { statuses: filter.status });
    if (filter?.serviceId) qb.andWhere('p.service_id = :serviceId', { serviceId: filter.serviceId });
    if (filter?.releaseId) qb.andWhere('p.release_id = :releaseId', { releaseId: filter.releaseId });
    if (filter?.commitSha) qb.andWhere('p.commit_sha = :commitSha', { commitSha: filter.commitSha });
    if (filter?.provider) qb.andWhere('p.provider = :provider', { provider: filter.provider });
    whereInRange(qb, 'started_at', filter?.startedAt, 'filter.startedAt');
    return paginate(qb, page);
  }

  listArtifacts(filter: ArtifactFilter | null | undefined, page: { first?: number | null; after?: string | null }): Promise<Connection<Artifact>> {
    const qb = this.db.getRepository(Artifact).createQueryBuilder('a');
    if (filter?.serviceId) qb.andWhere('a.service_id = :serviceId', { serviceId: filter.serviceId });
    if (filter?.releaseId) qb.andWhere('a.release_id = :releaseId', { releaseId: filter.releaseId });
    if (filter?.digest) qb.andWhere('a.digest = :digest', { digest: filter.digest });
    whereInRange(qb, 'created_at', filter?.createdAt, 'filter.createdAt');
    return paginate(qb, page);
  }

  /**
   * A pipeline run as CI reports it. A late, older report never moves a run back (webhooks arrive
   * out of order) unless it is a new attempt (started after the one recorded).
   */
  async ingestRun(tx: WriteTx, r: PipelineRunRecord, refs: IngestRefs): Promise<void> {
    const m = tx.manager;
    const byKey = await m.findOne(PipelineRun, { where: { provider: r.provider, externalId: r.externalId }, select: { id: true } });
    const id = byKey?.id ?? r.id;
    const existing = await m.findOne(PipelineRun, { where: { id }, select: { id: true, status: true, startedAt: true }, lock: { mode: 'pessimistic_write' } });
    if (existing && isLate(PIPELINE_PROGRESS[existing.status], PIPELINE_PROGRESS[r.status as PipelineStatus], existing.startedAt, r.startedAt)) return;
    const releaseId = await this.releaseOfRun(tx, r, refs);
    const gates: QualityGate[] = r.gates.map((g) => ({ name: g.name, kind: g.kind as GateKind, status: g.status as GateStatus }));
    await upsertGraphRow(
      tx,
      PipelineRun,
      {
        id,
        provider: r.provider,
        externalId: r.externalId,
        status: r.status as PipelineStatus,
        sourceStatus: r.origin.originalStatus ?? null,
        commitSha: r.commitSha,
        ref: r.ref,
        url: r.url,
        gates,
        ...known({ startedAt: r.startedAt, finishedAt: r.finishedAt }),
        ...(releaseId ? { releaseId } : {}),
        ...(r.service ? { serviceId: await refs.serviceId(r.service) } : {}),
        ...originOf(r.origin),
      },
      { created: 'pipeline_run.created', updated: 'pipeline_run.updated' },
    );
  }

  /** A run's release: its version tag, else a tag of the release on its commit. */
  private async releaseOfRun(tx: WriteTx, r: PipelineRunRecord, refs: IngestRefs): Promise<string | null> {
    const byVersion = await refs.releaseOfVersion(r.releaseVersion);
    if (byVersion || !r.commitSha) return byVersion;
    const [tag] = (await tx.manager.query('SELECT release_id FROM git_tag WHERE commit_sha = $1 AND release_id IS NOT NULL LIMIT 1', [r.commitSha])) as Array<{
      release_id: string;
    }>;
    return tag?.release_id ?? null;
  }

  /** An artifact as a registry or CI reports it, joined to its run's release (else its version's). */
  async ingestArtifact(tx: WriteTx, r: ArtifactRecord, refs: IngestRefs): Promise<void> {
    const m = tx.manager;
    const byDigest = await m.findOne(Artifact, { where: { digest: r.digest }, select: { id: true } });
    const id = byDigest?.id ?? r.id;
    const run = r.pipelineRunId ? await m.findOne(PipelineRun, { where: { id: r.pipelineRunId }, select: { id: true, releaseId: true } }) : null;
    const releaseId = run?.releaseId ?? (await refs.releaseOfVersion(r.releaseVersion));
    await upsertGraphRow(
      tx,
      Artifact,
      {
        id,
        name: r.name,
        version: r.version,
        digest: r.digest,
        ...(run ? { pipelineRunId: run.id } : {}),
        ...(releaseId ? { releaseId } : {}),
        ...(r.service ? { serviceId: await refs.serviceId(r.service) } : {}),
        ...originOf(r.origin),
      },
      { created: 'artifact.created', updated: 'artifact.updated' },
    );
  }
}

/** Run status progress: a late, older delivery never moves a run back. */
const PIPELINE_PROGRESS: Record<PipelineStatus, number> = { QUEUED: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 2, CANCELLED: 2 };

/** Whether a report is older than the row: it would move the status back, and it is not a new attempt (a re-run starts later). */
function isLate(rowProgress: number, reportProgress: number, rowStartedAt: Date | null, reportStartedAt: Date | null): boolean {
  if (reportProgress >= rowProgress) return false;
  return !(reportStartedAt && rowStartedAt && reportStartedAt > rowStartedAt);
}
