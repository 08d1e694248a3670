export { loadConfig, type ConfigExtensions, type HubConfig } from './config.js';
export { startHub, openDatabase, type Hub } from './hub.js';
export { createLogger } from './logger.js';
export { printReleaseGraphSchema } from './graphql/schema.js';
export type { Actor } from './write/actor.js';
export { Role } from './modules/auth/roles.js';
export { SYSTEM_ACTOR } from './modules/auth/auth.service.js';
/** The connector kit's records: what `domain.ingest` takes (tests seed through it, as connectors write). */
export type {
  ApprovalRecord,
  ArtifactRecord,
  ChangeRecord,
  CommitRecord,
  DeploymentRecord,
  DomainRecords,
  IncidentRecord,
  PipelineRunRecord,
  TagRecord,
} from '@releasegraph/connectors';
