import type { DataSource } from 'typeorm';
import { byId } from '../../graphql/loader-kit.js';
import { Environment } from './environment.entity.js';

export function environmentLoaders(db: DataSource) {
  return { environmentById: byId(db, Environment) };
}
