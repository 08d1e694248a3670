import { Slo } from './slo.entity.js';
import { ReleaseBudgetResolver, SloResolver } from './slo.resolver.js';

/** SLOs, error budgets and burn-rate alerts. */
export const entities = [Slo];
export const resolvers = [SloResolver, ReleaseBudgetResolver] as const;
