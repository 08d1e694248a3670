import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Stabilization20261126082159 implements MigrationInterface {
  name = 'Stabilization20261126082159';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "stabilization_window" ("id" text NOT NULL, "origin_connector" text NOT NULL DEFAULT 'api', "origin_entity" text, "origin_id" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "release_id" text NOT NULL, "starts_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "status" text NOT NULL DEFAULT 'OPEN', CONSTRAINT "stabilization_window_release_key" UNIQUE ("release_id"), CONSTRAINT "stabilization_window_status_check" CHECK ("status" IN ('OPEN', 'EXTENDED', 'STABLE', 'ROLLED_BACK')), CONSTRAINT "PK_27ec83b1fbd53e58aac7cb51b31" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "stabilization_window_status_idx" ON "stabilization_window"  ("status") `);
    await q.query(`CREATE INDEX "stabilization_window_created_idx" ON "stabilization_window"  ("created_at", "id") `);
    await q.query(`CREATE TABLE "stabilization_owner" ("window_id" text NOT NULL, "service_id" text NOT NULL, "owner" text NOT NULL, "since" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_9791ab273a8a4e220e9fbc2ebe8" PRIMARY KEY ("window_id", "service_id"))`);
    await q.query(`CREATE INDEX "stabilization_owner_service_idx" ON "stabilization_owner"  ("service_id") `);
    await q.query(`CREATE TABLE "escalation" ("id" text NOT NULL, "origin_connector" text NOT NULL DEFAULT 'api', "origin_entity" text, "origin_id" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "window_id" text NOT NULL, "service_id" text, "reason" text NOT NULL, "level" integer NOT NULL DEFAULT '1', "paged" text NOT NULL, "status" text NOT NULL DEFAULT 'OPEN', "raised_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "next_escalation_at" TIMESTAMP(3) WITH TIME ZONE, "acknowledged_at" TIMESTAMP(3) WITH TIME ZONE, "acknowledged_by" text, CONSTRAINT "escalation_status_check" CHECK ("status" IN ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')), CONSTRAINT "PK_2c9a4d9277ed8620a8a72813864" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "escalation_service_idx" ON "escalation"  ("service_id") `);
    await q.query(`CREATE INDEX "escalation_due_idx" ON "escalation"  ("next_escalation_at") WHERE status = 'OPEN'`);
    await q.query(`CREATE INDEX "escalation_window_idx" ON "escalation"  ("window_id") `);
    await q.query(`ALTER TABLE "stabilization_window" ADD CONSTRAINT "stabilization_window_release_fk" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "stabilization_owner" ADD CONSTRAINT "stabilization_owner_window_fk" FOREIGN KEY ("window_id") REFERENCES "stabilization_window"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "stabilization_owner" ADD CONSTRAINT "stabilization_owner_service_fk" FOREIGN KEY ("service_id") REFERENCES "service"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "escalation" ADD CONSTRAINT "escalation_window_fk" FOREIGN KEY ("window_id") REFERENCES "stabilization_window"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "escalation" ADD CONSTRAINT "escalation_service_fk" FOREIGN KEY ("service_id") REFERENCES "service"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "escalation" DROP CONSTRAINT "escalation_service_fk"`);
    await q.query(`ALTER TABLE "escalation" DROP CONSTRAINT "escalation_window_fk"`);
    await q.query(`ALTER TABLE "stabilization_owner" DROP CONSTRAINT "stabilization_owner_service_fk"`);
    await q.query(`ALTER TABLE "stabilization_owner" DROP CONSTRAINT "stabilization_owner_window_fk"`);
    await q.query(`ALTER TABLE "stabilization_window" DROP CONSTRAINT "stabilization_window_release_fk"`);
    await q.query(`DROP INDEX "public"."escalation_window_idx"`);
    await q.query(`DROP INDEX "public"."escalation_due_idx"`);
    await q.query(`DROP INDEX "public"."escalation_service_idx"`);
    await q.query(`DROP TABLE "escalation"`);
    await q.query(`DROP INDEX "public"."stabilization_owner_service_idx"`);
    await q.query(`DROP TABLE "stabilization_owner"`);
    await q.query(`DROP INDEX "public"."stabilization_window_created_idx"`);
    await q.query(`DROP INDEX "public"."stabilization_window_status_idx"`);
    await q.query(`DROP TABLE "stabilization_window"`);
  }
}
