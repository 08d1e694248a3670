import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Webhook deliveries already processed, written in the same transaction as the rows they produced:
 * the same delivery posted again (or a hundred times at once) finds its id here and writes nothing.
 */
@Entity({ name: 'webhook_delivery' })
export class WebhookDelivery {
  @PrimaryColumn({ type: 'text' })
  connectorId!: string;

  @PrimaryColumn({ type: 'text' })
  deliveryId!: string;

  @Column({ type: 'text' })
  event!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  receivedAt!: Date;
}
