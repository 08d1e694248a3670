import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WebhookDeliveries20261126070850 implements MigrationInterface {
  name = 'WebhookDeliveries20261126070850';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "webhook_delivery" ("connector_id" text NOT NULL, "delivery_id" text NOT NULL, "event" text NOT NULL, "received_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_491b74d6b84f76266295772d533" PRIMARY KEY ("connector_id", "delivery_id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_delivery"`);
  }
}
