import { Release, ReleaseServiceLink } from './release.entity.js';
import { ReleaseResolver } from './release.resolver.js';

/** Releases and their life (release.lifecycle.ts). */
export const entities = [Release, ReleaseServiceLink];
export const resolvers = [ReleaseResolver] as const;
/** Its relation fields' DataLoaders, made per GraphQL operation. */
export { releaseLoaders as loaders } from './release.loaders.js';
