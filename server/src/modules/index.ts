import * as audit from './audit/index.js';
import * as auth from './auth/index.js';
import * as changes from './changes/index.js';
import * as commits from './commits/index.js';
import * as connectors from './connectors/index.js';
import * as deployments from './deployments/index.js';
import * as environments from './environments/index.js';
import * as incidents from './incidents/index.js';
import * as kpis from './kpis/index.js';
import * as node from './node/index.js';
import * as notifications from './notifications/index.js';
import * as pipelines from './pipelines/index.js';
import * as releases from './releases/index.js';
import * as services from './services/index.js';
import * as slo from './slo/index.js';
import * as stabilization from './stabilization/index.js';
import * as synthetics from './synthetics/index.js';
import * as telemetry from './telemetry/index.js';
import * as verification from './verification/index.js';

/** A class TypeORM or type-graphql reads decorators from. */
type DecoratedClass = abstract new (...args: never[]) => unknown;

/** What a feature module contributes to the hub. */
export interface FeatureModule {
  entities: readonly DecoratedClass[];
  resolvers: readonly DecoratedClass[];
}

/**
 * Every feature module. Each says in its own index.ts what it contributes (entities, resolvers);
 * the schema and the data source are built from this list, so a new module is one line here.
 */
export const MODULES: readonly FeatureModule[] = [
  node,
  auth,
  services,
  environments,
  releases,
  changes,
  commits,
  pipelines,
  deployments,
  incidents,
  audit,
  connectors,
  telemetry,
  kpis,
  verification,
  slo,
  stabilization,
  synthetics,
  notifications,
];
