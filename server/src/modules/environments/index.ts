import { Environment } from './environment.entity.js';
import { EnvironmentResolver } from './environment.resolver.js';

/** Environments and their tiers. */
export const entities = [Environment];
export const resolvers = [EnvironmentResolver] as const;
/** Its relation fields' DataLoaders, made per GraphQL operation. */
export { environmentLoaders as loaders } from './environment.loaders.js';
