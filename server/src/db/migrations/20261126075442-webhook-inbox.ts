import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WebhookInbox20261126075442 implements MigrationInterface {
  name = 'WebhookInbox20261126075442';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "webhook_delivery" ADD "status" text NOT NULL DEFAULT 'processed'`);
    await q.query(`ALTER TABLE "webhook_delivery" ADD "records" jsonb`);
    await q.query(`ALTER TABLE "webhook_delivery" ADD "processed_at" TIMESTAMP(3) WITH TIME ZONE`);
    await q.query(`CREATE INDEX "webhook_delivery_pending_idx" ON "webhook_delivery"  ("received_at") WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."webhook_delivery_pending_idx"`);
    await q.query(`ALTER TABLE "webhook_delivery" DROP COLUMN "processed_at"`);
    await q.query(`ALTER TABLE "webhook_delivery" DROP COLUMN "records"`);
    await q.query(`ALTER TABLE "webhook_delivery" DROP COLUMN "status"`);
  }
}
