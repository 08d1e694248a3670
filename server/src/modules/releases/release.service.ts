import crypto from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { BadUserInputError, ConflictError, NotFoundError } from '../../domain-errors.js';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { Actor } from '../../write/actor.js';
import type { Cause } from '../../write/state-machine.js';
import { transitionRow } from '../../write/transition.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import type { CommitService } from '../commits/commit.service.js';
import { definedOnly, fields, parseInput } from '../common/input.js';
import { updateGraphRow } from '../common/upsert.js';
import { assertServicesExist } from '../services/service.service.js';
import { Priority, Release, ReleaseServiceLink, ReleaseStatus } from './release.entity.js';
import { RELEASE_LIFECYCLE, rolloutMoves } from './release.lifecycle.js';
import type { CreateReleaseInput, ReleaseFilter, UpdateReleaseInput } from './release.types.js';

const releaseFields = {
  name: fields.name,
  version: fields.version,
  description: fields.longText.nullish(),
  plannedStart: fields.date.nullish(),
  plannedEnd: fields.date.nullish(),
  timezone: fields.timezone.nullish(),
  priority: z.enum(Priority).nullish(),
  regulatoryDeadline: fields.date.nullish(),
  revenueImpact: z.number().finite().min(0, 'must not be negative').nullish(),
  serviceIds: z.array(fields.id).max(500, 'at most 500 services').nullish(),
};
const createSchema = z.object(releaseFields);
const updateSchema = z.object({
  id: fields.id,
  ...releaseFields,
  name: fields.name.nullish(),
  version: fields.version.nullish(),
  status: z.enum(ReleaseStatus).nullish(),
});

/** Releases: planning, their services, and their life cycle. */
export class ReleaseService {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
    private readonly commits: CommitService,
  ) {
    writes.describeConstraints({
      release_name_version_key: { message: 'a release with this name and version already exists', field: 'input.version' },
      release_planned_order_check: { message: 'plannedEnd is before plannedStart', field: 'input.plannedEnd' },
    });
  }

  list(filter: ReleaseFilter | null | undefined, page: { first?: number | null; after?: string | null }): Promise<Connection<Release>> {
    const qb = this.db.getRepository(Release).createQueryBuilder('r');
    if (filter?.status?.length) qb.andWhere('r.status IN (:...statuses)', { statuses: filter.status });
    if (filter?.serviceId)
      qb.andWhere('EXISTS (SELECT 1 FROM release_service rs WHERE rs.release_id = r.id AND rs.service_id = :serviceId)', { serviceId: filter.serviceId });
    if (filter?.environmentId)
      qb.andWhere('EXISTS (SELECT 1 FROM deployment d WHERE d.release_id = r.id AND d.environment_id = :environmentId)', {
        environmentId: filter.environmentId,
      });
    if (filter?.nameContains) qb.andWhere('r.name ILIKE :name', { name: `%${filter.nameContains.replace(/[\\%_]/g, '\\$&')}%` });
    whereInRange(qb, 'planned_start', filter?.plannedStart, 'filter.plannedStart');
    whereInRange(qb, 'created_at', filter?.createdAt, 'filter.createdAt');
    return paginate(qb, page);
  }

  async create(actor: Actor, raw: CreateReleaseInput): Promise<Release> {
    const input = parseInput(createSchema, raw, 'input');
    assertPlannedOrder(input.plannedStart, input.plannedEnd);
    return this.writes.run(actor, async (tx) => {
      const m = tx.manager;
      if (await m.existsBy(Release, { name: input.name, version: input.version })) {
        throw new ConflictError(`release ${input.name} ${input.version} already exists`, 'input.version');
      }
      const serviceIds = [...new Set(input.serviceIds ?? [])];
      await assertServicesExist(m, serviceIds, 'input.serviceIds');
      const id = `rg:release:${crypto.randomUUID()}`;
      await m.insert(Release, {
        id,
        name: input.name,
        version: input.version,
        status: ReleaseStatus.PLANNED,
        description: input.description ?? null,
        plannedStart: input.plannedStart ?? null,
        plannedEnd: input.plannedEnd ?? null,
        timezone: input.timezone ?? 'UTC',
        priority: input.priority ?? null,
        regulatoryDeadline: input.regulatoryDeadline ?? null,
        revenueImpact: input.revenueImpact ?? null,
        createdBy: actor.name,
        originConnector: 'api',
      });
      await linkServices(m, id, serviceIds);
      const saved = await m.findOneByOrFail(Release, { id });
      tx.record('release.created', { subjectId: id, releaseId: id, payload: { ...saved, serviceIds } });
      // Tags read before their release was planned join it now: the order in which git and the plan arrive does not matter.
      await this.commits.adoptTags(tx, saved.id, saved.version);
      return saved;
    });
  }

  async update(actor: Actor, raw: UpdateReleaseInput): Promise<Release> {
    const input = parseInput(updateSchema, raw, 'input');
    return this.writes.run(actor, async (tx) => {
      const m = tx.manager;
      const current = await m.findOne(Release, { where: { id: input.id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundError('Release', input.id, 'input.id');
      const name = input.name ?? current.name;
      const version = input.version ?? current.version;
      if ((name !== current.name || version !== current.version) && (await m.existsBy(Release, { name, version }))) {
        throw new ConflictError(`release ${name} ${version} already exists`, 'input.version');
      }
      const changes = definedOnly({
        name: input.name ?? undefined,
        version: input.version ?? undefined,
        description: input.description,
        plannedStart: input.plannedStart,
        plannedEnd: input.plannedEnd,
        timezone: input.timezone ?? undefined,
        priority: input.priority,
        regulatoryDeadline: input.regulatoryDeadline,
        revenueImpact: input.revenueImpact,
      });
      assertPlannedOrder(
        changes.plannedStart === undefined ? current.plannedStart : changes.plannedStart,
        changes.plannedEnd === undefined ? current.plannedEnd : changes.plannedEnd,
      );
      let saved = await updateGraphRow(tx, Release, current, changes, { updated: 'release.updated', releaseId: input.id });
      if (input.serviceIds) {
        const serviceIds = [...new Set(input.serviceIds)];
        await assertServicesExist(m, serviceIds, 'input.serviceIds');
        const before = (await m.findBy(ReleaseServiceLink, { releaseId: input.id })).map((l) => l.serviceId).sort();
        if (before.join() !== [...serviceIds].sort().join()) {
          await m.delete(ReleaseServiceLink, { releaseId: input.id });
          await linkServices(m, input.id, serviceIds);
          tx.record('release.updated', { subjectId: input.id, releaseId: input.id, payload: { ...saved, serviceIds, changed: ['serviceIds'] } });
        }
      }
      if (input.status) saved = await this.transition(tx, input.id, input.status, { kind: 'person' }, 'input.status');
      else if (input.serviceIds) await this.followDeployments(tx, input.id);
      return saved;
    });
  }

  /** The one place a release's status changes (see RELEASE_LIFECYCLE), with its `release.status_changed` event. */
  async transition(tx: WriteTx, id: string, to: ReleaseStatus, cause: Cause, field?: string): Promise<Release> {
    const { row } = await transitionRow(tx, {
      machine: RELEASE_LIFECYCLE,
      entity: Release,
      column: 'status',
      id,
      to,
      cause,
      event: 'release.status_changed',
      field,
    });
    return row;
  }

  /**
   * A release follows its deployments, whichever path reported them: the first one started →
   * DEPLOYING; every service of the release (its planned services, else those it deployed)
   * succeeded in a PROD-tier environment → STABILIZING; a PROD deployment of it rolled back →
   * ROLLED_BACK. Moves the table does not allow from where the release is (it is DONE, or
   * CANCELLED) are not made.
   */
  async followDeployments(tx: WriteTx, releaseId: string): Promise<void> {
    // The release row first: deployments of it reported at the same time wait here, and each then
    // reads what the others committed (two services succeeding at once still make it STABILIZING).
    // FOR NO KEY UPDATE: the deployments being written hold FOR KEY SHARE on their release (the foreign key).
    const release = await tx.manager.findOne(Release, { where: { id: releaseId }, lock: { mode: 'for_no_key_update' } });
    if (!release) return;
    const [facts] = (await tx.manager.query(
      `WITH d AS (
         SELECT d.service_id, d.status, e.tier FROM deployment d JOIN environment e ON e.id = d.environment_id WHERE d.release_id = $1
       ), planned AS (
         SELECT service_id FROM release_service WHERE release_id = $1
       ), services AS (
         SELECT service_id FROM planned UNION SELECT service_id FROM d WHERE NOT EXISTS (SELECT 1 FROM planned)
       )
       SELECT EXISTS (SELECT 1 FROM d WHERE status <> 'PENDING') AS started,
              EXISTS (SELECT 1 FROM d WHERE status = 'ROLLED_BACK' AND tier = 'PROD') AS rolled_back,
              EXISTS (SELECT 1 FROM services)
                AND NOT EXISTS (SELECT 1 FROM services s WHERE NOT EXISTS (
                  SELECT 1 FROM d WHERE d.service_id = s.service_id AND d.status = 'SUCCEEDED' AND d.tier = 'PROD')) AS in_production`,
      [releaseId],
    )) as Array<{ started: boolean; rolled_back: boolean; in_production: boolean }>;
    if (!facts) return;
    const moves = rolloutMoves(release.status, { started: facts.started, inProduction: facts.in_production, rolledBack: facts.rolled_back });
    for (const to of moves) await this.transition(tx, releaseId, to, { kind: 'rollout' });
  }

  /** The release of this version when exactly one release has it (versions are not unique across products). */
  async idOfVersion(m: EntityManager, version: string): Promise<string | null> {
    const bare = version.replace(/^v(?=\d)/, '');
    const rows = (await m.query('SELECT id FROM release WHERE version = $1 OR version = $2 LIMIT 2', [bare, `v${bare}`])) as Array<{ id: string }>;
    return rows.length === 1 ? rows[0]!.id : null;
  }
}

function assertPlannedOrder(start: Date | null | undefined, end: Date | null | undefined): void {
  if (start && end && end < start) throw new BadUserInputError('input.plannedEnd', 'is before plannedStart');
}

async function linkServices(m: EntityManager, releaseId: string, serviceIds: string[]): Promise<void> {
  if (serviceIds.length)
    await m.insert(
      ReleaseServiceLink,
      serviceIds.map((serviceId) => ({ releaseId, serviceId })),
    );
}
