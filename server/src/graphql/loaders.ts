import type { DataSource } from 'typeorm';
import { changeLoaders } from '../modules/changes/change.loaders.js';
import { commitLoaders } from '../modules/commits/commit.loaders.js';
import { deploymentLoaders } from '../modules/deployments/deployment.loaders.js';
import { environmentLoaders } from '../modules/environments/environment.loaders.js';
import { incidentLoaders } from '../modules/incidents/incident.loaders.js';
import { pipelineLoaders } from '../modules/pipelines/pipeline.loaders.js';
import { releaseLoaders } from '../modules/releases/release.loaders.js';
import { serviceLoaders } from '../modules/services/service.loaders.js';
import { verificationLoaders } from '../modules/verification/verification.loaders.js';
import { stabilizationLoaders } from '../modules/stabilization/stabilization.loaders.js';

/** Every relation field's DataLoader, for one GraphQL operation. */
export function createLoaders(db: DataSource) {
  return {
    ...serviceLoaders(db),
    ...environmentLoaders(db),
    ...releaseLoaders(db),
    ...changeLoaders(db),
    ...commitLoaders(db),
    ...pipelineLoaders(db),
    ...deploymentLoaders(db),
    ...incidentLoaders(db),
    ...verificationLoaders(db),
    ...stabilizationLoaders(db),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
