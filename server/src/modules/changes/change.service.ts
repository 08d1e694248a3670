import crypto from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { BadUserInputError, ConflictError, NotFoundError } from '../../graphql/errors.js';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath } from '../../write/write-path.js';
import { definedOnly, fields, parseInput } from '../common/input.js';
import { Release } from '../releases/release.entity.js';
import { assertServicesExist } from '../services/service.service.js';
import { Approval, Change, ChangeRisk, ChangeServiceLink, ChangeState, ChangeType } from './change.entity.js';
import { upsertGraphRow, type OriginFields } from '../common/upsert.js';
import type { ChangeFilter, CreateChangeInput, UpdateChangeInput } from './change.types.js';

/** ServiceNow (CHG0030001) and Jira (OPS-123) style keys. */
export const CHANGE_KEY = /^[A-Z][A-Z0-9_]*-?\d+$/;

const changeFields = {
  title: fields.title,
  description: fields.longText.nullish(),
  type: z.enum(ChangeType).nullish(),
  risk: z.enum(ChangeRisk).nullish(),
  state: z.enum(ChangeState).nullish(),
  rollbackPlan: fields.longText.nullish(),
  rollbackCriteria: fields.longText.nullish(),
  windowStart: fields.date.nullish(),
  windowEnd: fields.date.nullish(),
  requestedBy: fields.shortText.nullish(),
  releaseId: fields.id.nullish(),
  serviceIds: z.array(fields.id).max(500, 'at most 500 services').nullish(),
};
const createSchema = z.object({
  key: z.string().trim().max(50, 'at most 50 characters').regex(CHANGE_KEY, 'not a change key (e.g. CHG0030001, OPS-123)'),
  ...changeFields,
});
const updateSchema = z.object({ id: fields.id, ...changeFields, title: fields.title.nullish() });

/** Change tickets and their links to releases and services. */
export class ChangeManager {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
  ) {
    writes.describeConstraints({
      change_key_key: { message: 'a change with this key already exists', field: 'input.key' },
      change_release_fk: { message: 'release does not exist', field: 'input.releaseId' },
      change_window_order_check: { message: 'windowEnd is before windowStart', field: 'input.windowEnd' },
    });
  }

  list(filter: ChangeFilter | null | undefined, page: { first?: number | null; after?: string | null }): Promise<Connection<Change>> {
    const qb = this.db.getRepository(Change).createQueryBuilder('c');
    if (filter?.state?.length) qb.andWhere('c.state IN (:...states)', { states: filter.state });
    if (filter?.type?.length) qb.andWhere('c.type IN (:...types)', { types: filter.type });
    if (filter?.releaseId) qb.andWhere('c.release_id = :releaseId', { releaseId: filter.releaseId });
    if (filter?.key) qb.andWhere('c.key = :key', { key: filter.key });
    if (filter?.serviceId)
      qb.andWhere('EXISTS (SELECT 1 FROM change_service cs WHERE cs.change_id = c.id AND cs.service_id = :serviceId)', { serviceId: filter.serviceId });
    whereInRange(qb, 'window_start', filter?.windowStart, 'filter.windowStart');
    whereInRange(qb, 'created_at', filter?.createdAt, 'filter.createdAt');
    return paginate(qb, page);
  }

  async create(actor: Actor, raw: CreateChangeInput): Promise<Change> {
    const input = parseInput(createSchema, raw, 'input');
    assertWindowOrder(input.windowStart, input.windowEnd);
    return this.writes.run(actor, async (tx) => {
      const m = tx.manager;
      if (await m.existsBy(Change, { key: input.key })) throw new ConflictError(`change ${input.key} already exists`, 'input.key');
      if (input.releaseId) await assertReleaseExists(m, input.releaseId);
      const serviceIds = [...new Set(input.serviceIds ?? [])];
      await assertServicesExist(m, serviceIds, 'input.serviceIds');
      const id = `rg:change:${crypto.randomUUID()}`;
      await m.insert(Change, {
        id,
        key: input.key,
        source: 'api',
        title: input.title,
        description: input.description ?? null,
        type: input.type ?? ChangeType.NORMAL,
        risk: input.risk ?? null,
        state: input.state ?? ChangeState.NEW,
        sourceState: null,
        rollbackPlan: input.rollbackPlan ?? null,
        rollbackCriteria: input.rollbackCriteria ?? null,
        windowStart: input.windowStart ?? null,
        windowEnd: input.windowEnd ?? null,
        requestedBy: input.requestedBy ?? actor.name,
        releaseId: input.releaseId ?? null,
        originConnector: 'api',
      });
      await linkServices(m, id, serviceIds);
      const saved = await m.findOneByOrFail(Change, { id });
      tx.record({ type: 'change.created', subjectType: 'Change', subjectId: id, releaseId: saved.releaseId, payload: { ...saved, serviceIds } });
      return saved;
    });
  }

  /** Records a CAB or peer approval as the ITSM reports it (by deterministic id; unchanged = no event). */
  recordApproval(actor: Actor, approval: ApprovalRecord): Promise<Approval> {
    return this.writes.run(actor, async (tx) => {
      const change = await tx.manager.findOneBy(Change, { id: approval.changeId });
      if (!change) throw new NotFoundError('Change', approval.changeId, 'changeId');
      return upsertGraphRow(tx, Approval, approval, { subjectType: 'Approval', event: 'approval', releaseId: change.releaseId });
    });
  }

  async update(actor: Actor, raw: UpdateChangeInput): Promise<Change> {
    const input = parseInput(updateSchema, raw, 'input');
    return this.writes.run(actor, async (tx) => {
      const m = tx.manager;
      const current = await m.findOne(Change, { where: { id: input.id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundError('Change', input.id, 'input.id');
      if (input.releaseId) await assertReleaseExists(m, input.releaseId);
      const changes = definedOnly({
        title: input.title ?? undefined,
        description: input.description,
        type: input.type ?? undefined,
        risk: input.risk,
        state: input.state ?? undefined,
        rollbackPlan: input.rollbackPlan,
        rollbackCriteria: input.rollbackCriteria,
        windowStart: input.windowStart,
        windowEnd: input.windowEnd,
        requestedBy: input.requestedBy,
        releaseId: input.releaseId,
      });
      assertWindowOrder(
        changes.windowStart === undefined ? current.windowStart : changes.windowStart,
        changes.windowEnd === undefined ? current.windowEnd : changes.windowEnd,
      );
      if (Object.keys(changes).length) await m.update(Change, { id: input.id }, changes);
      let serviceIds: string[] | undefined;
      if (input.serviceIds) {
        serviceIds = [...new Set(input.serviceIds)];
        await assertServicesExist(m, serviceIds, 'input.serviceIds');
        await m.delete(ChangeServiceLink, { changeId: input.id });
        await linkServices(m, input.id, serviceIds);
      }
      const saved = await m.findOneByOrFail(Change, { id: input.id });
      tx.record({
        type: 'change.updated',
        subjectType: 'Change',
        subjectId: input.id,
        releaseId: saved.releaseId,
        payload: { ...saved, ...(serviceIds ? { serviceIds } : {}) },
      });
      if (changes.state && changes.state !== current.state) {
        tx.record({
          type: 'change.state_changed',
          subjectType: 'Change',
          subjectId: input.id,
          releaseId: saved.releaseId,
          payload: { key: saved.key, from: current.state, to: changes.state },
        });
      }
      return saved;
    });
  }
}

export type ApprovalRecord = Pick<Approval, 'id' | 'changeId' | 'approver' | 'decision'> & Partial<Pick<Approval, 'decidedAt' | 'comment'>> & OriginFields;

async function assertReleaseExists(m: EntityManager, releaseId: string): Promise<void> {
  if (!(await m.existsBy(Release, { id: releaseId }))) throw new NotFoundError('Release', releaseId, 'input.releaseId');
}

function assertWindowOrder(start: Date | null | undefined, end: Date | null | undefined): void {
  if (start && end && end < start) throw new BadUserInputError('input.windowEnd', 'is before windowStart');
}

async function linkServices(m: EntityManager, changeId: string, serviceIds: string[]): Promise<void> {
  if (serviceIds.length)
    await m.insert(
      ChangeServiceLink,
      serviceIds.map((serviceId) => ({ changeId, serviceId })),
    );
}
