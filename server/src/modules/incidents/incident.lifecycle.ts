import type { StateMachine } from '../../write/state-machine.js';
import { IncidentStatus } from './incident.entity.js';

/**
 * An incident's life. Sources (PagerDuty, the ITSM) report acknowledgement and resolution; the
 * hub's own detector resolves the incidents it opened when the error rate is back. A late report
 * of an earlier status (a `triggered` webhook after `acknowledged`) changes nothing.
 */
export const INCIDENT_LIFECYCLE: StateMachine<IncidentStatus> = {
  subject: 'Incident',
  states: Object.values(IncidentStatus),
  moves: {
    TRIGGERED: { ACKNOWLEDGED: ['person', 'source'], RESOLVED: ['person', 'source', 'detector'] },
    ACKNOWLEDGED: { RESOLVED: ['person', 'source', 'detector'] },
    RESOLVED: {},
  },
  progress: { TRIGGERED: 0, ACKNOWLEDGED: 1, RESOLVED: 2 },
  meaning: { TRIGGERED: 'open, nobody on it yet', ACKNOWLEDGED: 'someone is on it', RESOLVED: 'over' },
};
