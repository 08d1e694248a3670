import { Service, ServiceDependency } from './service.entity.js';
import { ServiceResolver } from './service.resolver.js';

/** The service catalogue and its dependency graph. */
export const entities = [Service, ServiceDependency];
export const resolvers = [ServiceResolver] as const;
