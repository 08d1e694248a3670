import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where a delivery is: waiting for the processor, or done with (and how). */
export type DeliveryStatus = 'pending' | 'processed' | 'ignored' | 'dead_lettered';

/**
 * The webhook inbox, the raw layer of webhooks. A delivery is verified and named (pure, fast), then
 * stored here as received — the body byte for byte, the headers its converter reads — before it is
 * acknowledged, keyed by its delivery id, so the same delivery posted again (or a hundred times at
 * once) finds its id and is not stored twice. The processor converts the kept body with the
 * connector's converter and writes the records in the same transaction that marks it processed; a
 * replayed dead letter is converted again from the same body. Credentials that arrive in headers
 * (signatures, tokens, `Authorization`, cookies) are never kept.
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

  /** The body as received (null for deliveries ignored at the door, and rows from before the raw layer). */
  @Column({ type: 'bytea', nullable: true })
  rawBody!: Buffer | null;

  /** The request headers the converter reads (lower-case names); never credentials. */
  @Column({ type: 'jsonb', nullable: true })
  headers!: Record<string, string> | null;

  /** Converted records of a row stored before the raw layer, until it is processed; no longer written. */
  @Column({ type: 'jsonb', nullable: true })
  records!: unknown;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  processedAt!: Date | null;
}
