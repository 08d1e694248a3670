import { ConnectorCursor, ConnectorState, DeadLetter } from './connector-state.entity.js';
import { ConnectorResolver } from './connector.resolver.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';

/** The connector runtime: webhook inbox, polls, cursors, health, dead letters. */
export const entities = [WebhookDelivery, ConnectorCursor, ConnectorState, DeadLetter];
export const resolvers = [ConnectorResolver] as const;
