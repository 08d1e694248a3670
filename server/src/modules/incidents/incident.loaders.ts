import type { DataSource } from 'typeorm';
import { byId, through } from '../../graphql/loader-kit.js';
import { Service } from '../services/service.entity.js';
import { Incident, IncidentServiceLink } from './incident.entity.js';

export function incidentLoaders(db: DataSource) {
  return {
    incidentById: byId(db, Incident),
    servicesOfIncident: through(db, IncidentServiceLink, 'incidentId', 'serviceId', Service),
  };
}
