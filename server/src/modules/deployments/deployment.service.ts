import crypto from 'node:crypto';
import type { DeploymentRecord } from '@releasegraph/connectors';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { BadUserInputError, NotFoundError } from '../../domain-errors.js';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { Actor } from '../../write/actor.js';
import type { Cause } from '../../write/state-machine.js';
import { transitionRow } from '../../write/transition.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import type { IngestRefs } from '../common/ingest-refs.js';
import { definedOnly, fields, parseInput } from '../common/input.js';
import { known, originOf, updateGraphRow, upsertGraphRow } from '../common/upsert.js';
import { Environment } from '../environments/environment.entity.js';
import { Artifact } from '../pipelines/pipeline.entity.js';
import { Release } from '../releases/release.entity.js';
import type { ReleaseService } from '../releases/release.service.js';
import { Service } from '../services/service.entity.js';
import { Deployment, DeploymentStatus, DeploymentStrategy } from './deployment.entity.js';
import { DEPLOYMENT_LIFECYCLE } from './deployment.lifecycle.js';
import type { CreateDeploymentInput, DeploymentFilter, UpdateDeploymentInput } from './deployment.types.js';

const S = DeploymentStatus;

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
export class DeploymentService {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
    private readonly releases: ReleaseService,
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
      const id = `rg:deployment:${crypto.randomUUID()}`;
      await upsertGraphRow(
        tx,
        Deployment,
        {
          id,
          serviceId: input.serviceId,
          environmentId: input.environmentId,
          version: input.version,
          releaseId: input.releaseId ?? null,
          artifactId: input.artifactId ?? null,
          status: S.PENDING,
          sourceStatus: null,
          strategy: input.strategy ?? null,
          startedAt: input.startedAt ?? null,
          finishedAt: null,
          deployer: input.deployer ?? actor.name,
          originConnector: 'api',
        },
        EVENTS,
      );
      return this.transition(tx, id, input.status ?? S.PENDING, { kind: 'person' }, 'input.status');
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
      const startedAt = input.startedAt === undefined ? current.startedAt : input.startedAt;
      const finishedAt = input.finishedAt === undefined ? current.finishedAt : input.finishedAt;
      if (startedAt && finishedAt && finishedAt < startedAt) throw new BadUserInputError('input.finishedAt', 'is before startedAt');
      let saved = await updateGraphRow(
        tx,
        Deployment,
        current,
        definedOnly({
          strategy: input.strategy,
          releaseId: input.releaseId,
          artifactId: input.artifactId,
          startedAt: input.startedAt,
          finishedAt: input.finishedAt,
        }),
        EVENTS,
      );
      if (input.status) saved = await this.transition(tx, input.id, input.status, { kind: 'person' }, 'input.status');
      if (input.releaseId && current.releaseId !== input.releaseId) await this.releases.followDeployments(tx, input.releaseId);
      return saved;
    });
  }

  /**
   * The one place a deployment's status changes (see DEPLOYMENT_LIFECYCLE): whoever causes it — a
   * person, a CI report, the verifier — the same rules, the same `deployment.status_changed`
   * event; and the deployment's release follows.
   */
  async transition(tx: WriteTx, id: string, to: DeploymentStatus, cause: Cause, field?: string): Promise<Deployment> {
    const now = new Date();
    const { outcome, row } = await transitionRow(tx, {
      machine: DEPLOYMENT_LIFECYCLE,
      entity: Deployment,
      column: 'status',
      id,
      to,
      cause,
      event: 'deployment.status_changed',
      field,
      alongside: (d) => timesOnEntering(d, to, now),
    });
    if (outcome.kind === 'move' && row.releaseId) await this.releases.followDeployments(tx, row.releaseId);
    return row;
  }

  /**
   * A deployment as a source reports it. Its status goes through {@link transition} (a late report
   * changes nothing at all; a report of a new attempt — started after the one recorded — starts it
   * again); its other facts are written when they differ.
   */
  async ingest(tx: WriteTx, r: DeploymentRecord, refs: IngestRefs): Promise<{ deployment: Deployment; created: boolean } | null> {
    const m = tx.manager;
    const existing = await m.findOne(Deployment, { where: { id: r.id }, lock: { mode: 'pessimistic_write' } });
    const releaseId = (await refs.releaseOfVersion(r.releaseVersion)) ?? (r.releaseVersion ? null : await refs.releaseOfVersion(r.version));
    // Sources' clocks disagree: a finish reported a little before the start it follows is the start.
    const startedAt = r.startedAt ?? existing?.startedAt ?? null;
    const finishedAt = r.finishedAt && startedAt && r.finishedAt < startedAt ? startedAt : r.finishedAt;
    const [artifact] = r.artifactDigest ? ((await m.query('SELECT id FROM artifact WHERE digest = $1', [r.artifactDigest])) as Array<{ id: string }>) : [];
    const status = r.status as DeploymentStatus;
    const rerun = Boolean(existing?.startedAt && r.startedAt && r.startedAt > existing.startedAt);
    const fields = {
      serviceId: await refs.serviceId(r.service),
      environmentId: await refs.environmentId(r.environment),
      version: r.version,
      sourceStatus: r.origin.originalStatus ?? null,
      ...known({ startedAt: r.startedAt, finishedAt, deployer: r.deployer }),
      // A new attempt (started after the last one finished) is not finished until it says so.
      ...(!finishedAt && r.startedAt && existing?.finishedAt && r.startedAt > existing.finishedAt ? { finishedAt: null } : {}),
      ...(artifact ? { artifactId: artifact.id } : {}),
      ...(releaseId ? { releaseId } : {}),
      ...originOf(r.origin),
    };
    if (!existing) {
      await upsertGraphRow(tx, Deployment, { id: r.id, ...fields, status: S.PENDING }, EVENTS);
      return { deployment: await this.transition(tx, r.id, status, { kind: 'source', reason: refs.connectorId }), created: true };
    }
    const cause: Cause = { kind: rerun ? 'rerun' : 'source', reason: refs.connectorId };
    const moved = await transitionRow(tx, {
      machine: DEPLOYMENT_LIFECYCLE,
      entity: Deployment,
      column: 'status',
      id: r.id,
      to: status,
      cause,
      event: 'deployment.status_changed',
    });
    if (moved.outcome.kind === 'late') return null;
    const saved = await updateGraphRow(tx, Deployment, moved.row, fields, EVENTS);
    const release = saved.releaseId;
    if (release && (moved.outcome.kind === 'move' || release !== existing.releaseId)) await this.releases.followDeployments(tx, release);
    return { deployment: saved, created: false };
  }
}

const EVENTS = { created: 'deployment.created', updated: 'deployment.updated' } as const;

/** Times a status sets when nobody gave them: started when it starts, finished when it finishes, unfinished when it starts again. */
function timesOnEntering(d: Deployment, to: DeploymentStatus, now: Date): Partial<Deployment> {
  if (to === S.PENDING) return { finishedAt: null };
  if (to === S.IN_PROGRESS) return { startedAt: d.startedAt ?? now, finishedAt: null };
  if (to === S.CANCELLED || to === S.ROLLED_BACK) return { finishedAt: d.finishedAt ?? now };
  return { startedAt: d.startedAt ?? now, finishedAt: d.finishedAt ?? now };
}

async function assertExists(
  m: EntityManager,
  entity: typeof Service | typeof Environment | typeof Release | typeof Artifact,
  id: string,
  field: string,
): Promise<void> {
  if (!(await m.existsBy(entity, { id }))) throw new NotFoundError(entity.name, id, field);
}
