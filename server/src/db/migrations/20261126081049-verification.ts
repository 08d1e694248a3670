import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Verification20261126081049 implements MigrationInterface {
  name = 'Verification20261126081049';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "success_criterion" ("id" text NOT NULL, "origin_connector" text NOT NULL DEFAULT 'api', "origin_entity" text, "origin_id" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "metric" text NOT NULL, "comparator" text NOT NULL, "threshold" double precision NOT NULL, "window_seconds" integer NOT NULL, "min_samples" integer NOT NULL, "relative_to_previous" boolean NOT NULL DEFAULT false, "release_id" text, "service_id" text, "environment_tier" text, CONSTRAINT "success_criterion_window_check" CHECK ("window_seconds" > 0 AND "min_samples" >= 1), CONSTRAINT "success_criterion_tier_check" CHECK ("environment_tier" IN ('DEV', 'TEST', 'STAGING', 'PROD')), CONSTRAINT "success_criterion_comparator_check" CHECK ("comparator" IN ('LT', 'LTE', 'GT', 'GTE')), CONSTRAINT "PK_4d25f18f76a1584e19d5e523ff2" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "success_criterion_release_idx" ON "success_criterion"  ("release_id") `);
    await q.query(`CREATE INDEX "success_criterion_service_idx" ON "success_criterion"  ("service_id") `);
    await q.query(`CREATE INDEX "success_criterion_created_idx" ON "success_criterion"  ("created_at", "id") `);
    await q.query(`CREATE TABLE "verdict" ("id" text NOT NULL, "origin_connector" text NOT NULL DEFAULT 'api', "origin_entity" text, "origin_id" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "deployment_id" text NOT NULL, "criterion_id" text NOT NULL, "outcome" text NOT NULL, "observed" double precision, "baseline" double precision, "samples" integer NOT NULL, "evaluated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "verdict_deployment_criterion_key" UNIQUE ("deployment_id", "criterion_id"), CONSTRAINT "verdict_outcome_check" CHECK ("outcome" IN ('PASS', 'FAIL', 'INCONCLUSIVE')), CONSTRAINT "PK_b7fa52c24e787eb4e6d94b5c73f" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "verdict_criterion_idx" ON "verdict"  ("criterion_id") `);
    await q.query(`CREATE TABLE "rollback_decision" ("id" text NOT NULL, "origin_connector" text NOT NULL DEFAULT 'api', "origin_entity" text, "origin_id" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "deployment_id" text NOT NULL, "release_id" text, "mode" text NOT NULL, "status" text NOT NULL, "reason" text NOT NULL, "evidence" jsonb NOT NULL, "change_keys" text array NOT NULL DEFAULT '{}', "decided_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "decided_by" text, CONSTRAINT "rollback_decision_deployment_key" UNIQUE ("deployment_id"), CONSTRAINT "rollback_decision_status_check" CHECK ("status" IN ('RECOMMENDED', 'ROLLED_BACK', 'DISMISSED')), CONSTRAINT "rollback_decision_mode_check" CHECK ("mode" IN ('AUTOMATIC', 'RECOMMENDED')), CONSTRAINT "PK_cb526eb9fa70beabdee82f51e1c" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "rollback_decision_release_idx" ON "rollback_decision"  ("release_id") `);
    await q.query(`CREATE INDEX "rollback_decision_created_idx" ON "rollback_decision"  ("created_at", "id") `);
    await q.query(`ALTER TABLE "success_criterion" ADD CONSTRAINT "success_criterion_release_fk" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "success_criterion" ADD CONSTRAINT "success_criterion_service_fk" FOREIGN KEY ("service_id") REFERENCES "service"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "verdict" ADD CONSTRAINT "verdict_deployment_fk" FOREIGN KEY ("deployment_id") REFERENCES "deployment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "verdict" ADD CONSTRAINT "verdict_criterion_fk" FOREIGN KEY ("criterion_id") REFERENCES "success_criterion"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "rollback_decision" ADD CONSTRAINT "rollback_decision_deployment_fk" FOREIGN KEY ("deployment_id") REFERENCES "deployment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "rollback_decision" ADD CONSTRAINT "rollback_decision_release_fk" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "rollback_decision" DROP CONSTRAINT "rollback_decision_release_fk"`);
    await q.query(`ALTER TABLE "rollback_decision" DROP CONSTRAINT "rollback_decision_deployment_fk"`);
    await q.query(`ALTER TABLE "verdict" DROP CONSTRAINT "verdict_criterion_fk"`);
    await q.query(`ALTER TABLE "verdict" DROP CONSTRAINT "verdict_deployment_fk"`);
    await q.query(`ALTER TABLE "success_criterion" DROP CONSTRAINT "success_criterion_service_fk"`);
    await q.query(`ALTER TABLE "success_criterion" DROP CONSTRAINT "success_criterion_release_fk"`);
    await q.query(`DROP INDEX "public"."rollback_decision_created_idx"`);
    await q.query(`DROP INDEX "public"."rollback_decision_release_idx"`);
    await q.query(`DROP TABLE "rollback_decision"`);
    await q.query(`DROP INDEX "public"."verdict_criterion_idx"`);
    await q.query(`DROP TABLE "verdict"`);
    await q.query(`DROP INDEX "public"."success_criterion_created_idx"`);
    await q.query(`DROP INDEX "public"."success_criterion_service_idx"`);
    await q.query(`DROP INDEX "public"."success_criterion_release_idx"`);
    await q.query(`DROP TABLE "success_criterion"`);
  }
}
