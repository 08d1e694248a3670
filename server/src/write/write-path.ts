import crypto from 'node:crypto';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import { BadUserInputError, ConflictError, DomainError, NotFoundError } from '../domain-errors.js';
import { EVENT_CATALOGUE, checkPayload, type EventPayload, type EventType } from '../events/catalogue.js';
import { SUBJECTS, type SubjectType } from '../events/subjects.js';
import type { Actor } from './actor.js';
import { canonicalJson } from './canonical-json.js';

/** A state change of the release graph, as it goes to `release_event` and the audit trail. */
export interface RecordedChange {
  /** Event type, `<subject>.<verb>` (e.g. `release.created`, `deployment.status_changed`): one of the catalogue's. */
  type: EventType;
  subjectType: SubjectType;
  subjectId: string;
  /** The release it concerns; when not given, the write path finds it from the subject. */
  releaseId?: string | null;
  /** The change ticket it concerns; found from the subject (a change, an approval of one). */
  changeId?: string | null;
  payload: unknown;
}

/** What a caller says about an event; its subject type comes from the catalogue. */
export interface EventFacts<P> {
  subjectId: string;
  releaseId?: string | null;
  payload: P;
}

/** The transaction a domain service writes in: its rows, plus the changes it records. */
export class WriteTx {
  readonly changes: RecordedChange[] = [];
  constructor(
    readonly manager: EntityManager,
    readonly actor: Actor,
  ) {}

  /** Records a change of the graph as a catalogued event (checked against its payload shape) and an audit entry. */
  record<T extends EventType, P extends EventPayload<T>>(type: T, facts: EventFacts<P>): void {
    checkPayload(type, facts.payload);
    this.changes.push({ type, subjectType: EVENT_CATALOGUE[type].subject, subjectId: facts.subjectId, releaseId: facts.releaseId, payload: facts.payload });
  }

  private savepoints = 0;

  /**
   * Runs `work` so that its failure undoes only its own writes and recorded changes (a SAVEPOINT),
   * and the transaction goes on: one bad item of a batch does not spoil the others.
   */
  async isolated<T>(work: () => Promise<T>): Promise<T> {
    const name = `item_${++this.savepoints}`;
    const recorded = this.changes.length;
    await this.manager.query(`SAVEPOINT ${name}`);
    try {
      const value = await work();
      await this.manager.query(`RELEASE SAVEPOINT ${name}`);
      return value;
    } catch (error) {
      await this.manager.query(`ROLLBACK TO SAVEPOINT ${name}`);
      this.changes.length = recorded;
      throw error;
    }
  }
}

/** Serialises the tail of every write transaction: event ids are then assigned in commit order. */
const EVENT_LOG_LOCK = 0x5247_4c31; // "RGL1"
export const GENESIS_HASH = '0'.repeat(64);

export function auditHash(
  prevHash: string,
  entry: {
    at: Date;
    actorId: string;
    actor: string;
    action: string;
    subjectType: string;
    subjectId: string;
    data: unknown;
    releaseId?: string | null;
    changeId?: string | null;
  },
): string {
  // The release and change an entry concerns are hashed when it has them (entries written before
  // they were recorded hash as they always did), so moving an entry out of a release's trail breaks the chain.
  const { releaseId, changeId, ...rest } = entry;
  const content = canonicalJson({ ...rest, at: entry.at.toISOString(), ...(releaseId ? { releaseId } : {}), ...(changeId ? { changeId } : {}) });
  return crypto.createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

/** What a unique or foreign-key constraint means to a caller (constraint name → message and field). */
export type ConstraintMessages = Record<string, { message: string; field?: string }>;

/**
 * The one write path (docs/architecture.md, "Data flow"): a domain service's rows, the
 * `release_event` rows and the audit entries commit in one transaction, or none of them does.
 */
export class WritePath {
  private readonly constraintMessages: ConstraintMessages = {};

  constructor(
    private readonly db: DataSource,
    private readonly afterCommit: () => void,
  ) {}

  /** Domain modules register what their constraints mean, for races the service checks cannot see. */
  describeConstraints(messages: ConstraintMessages): void {
    Object.assign(this.constraintMessages, messages);
  }

  async run<T>(actor: Actor, work: (tx: WriteTx) => Promise<T>): Promise<T> {
    let recorded = 0;
    let result: T;
    try {
      result = await this.db.transaction('READ COMMITTED', async (manager) => {
        const tx = new WriteTx(manager, actor);
        const value = await work(tx);
        recorded = tx.changes.length;
        if (recorded) await appendToLog(manager, actor, tx.changes);
        return value;
      });
    } catch (error) {
      throw this.translate(error);
    }
    if (recorded) this.afterCommit();
    return result;
  }

  /** A database error as the domain error it means (a constraint's registered message), else the error itself. */
  translate(error: unknown): unknown {
    if (error instanceof DomainError || !(error instanceof QueryFailedError)) return error;
    const pg = error.driverError as { code?: string; constraint?: string; column?: string; detail?: string };
    const known = pg.constraint ? this.constraintMessages[pg.constraint] : undefined;
    switch (pg.code) {
      case '23505':
        return new ConflictError(known?.message ?? `already exists (${pg.detail ?? pg.constraint})`, known?.field);
      case '23503':
        return new NotFoundError('referenced object', pg.detail ?? String(pg.constraint), known?.field);
      case '23514':
      case '23502':
      case '22001':
      case '22P02':
      case '22007':
      case '22008':
        return new BadUserInputError(known?.field ?? pg.column ?? 'input', known?.message ?? 'value rejected by the database');
      default:
        return error;
    }
  }
}

/** Fills in the release and the change each recorded change concerns, from its subject's row (one statement per subject type). */
async function relate(manager: EntityManager, changes: RecordedChange[]): Promise<void> {
  const bySubject = new Map<SubjectType, Set<string>>();
  for (const c of changes) {
    if (!('relations' in SUBJECTS[c.subjectType])) continue;
    if (c.releaseId !== undefined && c.subjectType !== 'Change' && c.subjectType !== 'Approval') continue;
    let ids = bySubject.get(c.subjectType);
    if (!ids) bySubject.set(c.subjectType, (ids = new Set()));
    ids.add(c.subjectId);
  }
  const found = new Map<string, { release_id: string | null; change_id: string | null }>();
  for (const [subject, ids] of bySubject) {
    const sql = (SUBJECTS[subject] as { relations: string }).relations;
    const rows = (await manager.query(sql, [[...ids]])) as Array<{ id: string; release_id: string | null; change_id: string | null }>;
    for (const r of rows) found.set(`${subject}\u0000${r.id}`, r);
  }
  for (const c of changes) {
    const r = found.get(`${c.subjectType}\u0000${c.subjectId}`);
    if (!r) continue;
    if (c.releaseId === undefined) c.releaseId = r.release_id;
    c.changeId ??= r.change_id;
  }
}

async function appendToLog(manager: EntityManager, actor: Actor, changes: RecordedChange[]): Promise<void> {
  await relate(manager, changes);
  // Taken last, held until commit: ids below are handed out in the order transactions commit,
  // so a reader of `id > cursor` never sees a later id before an earlier one.
  await manager.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOG_LOCK]);
  const at = new Date();
  const eventValues: unknown[] = [];
  const eventRows: string[] = [];
  changes.forEach((c, i) => {
    const o = i * 7;
    eventRows.push(`($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}::jsonb)`);
    eventValues.push(c.type, at, actor.name, c.releaseId ?? null, c.subjectType, c.subjectId, JSON.stringify(c.payload ?? null));
  });
  await manager.query(
    `INSERT INTO release_event (type, occurred_at, actor, release_id, subject_type, subject_id, payload) VALUES ${eventRows.join(', ')}`,
    eventValues,
  );

  const last: Array<{ hash: string }> = await manager.query('SELECT hash FROM audit_entry ORDER BY seq DESC LIMIT 1');
  let prevHash = last[0]?.hash ?? GENESIS_HASH;
  const auditValues: unknown[] = [];
  const auditRows: string[] = [];
  changes.forEach((c, i) => {
    const entry = {
      at,
      actorId: actor.id,
      actor: actor.name,
      action: c.type,
      subjectType: c.subjectType,
      subjectId: c.subjectId,
      data: c.payload ?? null,
      releaseId: c.releaseId ?? null,
      changeId: c.changeId ?? null,
    };
    const hash = auditHash(prevHash, entry);
    const o = i * 11;
    auditRows.push(`($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}::jsonb, $${o + 8}, $${o + 9}, $${o + 10}, $${o + 11})`);
    auditValues.push(
      at,
      entry.actorId,
      entry.actor,
      entry.action,
      entry.subjectType,
      entry.subjectId,
      JSON.stringify(entry.data),
      prevHash,
      hash,
      entry.releaseId,
      entry.changeId,
    );
    prevHash = hash;
  });
  await manager.query(
    `INSERT INTO audit_entry (at, actor_id, actor, action, subject_type, subject_id, data, prev_hash, hash, release_id, change_id) VALUES ${auditRows.join(', ')}`,
    auditValues,
  );
}
