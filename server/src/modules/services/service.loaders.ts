import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byId, groupBy, through } from '../../graphql/loader-kit.js';
import { Environment } from '../environments/environment.entity.js';
import { Service, ServiceDependency } from './service.entity.js';

export function serviceLoaders(db: DataSource) {
  return {
    serviceById: byId(db, Service),
    dependenciesOfService: through(db, ServiceDependency, 'serviceId', 'dependsOnId', Service),
    dependentsOfService: through(db, ServiceDependency, 'dependsOnId', 'serviceId', Service),
    /** Environments a service has been deployed to. */
    environmentsOfService: new DataLoader<string, Environment[]>(async (serviceIds) => {
      const rows = await db
        .getRepository(Environment)
        .createQueryBuilder('e')
        .innerJoin('deployment', 'd', 'd.environment_id = e.id')
        .addSelect('d.service_id', 'owner_key')
        .where('d.service_id IN (:...serviceIds)', { serviceIds: [...serviceIds] })
        .distinct(true)
        .orderBy('e.name', 'ASC')
        .getRawAndEntities<{ owner_key: string; e_id: string }>();
      const byEnv = new Map(rows.entities.map((e) => [e.id, e]));
      const pairs = rows.raw.map((r) => ({ key: r.owner_key, env: byEnv.get(r.e_id)! }));
      return groupBy(serviceIds, pairs, (p) => [p.key]).map((list) => list.map((p) => p.env));
    }),
  };
}
