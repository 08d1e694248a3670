import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications20261126081658 implements MigrationInterface {
  name = 'Notifications20261126081658';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "notification_delivery" ("event_id" bigint NOT NULL, "channel_id" text NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "last_error" text, "sent_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_70bb3163130b0d5595c272fe4dc" PRIMARY KEY ("event_id", "channel_id"))`);
    await q.query(`CREATE INDEX "notification_delivery_due_idx" ON "notification_delivery"  ("next_attempt_at") WHERE status = 'pending'`);
    await q.query(`CREATE TABLE "notifier_cursor" ("id" text NOT NULL, "last_event_id" bigint NOT NULL, CONSTRAINT "PK_1685164979a2b6de25aed6d32b5" PRIMARY KEY ("id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "notifier_cursor"`);
    await q.query(`DROP INDEX "public"."notification_delivery_due_idx"`);
    await q.query(`DROP TABLE "notification_delivery"`);
  }
}
