import { Approval, Change, ChangeServiceLink } from './change.entity.js';
import { ApprovalResolver, ChangeResolver } from './change.resolver.js';

/** Change tickets and their approvals. */
export const entities = [Change, ChangeServiceLink, Approval];
export const resolvers = [ChangeResolver, ApprovalResolver] as const;
