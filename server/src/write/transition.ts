import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { ConflictError, NotFoundError } from '../domain-errors.js';
import type { EventType } from '../events/catalogue.js';
import { decide, type Cause, type StateMachine, type TransitionOutcome } from './state-machine.js';
import type { WriteTx } from './write-path.js';

export interface TransitionRequest<S extends string, E> {
  machine: StateMachine<S>;
  entity: EntityTarget<E>;
  /** The status column's property (`status`, or `state` for changes). */
  column: keyof E & string;
  id: string;
  to: S;
  cause: Cause;
  /** The status-change event (`deployment.status_changed`). */
  event: EventType;
  /** Other columns written with the move (e.g. `finishedAt`), computed from the row as it was. */
  alongside?: (row: E) => Partial<E>;
  /** The input field a person's refused request names (`input.status`). */
  field?: string;
}

export interface TransitionResult<E> {
  outcome: TransitionOutcome;
  /** The row as it is after the transition (unchanged unless the outcome is `move`). */
  row: E;
  from: string;
}

/**
 * The one way a status column changes, used by each state machine's owner: locks the row, asks
 * the machine, writes the move with its `{ from, to, cause }` event. A person's refused request is
 * a conflict error; a source's late report, and a refused derived move, change nothing.
 */
export async function transitionRow<S extends string, E extends ObjectLiteral & { id: string }>(
  tx: WriteTx,
  request: TransitionRequest<S, E>,
): Promise<TransitionResult<E>> {
  const { machine, entity, column, id, to, cause } = request;
  const m = tx.manager;
  // FOR NO KEY UPDATE: a status is no key, so rows that reference this one (a deployment inserted
  // for a release takes FOR KEY SHARE on it) are not in the way, and no deadlock comes of them.
  const row = await m.findOne(entity, { where: { id } as never, lock: { mode: 'for_no_key_update' } });
  if (!row) throw new NotFoundError(machine.subject, id, request.field ? request.field.replace(/\.\w+$/, '.id') : undefined);
  const from = row[column] as S;
  const outcome = decide(machine, from, to, cause.kind);
  if (outcome.kind === 'refused' && cause.kind === 'person') throw new ConflictError(outcome.reason, request.field);
  if (outcome.kind !== 'move') return { outcome, row, from };
  await m.update(entity, { id } as never, { [column]: to, ...request.alongside?.(row) } as never);
  const saved = await m.findOneByOrFail(entity, { id } as never);
  tx.record(request.event, { subjectId: id, payload: { from, to, cause } } as never);
  return { outcome, row: saved, from };
}
