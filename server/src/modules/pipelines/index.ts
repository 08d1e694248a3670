import { Artifact, PipelineRun } from './pipeline.entity.js';
import { ArtifactResolver, PipelineRunResolver } from './pipeline.resolver.js';

/** Pipeline runs with their gates, and artifacts. */
export const entities = [PipelineRun, Artifact];
export const resolvers = [PipelineRunResolver, ArtifactResolver] as const;
/** Its relation fields' DataLoaders, made per GraphQL operation. */
export { pipelineLoaders as loaders } from './pipeline.loaders.js';
