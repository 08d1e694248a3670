import { Escalation, StabilizationOwner, StabilizationWindow } from './stabilization.entity.js';
import { ReleaseStabilizationResolver, StabilizationOwnerResolver, StabilizationResolver } from './stabilization.resolver.js';

/** Stabilization windows, owners and escalations. */
export const entities = [StabilizationWindow, StabilizationOwner, Escalation];
export const resolvers = [StabilizationResolver, StabilizationOwnerResolver, ReleaseStabilizationResolver] as const;
/** Its relation fields' DataLoaders, made per GraphQL operation. */
export { stabilizationLoaders as loaders } from './stabilization.loaders.js';
