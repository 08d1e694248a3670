import { Incident, IncidentServiceLink } from './incident.entity.js';
import { IncidentResolver } from './incident.resolver.js';

/** Incidents, their suspects, and the hub's own error-spike detection. */
export const entities = [Incident, IncidentServiceLink];
export const resolvers = [IncidentResolver] as const;
/** Its relation fields' DataLoaders, made per GraphQL operation. */
export { incidentLoaders as loaders } from './incident.loaders.js';
