import { ReleaseEventRow } from '../events/release-event.entity.js';
import { MODULES } from '../modules/index.js';

/** Every TypeORM entity of the hub: the event log's, and each module's. */
export const ENTITIES = [ReleaseEventRow, ...MODULES.flatMap((m) => m.entities)];
