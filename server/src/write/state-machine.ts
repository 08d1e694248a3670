import { z } from 'zod';

/**
 * Who or what causes a state change. Every transition table names, for each allowed move, the
 * causes that may make it; the cause travels in the `*.status_changed` event and the audit entry.
 *
 * - `person`: a person or an integration through the API (a mutation).
 * - `source`: a connector reporting what its tool says (a webhook or a polled record).
 * - `rerun`: a source reporting a new attempt of something that had finished (it started later).
 * - `rollout`: a release following its own deployments.
 * - `verifier`: the verification round (an automatic rollback).
 * - `stabilization`: the stabilization round (windows closing, extending).
 * - `detector`: the hub's own incident detection (error spikes).
 */
export const CAUSE_KINDS = ['person', 'source', 'rerun', 'rollout', 'verifier', 'stabilization', 'detector'] as const;
export type CauseKind = (typeof CAUSE_KINDS)[number];

export const causeSchema = z.strictObject({ kind: z.enum(CAUSE_KINDS), reason: z.string().optional() });
export type Cause = z.infer<typeof causeSchema>;

/** One state machine: its states, and for each allowed move the causes that may make it. */
export interface StateMachine<S extends string> {
  /** The subject type whose status it governs (`Deployment`). */
  subject: string;
  states: readonly S[];
  moves: { readonly [F in S]: Partial<Readonly<Record<S, readonly CauseKind[]>>> };
  /**
   * Progress order, for reports from sources that arrive late or out of order (webhooks do): a
   * source's report of a state behind the current one is late and changes nothing.
   */
  progress?: Readonly<Record<S, number>>;
  /** What each state means, for the docs. */
  meaning: Readonly<Record<S, string>>;
}

/** What a transition request comes to. */
export type TransitionOutcome =
  | { kind: 'move' }
  /** Already there: nothing to write, no event. */
  | { kind: 'same' }
  /** A source's report behind the current state (late, out of order): ignored, no event. */
  | { kind: 'late' }
  /** Not an allowed move for this cause: a person's request is refused; a derived one is not made. */
  | { kind: 'refused'; reason: string };

export function decide<S extends string>(machine: StateMachine<S>, from: S, to: S, cause: CauseKind): TransitionOutcome {
  if (from === to) return { kind: 'same' };
  const allowed = machine.moves[from][to];
  // A new attempt may do whatever its source may.
  if (allowed?.includes(cause) || (cause === 'rerun' && allowed?.includes('source'))) return { kind: 'move' };
  if ((cause === 'source' || cause === 'rerun') && machine.progress && machine.progress[to] < machine.progress[from]) return { kind: 'late' };
  if (!allowed) return { kind: 'refused', reason: `a ${from} ${machine.subject.toLowerCase()} cannot become ${to}` };
  return { kind: 'refused', reason: `a ${from} ${machine.subject.toLowerCase()} becomes ${to} only by ${allowed.join(' or ')}, not by ${cause}` };
}

/** The states no move leaves. */
export function terminalStates<S extends string>(machine: StateMachine<S>): S[] {
  return machine.states.filter((s) => Object.keys(machine.moves[s]).length === 0);
}

/** The table as rows (for the docs and the tests): from, to, causes. */
export function movesOf<S extends string>(machine: StateMachine<S>): Array<{ from: S; to: S; causes: readonly CauseKind[] }> {
  return machine.states.flatMap((from) => machine.states.filter((to) => machine.moves[from][to]).map((to) => ({ from, to, causes: machine.moves[from][to]! })));
}
