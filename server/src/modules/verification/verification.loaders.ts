import type { DataSource } from 'typeorm';
import { byId, manyBy } from '../../graphql/loader-kit.js';
import { RollbackDecision, SuccessCriterion, Verdict } from './verification.entity.js';

export function verificationLoaders(db: DataSource) {
  return {
    criterionById: byId(db, SuccessCriterion),
    criteriaOfRelease: manyBy(db, SuccessCriterion, 'releaseId'),
    verdictsOfDeployment: manyBy(db, Verdict, 'deploymentId'),
    rollbackDecisionsOfDeployment: manyBy(db, RollbackDecision, 'deploymentId'),
  };
}
