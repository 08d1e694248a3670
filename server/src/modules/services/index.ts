import { Service, ServiceDependency } from './service.entity.js';
import { ServiceResolver } from './service.resolver.js';

/** The service catalogue and its dependency graph. */
export const entities = [Service, ServiceDependency];
export const resolvers = [ServiceResolver] as const;
/** Its relation fields' DataLoaders, made per GraphQL operation. */
export { serviceLoaders as loaders } from './service.loaders.js';
