import { Approval, Change, ChangeServiceLink } from './change.entity.js';
import { ApprovalResolver, ChangeResolver } from './change.resolver.js';

/** Change tickets and their approvals. */
export const entities = [Change, ChangeServiceLink, Approval];
export const resolvers = [ChangeResolver, ApprovalResolver] as const;
/** Its relation fields' DataLoaders, made per GraphQL operation. */
export { changeLoaders as loaders } from './change.loaders.js';
