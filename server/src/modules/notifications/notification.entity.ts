import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type NotificationStatus = 'pending' | 'sent' | 'failed';

/** One release event to one notification channel: sent, waiting for its next attempt, or given up on. */
@Entity({ name: 'notification_delivery' })
@Index('notification_delivery_due_idx', ['nextAttemptAt'], { where: "status = 'pending'" })
export class NotificationDelivery {
  @PrimaryColumn({ type: 'bigint' })
  eventId!: string;

  @PrimaryColumn({ type: 'text' })
  channelId!: string;

  @Column({ type: 'text', default: 'pending' })
  status!: NotificationStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  sentAt!: Date | null;
}

/** How far each consumer of the event log (the notifier, the stabilization round) has read it. */
@Entity({ name: 'event_consumer_cursor' })
export class EventConsumerCursor {
  @PrimaryColumn({ type: 'text' })
  consumer!: string;

  @Column({ type: 'bigint' })
  lastEventId!: string;
}
