import { EventConsumerCursor, NotificationDelivery } from './notification.entity.js';

/** Notifications to Slack, Teams and webhooks; the event consumers' cursors. */
export const entities = [NotificationDelivery, EventConsumerCursor];
export const resolvers = [] as const;
