import { Incident, IncidentServiceLink } from './incident.entity.js';
import { IncidentResolver } from './incident.resolver.js';

/** Incidents, their suspects, and the hub's own error-spike detection. */
export const entities = [Incident, IncidentServiceLink];
export const resolvers = [IncidentResolver] as const;
