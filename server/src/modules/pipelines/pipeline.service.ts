import type { DataSource } from 'typeorm';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath } from '../../write/write-path.js';
import { upsertGraphRow, type OriginFields } from '../common/upsert.js';
import { Artifact, PipelineRun } from './pipeline.entity.js';
import type { ArtifactFilter, PipelineRunFilter } from './pipeline.types.js';

export type PipelineRunRecord = Pick<PipelineRun, 'id' | 'provider' | 'externalId' | 'status'> & Partial<Omit<PipelineRun, 'id'>> & OriginFields;
export type ArtifactRecord = Pick<Artifact, 'id' | 'name' | 'version' | 'digest'> & Partial<Omit<Artifact, 'id'>> & OriginFields;

/** Pipeline runs with their gates, and the artifacts they build. */
export class PipelineLedger {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
  ) {}

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

  recordRun(actor: Actor, run: PipelineRunRecord): Promise<PipelineRun> {
    return this.writes.run(actor, (tx) =>
      upsertGraphRow(tx, PipelineRun, run, { subjectType: 'PipelineRun', event: 'pipeline_run', releaseId: run.releaseId }),
    );
  }

  recordArtifact(actor: Actor, artifact: ArtifactRecord): Promise<Artifact> {
    return this.writes.run(actor, (tx) =>
      upsertGraphRow(tx, Artifact, artifact, { subjectType: 'Artifact', event: 'artifact', releaseId: artifact.releaseId }),
    );
  }
}
