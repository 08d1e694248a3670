import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RollupHours20261206050527 implements MigrationInterface {
  name = 'RollupHours20261206050527';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "span_rollup_hour" ("hour" TIMESTAMP(0) WITH TIME ZONE NOT NULL, "service" text NOT NULL, "version" text NOT NULL, "environment" text NOT NULL, "bucket" smallint NOT NULL, "spans" bigint NOT NULL, "errors" bigint NOT NULL, "duration_sum_ms" double precision NOT NULL, CONSTRAINT "PK_186de6db68be613e1e2e7a8657b" PRIMARY KEY ("hour", "service", "version", "environment", "bucket"))`);
    await q.query(`CREATE INDEX "span_rollup_hour_series_idx" ON "span_rollup_hour"  ("service", "environment", "version", "hour") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."span_rollup_hour_series_idx"`);
    await q.query(`DROP TABLE "span_rollup_hour"`);
  }
}
