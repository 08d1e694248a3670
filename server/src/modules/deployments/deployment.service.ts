import crypto from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { BadUserInputError, ConflictError, NotFoundError } from '../../graphql/errors.js';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath } from '../../write/write-path.js';
import { definedOnly, fields, parseInput } from '../common/input.js';
import { Environment } from '../environments/environment.entity.js';
import { Artifact } from '../pipelines/pipeline.entity.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';
import { Deployment, DeploymentStatus, DeploymentStrategy } from './deployment.entity.js';
import type { CreateDeploymentInput, DeploymentFilter, UpdateDeploymentInput } from './deployment.types.js';

const S = DeploymentStatus;
/** Where a deployment may go from each status. */
const NEXT_STATUS: Record<DeploymentStatus, readonly DeploymentStatus[]> = {
  PENDING: [S.IN_PROGRESS, S.SUCCEEDED, S.FAILED, S.CANCELLED],
  IN_PROGRESS: [S.SUCCEEDED, S.FAILED, S.CANCELLED, S.ROLLED_BACK],
  SUCCEEDED: [S.ROLLED_BACK],
  FAILED: [S.ROLLED_BACK],
  ROLLED_BACK: [],
  CANCELLED: [],
};
const FINISHED: readonly DeploymentStatus[] = [S.SUCCEEDED, S.FAILED, S.ROLLED_BACK, S.CANCELLED];

const createSchema = z.object({
  serviceId: fields.id,
  environmentId: fields.id,
  version: fields.version,
  releaseId: fields.id.nullish(),
  artifactId: fields.id.nullish(),
  status: z.enum(DeploymentStatus).nullish(),
  strategy: z.enum(DeploymentStrategy).nullish(),
  startedAt: fields.date.nullish(),
  deployer: fields.shortText.nullish(),
});
const updateSchema = z.object({
  id: fields.id,
  status: z.enum(DeploymentStatus).nullish(),
  strategy: z.enum(DeploymentStrategy).nullish(),
  releaseId: fields.id.nullish(),
  artifactId: fields.id.nullish(),
  startedAt: fields.date.nullish(),
  finishedAt: fields.date.nullish(),
});

/** Deployments: one version of one service rolling out to one environment. */
export class DeploymentManager {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
  ) {
    writes.describeConstraints({
      deployment_service_fk: { message: 'service does not exist', field: 'input.serviceId' },
      deployment_environment_fk: { message: 'environment does not exist', field: 'input.environmentId' },
      deployment_release_fk: { message: 'release does not exist', field: 'input.releaseId' },
      deployment_artifact_fk: { message: 'artifact does not exist', field: 'input.artifactId' },
      deployment_time_order_check: { message: 'finishedAt is before startedAt', field: 'input.finishedAt' },
    });
  }

  list(filter: DeploymentFilter | null | undefined, page: { first?: number | null; after?: string | null }): Promise<Connection<Deployment>> {
    const qb = this.db.getRepository(Deployment).createQueryBuilder('d');
    if (filter?.status?.length) qb.andWhere('d.status IN (:...statuses)', { statuses: filter.status });
    if (filter?.serviceId) qb.andWhere('d.service_id = :serviceId', { serviceId: filter.serviceId });
    if (filter?.environmentId) qb.andWhere('d.environment_id = :environmentId', { environmentId: filter.environmentId });
    if (filter?.releaseId) qb.andWhere('d.release_id = :releaseId', { releaseId: filter.releaseId });
    if (filter?.version) qb.andWhere('d.version = :version', { version: filter.version });
    whereInRange(qb, 'started_at', filter?.startedAt, 'filter.startedAt');
    return paginate(qb, page);
  }

  async create(actor: Actor, raw: CreateDeploymentInput): Promise<Deployment> {
    const input = parseInput(createSchema, raw, 'input');
    return this.writes.run(actor, async (tx) => {
      const m = tx.manager;
      await assertExists(m, Service, input.serviceId, 'input.serviceId');
      await assertExists(m, Environment, input.environmentId, 'input.environmentId');
      if (input.releaseId) await assertExists(m, Release, input.releaseId, 'input.releaseId');
      if (input.artifactId) await assertExists(m, Artifact, input.artifactId, 'input.artifactId');
      const status = input.status ?? S.PENDING;
      const now = new Date();
      const startedAt = input.startedAt ?? (status === S.PENDING ? null : now);
      const id = `rg:deployment:${crypto.randomUUID()}`;
      await m.insert(Deployment, {
        id,
        serviceId: input.serviceId,
        environmentId: input.environmentId,
        version: input.version,
        releaseId: input.releaseId ?? null,
        artifactId: input.artifactId ?? null,
        status,
        sourceStatus: null,
        strategy: input.strategy ?? null,
        startedAt,
        finishedAt: FINISHED.includes(status) ? now : null,
        deployer: input.deployer ?? actor.name,
        originConnector: 'api',
      });
      const saved = await m.findOneByOrFail(Deployment, { id });
      tx.record({ type: 'deployment.created', subjectType: 'Deployment', subjectId: id, releaseId: saved.releaseId, payload: saved });
      return saved;
    });
  }

  async update(actor: Actor, raw: UpdateDeploymentInput): Promise<Deployment> {
    const input = parseInput(updateSchema, raw, 'input');
    return this.writes.run(actor, async (tx) => {
      const m = tx.manager;
      const current = await m.findOne(Deployment, { where: { id: input.id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundError('Deployment', input.id, 'input.id');
      if (input.releaseId) await assertExists(m, Release, input.releaseId, 'input.releaseId');
      if (input.artifactId) await assertExists(m, Artifact, input.artifactId, 'input.artifactId');
      const statusChanges = input.status && input.status !== current.status;
      if (statusChanges && !NEXT_STATUS[current.status].includes(input.status!)) {
        throw new ConflictError(`a ${current.status} deployment cannot become ${input.status}`, 'input.status');
      }
      const now = new Date();
      const changes = definedOnly({
        status: input.status ?? undefined,
        strategy: input.strategy,
        releaseId: input.releaseId,
        artifactId: input.artifactId,
        startedAt: input.startedAt ?? (statusChanges && !current.startedAt && input.status !== S.CANCELLED ? now : undefined),
        finishedAt: input.finishedAt ?? (statusChanges && FINISHED.includes(input.status!) ? now : undefined),
      });
      const startedAt = changes.startedAt === undefined ? current.startedAt : changes.startedAt;
      const finishedAt = changes.finishedAt === undefined ? current.finishedAt : changes.finishedAt;
      if (startedAt && finishedAt && finishedAt < startedAt) throw new BadUserInputError('input.finishedAt', 'is before startedAt');
      if (Object.keys(changes).length) await m.update(Deployment, { id: input.id }, changes);
      const saved = await m.findOneByOrFail(Deployment, { id: input.id });
      tx.record({ type: 'deployment.updated', subjectType: 'Deployment', subjectId: input.id, releaseId: saved.releaseId, payload: saved });
      if (statusChanges) {
        tx.record({
          type: 'deployment.status_changed',
          subjectType: 'Deployment',
          subjectId: input.id,
          releaseId: saved.releaseId,
          payload: { from: current.status, to: saved.status, serviceId: saved.serviceId, environmentId: saved.environmentId, version: saved.version },
        });
      }
      return saved;
    });
  }
}

async function assertExists(
  m: EntityManager,
  entity: typeof Service | typeof Environment | typeof Release | typeof Artifact,
  id: string,
  field: string,
): Promise<void> {
  if (!(await m.existsBy(entity, { id }))) throw new NotFoundError(entity.name, id, field);
}
