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
