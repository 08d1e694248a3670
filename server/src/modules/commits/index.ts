import { Commit, GitTag } from './commit.entity.js';
import { CommitResolver, GitTagResolver } from './commit.resolver.js';

/** Commits and tags from git. */
export const entities = [Commit, GitTag];
export const resolvers = [CommitResolver, GitTagResolver] as const;
/** Its relation fields' DataLoaders, made per GraphQL operation. */
export { commitLoaders as loaders } from './commit.loaders.js';
