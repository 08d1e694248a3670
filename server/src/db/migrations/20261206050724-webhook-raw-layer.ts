import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The webhook inbox keeps each accepted delivery's body as received (bytes) and the headers its
 * converter reads, so deliveries are converted when processed and again when replayed. Rows written
 * before keep their `records` (and no body) and are processed from those.
 */
export class WebhookRawLayer20261206050724 implements MigrationInterface {
  name = 'WebhookRawLayer20261206050724';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "webhook_delivery" ADD "raw_body" bytea`);
    await q.query(`ALTER TABLE "webhook_delivery" ADD "headers" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "webhook_delivery" DROP COLUMN "headers"`);
    await q.query(`ALTER TABLE "webhook_delivery" DROP COLUMN "raw_body"`);
  }
}
