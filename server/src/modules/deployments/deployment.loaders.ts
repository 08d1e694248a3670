import type { DataSource } from 'typeorm';
import { byId } from '../../graphql/loader-kit.js';
import { Deployment } from './deployment.entity.js';

export function deploymentLoaders(db: DataSource) {
  return { deploymentById: byId(db, Deployment) };
}
