import { Deployment } from './deployment.entity.js';
import { DeploymentResolver } from './deployment.resolver.js';

/** Deployments and their life (deployment.lifecycle.ts). */
export const entities = [Deployment];
export const resolvers = [DeploymentResolver] as const;
/** Its relation fields' DataLoaders, made per GraphQL operation. */
export { deploymentLoaders as loaders } from './deployment.loaders.js';
