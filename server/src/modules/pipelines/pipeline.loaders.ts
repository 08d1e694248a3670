import type { DataSource } from 'typeorm';
import { byId, manyBy } from '../../graphql/loader-kit.js';
import { Deployment } from '../deployments/deployment.entity.js';
import { Artifact, PipelineRun } from './pipeline.entity.js';

export function pipelineLoaders(db: DataSource) {
  return {
    pipelineRunById: byId(db, PipelineRun),
    artifactById: byId(db, Artifact),
    deploymentsOfArtifact: manyBy(db, Deployment, 'artifactId'),
    artifactsOfPipelineRun: manyBy(db, Artifact, 'pipelineRunId'),
  };
}
