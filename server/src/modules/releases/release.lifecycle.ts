import type { StateMachine } from '../../write/state-machine.js';
import { ReleaseStatus } from './release.entity.js';

/**
 * A release's life follows its deployments (`rollout`, whichever path reported them): the first
 * deployment started → DEPLOYING; every service of the release succeeded in a PROD-tier
 * environment → STABILIZING (the stabilization window opens); a PROD deployment of it rolled back
 * → ROLLED_BACK. The stabilization round closes a clean window → DONE; the verifier's automatic
 * rollback, or a person accepting a recommended one → ROLLED_BACK. Persons plan, schedule and
 * cancel, and may move it by hand where a tool reports nothing.
 */
export const RELEASE_LIFECYCLE: StateMachine<ReleaseStatus> = {
  subject: 'Release',
  states: Object.values(ReleaseStatus),
  moves: {
    PLANNED: { SCHEDULED: ['person'], DEPLOYING: ['person', 'rollout'], CANCELLED: ['person'] },
    SCHEDULED: { PLANNED: ['person'], DEPLOYING: ['person', 'rollout'], CANCELLED: ['person'] },
    DEPLOYING: {
      STABILIZING: ['person', 'rollout'],
      DONE: ['person'],
      ROLLED_BACK: ['person', 'rollout', 'verifier'],
    },
    STABILIZING: { DONE: ['person', 'stabilization'], ROLLED_BACK: ['person', 'rollout', 'verifier'] },
    DONE: {},
    ROLLED_BACK: {},
    CANCELLED: {},
  },
  meaning: {
    PLANNED: 'planned, no date agreed',
    SCHEDULED: 'planned for a window',
    DEPLOYING: 'at least one of its deployments has started',
    STABILIZING: 'every service of it runs in production; its stabilization window is open',
    DONE: 'its stabilization window closed clean',
    ROLLED_BACK: 'rolled back in production',
    CANCELLED: 'will not ship',
  },
};

/** What a release's deployments say, as `followDeployments` reads them. */
export interface RolloutFacts {
  /** A deployment of it has left PENDING. */
  started: boolean;
  /** Every service of the release (its planned ones, else those it deployed) SUCCEEDED in a PROD-tier environment. */
  inProduction: boolean;
  /** A deployment of it in a PROD-tier environment was rolled back. */
  rolledBack: boolean;
}

/**
 * The moves a release makes to follow its deployments, in order (each one a `rollout` transition):
 * it never skips DEPLOYING, and from DONE, CANCELLED or ROLLED_BACK it makes none.
 */
export function rolloutMoves(status: ReleaseStatus, facts: RolloutFacts): ReleaseStatus[] {
  if (!facts.started) return [];
  const S = ReleaseStatus;
  const moves: ReleaseStatus[] = [];
  let at = status;
  if (at === S.PLANNED || at === S.SCHEDULED) moves.push((at = S.DEPLOYING));
  if (facts.rolledBack) {
    if (at === S.DEPLOYING || at === S.STABILIZING) moves.push(S.ROLLED_BACK);
  } else if (facts.inProduction && at === S.DEPLOYING) {
    moves.push(S.STABILIZING);
  }
  return moves;
}
