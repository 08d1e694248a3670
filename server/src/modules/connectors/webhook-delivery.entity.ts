import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where a delivery is: waiting for the processor, or done with (and how). */
export type DeliveryStatus = 'pending' | 'processed' | 'ignored' | 'dead_lettered';

/**
 * The webhook inbox. A delivery is verified and converted (pure, fast), then stored here with its
 * records before it is acknowledged, keyed by its delivery id, so the same delivery posted again (or
 * a hundred times at once) finds its id and is not stored twice. The processor writes a pending
 * delivery's records to the graph in the same transaction that marks it processed. (The raw body
 * is not kept: some senders put their shared secret in the headers.)
 */
@Entity({ name: 'webhook_delivery' })
@Index('webhook_delivery_pending_idx', ['receivedAt'], { where: "status = 'pending'" })
export class WebhookDelivery {
  @PrimaryColumn({ type: 'text' })
  connectorId!: string;

  @PrimaryColumn({ type: 'text' })
  deliveryId!: string;

  @Column({ type: 'text' })
  event!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  receivedAt!: Date;

  @Column({ type: 'text', default: 'processed' })
  status!: DeliveryStatus;

  /** The delivery's domain records (JSON), kept until it is processed. */
  @Column({ type: 'jsonb', nullable: true })
  records!: unknown;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  processedAt!: Date | null;
}
