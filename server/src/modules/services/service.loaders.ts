import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byId, entityMapper, groupBy, through } from '../../graphql/loader-kit.js';
import { Environment } from '../environments/environment.entity.js';
import { Service, ServiceDependency } from './service.entity.js';

export function serviceLoaders(db: DataSource) {
  const environment = entityMapper(db, Environment);
  return {
    serviceById: byId(db, Service),
    dependenciesOfService: through(db, ServiceDependency, 'serviceId', 'dependsOnId', Service),
    dependentsOfService: through(db, ServiceDependency, 'dependsOnId', 'serviceId', Service),
    /** Environments a service has been deployed to. */
    environmentsOfService: new DataLoader<string, Environment[]>(async (serviceIds) => {
      const rows: Array<Record<string, unknown> & { owner_key: string }> = await db.query(
        `SELECT DISTINCT d.service_id AS owner_key, e.* FROM deployment d JOIN environment e ON e.id = d.environment_id
          WHERE d.service_id = ANY($1) ORDER BY e.name`,
        [[...serviceIds]],
      );
      return groupBy(serviceIds, rows, (r) => [r.owner_key]).map((list) => list.map(environment.map));
    }),
  };
}
