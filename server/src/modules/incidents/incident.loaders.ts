import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { IncidentCorrelator, type Correlation } from './incident-correlation.js';
import { byId, through } from '../../graphql/loader-kit.js';
import { Service } from '../services/service.entity.js';
import { Incident, IncidentServiceLink } from './incident.entity.js';

export function incidentLoaders(db: DataSource) {
  return {
    incidentById: byId(db, Incident),
    servicesOfIncident: through(db, IncidentServiceLink, 'incidentId', 'serviceId', Service),
    /** Suspects are computed on read, once per incident per request (suspects and summary share it). */
    correlationOfIncident: new DataLoader<string, Correlation>((ids) => {
      const correlator = new IncidentCorrelator(db);
      return Promise.all(ids.map((id) => correlator.correlate(id)));
    }),
  };
}
