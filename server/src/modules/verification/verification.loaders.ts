import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { byId, groupBy, manyBy } from '../../graphql/loader-kit.js';
import { RollbackDecision, SuccessCriterion, Verdict } from './verification.entity.js';
import { SyntheticResult } from '../synthetics/synthetic.entity.js';

export function verificationLoaders(db: DataSource) {
  return {
    criterionById: byId(db, SuccessCriterion),
    criteriaOfRelease: manyBy(db, SuccessCriterion, 'releaseId'),
    verdictsOfDeployment: manyBy(db, Verdict, 'deploymentId'),
    rollbackDecisionsOfDeployment: manyBy(db, RollbackDecision, 'deploymentId'),
    syntheticResultsOfDeployment: new DataLoader<string, SyntheticResult[]>(async (ids) => {
      const rows = await db.getRepository(SyntheticResult).find({ where: { deploymentId: In([...ids]) }, order: { at: 'ASC', id: 'ASC' } });
      return groupBy(ids, rows, (r) => [r.deploymentId]);
    }),
  };
}
