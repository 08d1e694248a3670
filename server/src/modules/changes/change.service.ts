import crypto from 'node:crypto';
import type { ApprovalRecord, ChangeRecord } from '@releasegraph/connectors';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { BadUserInputError, ConflictError, NotFoundError } from '../../domain-errors.js';
import { paginate, type Connection } from '../../graphql/connection.js';
import { whereInRange } from '../../graphql/time-range.js';
import type { Actor } from '../../write/actor.js';
import type { Cause } from '../../write/state-machine.js';
import { transitionRow } from '../../write/transition.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import type { IngestRefs } from '../common/ingest-refs.js';
import { definedOnly, fields, parseInput } from '../common/input.js';
import { Release } from '../releases/release.entity.js';
import { assertServicesExist } from '../services/service.service.js';
import { Approval, Change, ChangeRisk, ChangeServiceLink, ChangeState, ChangeType, type ApprovalDecision } from './change.entity.js';
import { CHANGE_LIFECYCLE } from './change.lifecycle.js';
import { originOf, updateGraphRow, upsertGraphRow } from '../common/upsert.js';
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
export class ChangeService {
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
      tx.record('change.created', { subjectId: id, payload: { ...saved, serviceIds } });
      return saved;
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
      let saved = await updateGraphRow(tx, Change, current, changes, CHANGE_EVENTS);
      if (input.serviceIds) {
        const serviceIds = [...new Set(input.serviceIds)];
        await assertServicesExist(m, serviceIds, 'input.serviceIds');
        const before = (await m.findBy(ChangeServiceLink, { changeId: input.id })).map((l) => l.serviceId).sort();
        if (before.join() !== [...serviceIds].sort().join()) {
          await m.delete(ChangeServiceLink, { changeId: input.id });
          await linkServices(m, input.id, serviceIds);
          tx.record('change.updated', { subjectId: input.id, payload: { ...saved, serviceIds, changed: ['serviceIds'] } });
        }
      }
      if (input.state) saved = await this.transition(tx, input.id, input.state, { kind: 'person' }, 'input.state');
      return saved;
    });
  }

  /** The one place a change's state moves (see CHANGE_LIFECYCLE), with its `change.state_changed` event. */
  async transition(tx: WriteTx, id: string, to: ChangeState, cause: Cause, field?: string): Promise<Change> {
    const { row } = await transitionRow(tx, {
      machine: CHANGE_LIFECYCLE,
      entity: Change,
      column: 'state',
      id,
      to,
      cause,
      event: 'change.state_changed',
      field,
    });
    return row;
  }

  /**
   * A change ticket as the ITSM reports it: an existing change with the same key (raised through
   * the API or by another connector) is the same change; its state goes through {@link transition}.
   */
  async ingest(tx: WriteTx, r: ChangeRecord, refs: IngestRefs): Promise<void> {
    const m = tx.manager;
    const byKey = await m.findOne(Change, { where: { key: r.key }, select: { id: true } });
    const id = byKey?.id ?? r.id;
    const releaseId = await refs.releaseOfVersion(r.releaseVersion);
    const fields = {
      key: r.key,
      source: r.source,
      title: r.title,
      description: r.description,
      type: r.type as ChangeType,
      risk: r.risk as ChangeRisk | null,
      sourceState: r.origin.originalStatus ?? null,
      rollbackPlan: r.rollbackPlan,
      windowStart: r.windowStart,
      windowEnd: r.windowEnd,
      requestedBy: r.requestedBy,
      ...(releaseId ? { releaseId } : {}),
      ...originOf(r.origin),
    };
    const { created } = await upsertGraphRow(tx, Change, { id, ...fields, ...(byKey ? {} : { state: r.state as ChangeState }) }, CHANGE_EVENTS);
    if (!created) await this.transition(tx, id, r.state as ChangeState, { kind: 'source', reason: refs.connectorId });
    for (const name of r.services) {
      const serviceId = await refs.serviceId(name);
      await m.createQueryBuilder().insert().into(ChangeServiceLink).values({ changeId: id, serviceId }).orIgnore().execute();
    }
  }

  /** An approval as the ITSM reports it (by deterministic id; unchanged = no event). */
  async ingestApproval(tx: WriteTx, r: ApprovalRecord): Promise<void> {
    // The change may have landed under an existing row's id (same key): follow it.
    const [change] = (await tx.manager.query(`SELECT c.id FROM change c WHERE c.id = $1 OR c.key = (SELECT split_part($1, ':', 3)) LIMIT 1`, [
      r.changeId,
    ])) as Array<{ id: string }>;
    if (!change) throw new NotFoundError('Change', r.changeId, 'changeId');
    await upsertGraphRow(
      tx,
      Approval,
      {
        id: r.id,
        changeId: change.id,
        approver: r.approver,
        decision: r.decision as ApprovalDecision,
        decidedAt: r.decidedAt,
        comment: r.comment,
        ...originOf(r.origin),
      },
      { created: 'approval.created', updated: 'approval.updated' },
    );
  }
}

const CHANGE_EVENTS = { created: 'change.created', updated: 'change.updated' } as const;

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
