import type { StateMachine } from '../../write/state-machine.js';
import { RollbackDecisionStatus } from './verification.entity.js';

/**
 * A rollback decision is made RECOMMENDED (a person decides) or, where the tier's policy is
 * AUTOMATIC, ROLLED_BACK by the verifier at once. A person accepts (→ ROLLED_BACK: the deployment
 * and its release roll back) or dismisses a recommendation; a settled decision is final.
 */
export const ROLLBACK_DECISION_LIFECYCLE: StateMachine<RollbackDecisionStatus> = {
  subject: 'RollbackDecision',
  states: Object.values(RollbackDecisionStatus),
  moves: {
    RECOMMENDED: { ROLLED_BACK: ['person'], DISMISSED: ['person'] },
    ROLLED_BACK: {},
    DISMISSED: {},
  },
  meaning: {
    RECOMMENDED: 'the verifier recommends a rollback; waiting for a person',
    ROLLED_BACK: 'rolled back (accepted, or automatic)',
    DISMISSED: 'a person decided to keep the deployment',
  },
};
