import type { DataSource } from 'typeorm';
import { byId, environmentsThroughDeployments, through } from '../../graphql/loader-kit.js';
import { Environment } from '../environments/environment.entity.js';
import { Service, ServiceDependency } from './service.entity.js';

export function serviceLoaders(db: DataSource) {
  return {
    serviceById: byId(db, Service),
    dependenciesOfService: through(db, ServiceDependency, 'serviceId', 'dependsOnId', Service),
    dependentsOfService: through(db, ServiceDependency, 'dependsOnId', 'serviceId', Service),
    /** Environments a service has been deployed to. */
    environmentsOfService: environmentsThroughDeployments(db, Environment, 'service_id'),
  };
}
