import crypto from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { BadUserInputError, ConflictError, NotFoundError } from '../../graphql/errors.js';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import { definedOnly, fields, parseInput } from '../common/input.js';
import { assertServicesExist } from '../services/service.service.js';
import { Priority, Release, ReleaseServiceLink, ReleaseStatus } from './release.entity.js';
import type { CreateReleaseInput, ReleaseFilter, UpdateReleaseInput } from './release.types.js';

/** Where a release may go from each status. */
const NEXT_STATUS: Record<ReleaseStatus, readonly ReleaseStatus[]> = {
  PLANNED: [ReleaseStatus.SCHEDULED, ReleaseStatus.DEPLOYING, ReleaseStatus.CANCELLED],
  SCHEDULED: [ReleaseStatus.PLANNED, ReleaseStatus.DEPLOYING, ReleaseStatus.CANCELLED],
  DEPLOYING: [ReleaseStatus.STABILIZING, ReleaseStatus.DONE, ReleaseStatus.ROLLED_BACK],
  STABILIZING: [ReleaseStatus.DONE, ReleaseStatus.ROLLED_BACK],
  DONE: [],
  ROLLED_BACK: [],
  CANCELLED: [],
};

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
export class ReleaseManager {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
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

  /**
   * Tags read before their release was planned (`v1.4.0` for version 1.4.0) join it now, so the
   * order in which git and the release plan arrive does not matter.
   */
  private async adoptTags(tx: WriteTx, release: Release): Promise<void> {
    const bare = release.version.replace(/^v(?=\d)/, '');
    const adopted = (await tx.manager.query(
      `UPDATE git_tag SET release_id = $1, updated_at = now() WHERE release_id IS NULL AND name IN ($2, $3) RETURNING id, name, repository`,
      [release.id, bare, `v${bare}`],
    )) as [Array<{ id: string; name: string; repository: string }>, number];
    for (const tag of adopted[0]) {
      tx.record({
        type: 'tag.updated',
        subjectType: 'GitTag',
        subjectId: tag.id,
        releaseId: release.id,
        payload: { ...tag, releaseId: release.id, changed: ['releaseId'] },
      });
    }
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
      tx.record({ type: 'release.created', subjectType: 'Release', subjectId: id, releaseId: id, payload: { ...saved, serviceIds } });
      await this.adoptTags(tx, saved);
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
      if (input.status && input.status !== current.status && !NEXT_STATUS[current.status].includes(input.status)) {
        throw new ConflictError(`a ${current.status} release cannot become ${input.status}`, 'input.status');
      }
      const changes = definedOnly({
        name: input.name ?? undefined,
        version: input.version ?? undefined,
        status: input.status ?? undefined,
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
      if (Object.keys(changes).length) await m.update(Release, { id: input.id }, changes);
      let serviceIds: string[] | undefined;
      if (input.serviceIds) {
        serviceIds = [...new Set(input.serviceIds)];
        await assertServicesExist(m, serviceIds, 'input.serviceIds');
        await m.delete(ReleaseServiceLink, { releaseId: input.id });
        await linkServices(m, input.id, serviceIds);
      }
      const saved = await m.findOneByOrFail(Release, { id: input.id });
      const payload = { ...saved, ...(serviceIds ? { serviceIds } : {}) };
      tx.record({ type: 'release.updated', subjectType: 'Release', subjectId: input.id, releaseId: input.id, payload });
      if (changes.status) {
        tx.record({
          type: 'release.status_changed',
          subjectType: 'Release',
          subjectId: input.id,
          releaseId: input.id,
          payload: { from: current.status, to: changes.status },
        });
      }
      return saved;
    });
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
