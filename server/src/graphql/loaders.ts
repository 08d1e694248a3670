import type { DataSource } from 'typeorm';
import * as changes from '../modules/changes/index.js';
import * as commits from '../modules/commits/index.js';
import * as deployments from '../modules/deployments/index.js';
import * as environments from '../modules/environments/index.js';
import * as incidents from '../modules/incidents/index.js';
import * as pipelines from '../modules/pipelines/index.js';
import * as releases from '../modules/releases/index.js';
import * as services from '../modules/services/index.js';
import * as stabilization from '../modules/stabilization/index.js';
import * as verification from '../modules/verification/index.js';

/** Every relation field's DataLoader, for one GraphQL operation. */
export function createLoaders(db: DataSource) {
  return {
    ...services.loaders(db),
    ...environments.loaders(db),
    ...releases.loaders(db),
    ...changes.loaders(db),
    ...commits.loaders(db),
    ...pipelines.loaders(db),
    ...deployments.loaders(db),
    ...incidents.loaders(db),
    ...verification.loaders(db),
    ...stabilization.loaders(db),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
