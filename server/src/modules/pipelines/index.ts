import { Artifact, PipelineRun } from './pipeline.entity.js';
import { ArtifactResolver, PipelineRunResolver } from './pipeline.resolver.js';

/** Pipeline runs with their gates, and artifacts. */
export const entities = [PipelineRun, Artifact];
export const resolvers = [PipelineRunResolver, ArtifactResolver] as const;
