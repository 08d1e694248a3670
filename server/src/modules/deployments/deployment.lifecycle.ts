import type { StateMachine } from '../../write/state-machine.js';
import { DeploymentStatus } from './deployment.entity.js';

/**
 * A deployment's life. Persons (the API) move it forward; sources (CI webhooks, polled CD tools)
 * report what their tool says, late reports of an earlier state change nothing, and a new attempt
 * of a finished deployment (it started after the one recorded) starts it again (`rerun`). The
 * verifier rolls back automatically where the policy says so.
 */
export const DEPLOYMENT_LIFECYCLE: StateMachine<DeploymentStatus> = {
  subject: 'Deployment',
  states: Object.values(DeploymentStatus),
  moves: {
    PENDING: {
      IN_PROGRESS: ['person', 'source', 'rerun'],
      SUCCEEDED: ['person', 'source', 'rerun'],
      FAILED: ['person', 'source', 'rerun'],
      CANCELLED: ['person', 'source', 'rerun'],
    },
    IN_PROGRESS: {
      SUCCEEDED: ['person', 'source', 'rerun'],
      FAILED: ['person', 'source', 'rerun'],
      CANCELLED: ['person', 'source', 'rerun'],
      ROLLED_BACK: ['person', 'source', 'verifier'],
      PENDING: ['rerun'],
    },
    SUCCEEDED: { ROLLED_BACK: ['person', 'source', 'verifier'], FAILED: ['source'], PENDING: ['rerun'], IN_PROGRESS: ['rerun'] },
    FAILED: { ROLLED_BACK: ['person', 'source', 'verifier'], SUCCEEDED: ['source'], PENDING: ['rerun'], IN_PROGRESS: ['rerun'] },
    CANCELLED: { PENDING: ['rerun'], IN_PROGRESS: ['rerun'] },
    ROLLED_BACK: { PENDING: ['rerun'], IN_PROGRESS: ['rerun'] },
  },
  progress: { PENDING: 0, IN_PROGRESS: 1, SUCCEEDED: 2, FAILED: 2, CANCELLED: 2, ROLLED_BACK: 3 },
  meaning: {
    PENDING: 'reported or planned, not started',
    IN_PROGRESS: 'rolling out',
    SUCCEEDED: 'the version runs in the environment',
    FAILED: 'the rollout failed',
    CANCELLED: 'stopped before it finished',
    ROLLED_BACK: 'the previous version was put back',
  },
};
