import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Slos20261126081950 implements MigrationInterface {
  name = 'Slos20261126081950';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "slo" ("id" text NOT NULL, "origin_connector" text NOT NULL DEFAULT 'api', "origin_entity" text, "origin_id" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "name" text NOT NULL, "service_id" text NOT NULL, "environment_id" text NOT NULL, "objective" double precision NOT NULL, "window_days" integer NOT NULL DEFAULT '30', "sli" text NOT NULL DEFAULT 'AVAILABILITY', "latency_threshold_ms" double precision, "firing" text array NOT NULL DEFAULT '{}', CONSTRAINT "slo_sli_check" CHECK ("sli" IN ('AVAILABILITY', 'LATENCY')), CONSTRAINT "slo_window_check" CHECK ("window_days" BETWEEN 1 AND 90), CONSTRAINT "slo_objective_check" CHECK ("objective" > 0 AND "objective" < 1), CONSTRAINT "PK_28a66f6ea63ff3eaac535e73a31" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "slo_service_idx" ON "slo"  ("service_id") `);
    await q.query(`CREATE INDEX "slo_environment_idx" ON "slo"  ("environment_id") `);
    await q.query(`CREATE INDEX "slo_created_idx" ON "slo"  ("created_at", "id") `);
    await q.query(`ALTER TABLE "slo" ADD CONSTRAINT "slo_service_fk" FOREIGN KEY ("service_id") REFERENCES "service"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "slo" ADD CONSTRAINT "slo_environment_fk" FOREIGN KEY ("environment_id") REFERENCES "environment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "slo" DROP CONSTRAINT "slo_environment_fk"`);
    await q.query(`ALTER TABLE "slo" DROP CONSTRAINT "slo_service_fk"`);
    await q.query(`DROP INDEX "public"."slo_created_idx"`);
    await q.query(`DROP INDEX "public"."slo_environment_idx"`);
    await q.query(`DROP INDEX "public"."slo_service_idx"`);
    await q.query(`DROP TABLE "slo"`);
  }
}
