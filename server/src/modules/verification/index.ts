import { RollbackDecision, SuccessCriterion, Verdict } from './verification.entity.js';
import { DeploymentVerificationResolver, ReleaseVerificationResolver, VerdictResolver, VerificationResolver } from './verification.resolver.js';

/** Success criteria, verdicts and rollback decisions. */
export const entities = [SuccessCriterion, Verdict, RollbackDecision];
export const resolvers = [VerificationResolver, DeploymentVerificationResolver, ReleaseVerificationResolver, VerdictResolver] as const;
/** Its relation fields' DataLoaders, made per GraphQL operation. */
export { verificationLoaders as loaders } from './verification.loaders.js';
