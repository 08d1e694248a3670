import type { StateMachine } from '../../write/state-machine.js';
import { ChangeState } from './change.entity.js';

const ALL_OPEN = [ChangeState.NEW, ChangeState.ASSESS, ChangeState.AUTHORIZE, ChangeState.SCHEDULED, ChangeState.IMPLEMENT, ChangeState.REVIEW];

/** From an open state: the ITSM (a source) may report any other state; persons follow the flow. */
function openMoves(from: ChangeState, forward: ChangeState[]): Partial<Record<ChangeState, Array<'person' | 'source'>>> {
  const moves: Partial<Record<ChangeState, Array<'person' | 'source'>>> = {};
  for (const to of [...ALL_OPEN, ChangeState.CLOSED, ChangeState.CANCELLED]) if (to !== from) moves[to] = ['source'];
  for (const to of [...forward, ChangeState.CANCELLED]) moves[to] = ['person', 'source'];
  return moves;
}

/**
 * A change ticket's life (the ITSM's normal-change flow). The ITSM is the system of record: what
 * it reports is taken, including a step back (a rejected change goes back to ASSESS), except that
 * a late report of an earlier state never reopens a CLOSED or CANCELLED change. Through the API a
 * change moves along the flow, or back from AUTHORIZE to ASSESS, or is cancelled.
 */
export const CHANGE_LIFECYCLE: StateMachine<ChangeState> = {
  subject: 'Change',
  states: Object.values(ChangeState),
  moves: {
    NEW: openMoves(ChangeState.NEW, [ChangeState.ASSESS, ChangeState.AUTHORIZE]),
    ASSESS: openMoves(ChangeState.ASSESS, [ChangeState.AUTHORIZE]),
    AUTHORIZE: openMoves(ChangeState.AUTHORIZE, [ChangeState.ASSESS, ChangeState.SCHEDULED]),
    SCHEDULED: openMoves(ChangeState.SCHEDULED, [ChangeState.IMPLEMENT]),
    IMPLEMENT: openMoves(ChangeState.IMPLEMENT, [ChangeState.REVIEW, ChangeState.CLOSED]),
    REVIEW: openMoves(ChangeState.REVIEW, [ChangeState.CLOSED]),
    CLOSED: {},
    CANCELLED: {},
  },
  progress: { NEW: 0, ASSESS: 1, AUTHORIZE: 2, SCHEDULED: 3, IMPLEMENT: 4, REVIEW: 5, CLOSED: 6, CANCELLED: 6 },
  meaning: {
    NEW: 'raised',
    ASSESS: 'being assessed (risk, impact, plan)',
    AUTHORIZE: 'waiting for its approvals (CAB)',
    SCHEDULED: 'approved and scheduled',
    IMPLEMENT: 'being implemented',
    REVIEW: 'implemented, under review',
    CLOSED: 'closed',
    CANCELLED: 'cancelled',
  },
};
