import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TelemetryAndConnectors20261126073542 implements MigrationInterface {
  name = 'TelemetryAndConnectors20261126073542';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "connector_cursor" ("connector_id" text NOT NULL, "stream" text NOT NULL, "cursor" text, "newest_at" TIMESTAMP(3) WITH TIME ZONE, "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_13ad12489026cb849f120645e97" PRIMARY KEY ("connector_id", "stream"))`);
    await q.query(`CREATE TABLE "connector_state" ("connector_id" text NOT NULL, "status" text NOT NULL, "last_success_at" TIMESTAMP(3) WITH TIME ZONE, "last_error" text, "last_error_at" TIMESTAMP(3) WITH TIME ZONE, "consecutive_failures" integer NOT NULL DEFAULT '0', "circuit_open_until" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_5bcf6f3ea5cf763c1aacc4976f8" PRIMARY KEY ("connector_id"))`);
    await q.query(`CREATE TABLE "dead_letter" ("id" BIGSERIAL NOT NULL, "connector_id" text NOT NULL, "source" text NOT NULL, "payload" jsonb NOT NULL, "error" text NOT NULL, "failed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "replay_attempts" integer NOT NULL DEFAULT '0', "replayed_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_e51e9e534cd18984b2aad76403c" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "dead_letter_connector_idx" ON "dead_letter"  ("connector_id", "failed_at") `);
    await q.query(`CREATE TABLE "span" ("trace_id" text NOT NULL, "span_id" text NOT NULL, "parent_span_id" text, "service" text NOT NULL, "version" text NOT NULL, "environment" text NOT NULL, "name" text NOT NULL, "kind" smallint NOT NULL, "status_code" smallint NOT NULL, "status_message" text, "start_time" TIMESTAMP WITH TIME ZONE NOT NULL, "duration_ms" double precision NOT NULL, "is_error" boolean NOT NULL, "attributes" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_7cf99097026769f9e6c9bf5c8b7" PRIMARY KEY ("trace_id", "span_id"))`);
    await q.query(`CREATE INDEX "span_error_idx" ON "span"  ("service", "version", "start_time") WHERE "is_error"`);
    await q.query(`CREATE INDEX "span_start_time_idx" ON "span"  ("start_time") `);
    await q.query(`CREATE TABLE "error_trace" ("trace_id" text NOT NULL, "first_error_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_0aa7fe7bbb9c3079f2ee8a0ad40" PRIMARY KEY ("trace_id"))`);
    await q.query(`CREATE INDEX "error_trace_first_error_idx" ON "error_trace"  ("first_error_at") `);
    await q.query(`CREATE TABLE "span_rollup" ("minute" TIMESTAMP(0) WITH TIME ZONE NOT NULL, "service" text NOT NULL, "version" text NOT NULL, "environment" text NOT NULL, "bucket" smallint NOT NULL, "spans" bigint NOT NULL, "errors" bigint NOT NULL, "duration_sum_ms" double precision NOT NULL, CONSTRAINT "PK_9e9b6e429db0d981d3287c0e1f8" PRIMARY KEY ("minute", "service", "version", "environment", "bucket"))`);
    await q.query(`CREATE INDEX "span_rollup_series_idx" ON "span_rollup"  ("service", "environment", "version", "minute") `);
    await q.query(`CREATE TABLE "log_record" ("id" text NOT NULL, "trace_id" text NOT NULL, "span_id" text, "service" text NOT NULL, "version" text NOT NULL, "environment" text NOT NULL, "time" TIMESTAMP WITH TIME ZONE NOT NULL, "severity_number" smallint NOT NULL, "severity_text" text, "body" text, "attributes" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_143b158600638071e74ffad3db8" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "log_record_time_idx" ON "log_record"  ("time") `);
    await q.query(`CREATE INDEX "log_record_trace_idx" ON "log_record"  ("trace_id") `);
    await q.query(`CREATE TABLE "telemetry_version" ("service" text NOT NULL, "version" text NOT NULL, "environment" text NOT NULL, "first_seen_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_095d334d6a81821d747d4fa88a3" PRIMARY KEY ("service", "version", "environment"))`);
    await q.query(`CREATE TABLE "kpi_sample" ("metric" text NOT NULL, "service" text NOT NULL, "environment" text NOT NULL, "version" text NOT NULL, "at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "value" double precision NOT NULL, "connector_id" text NOT NULL, CONSTRAINT "PK_4bcd1e895fc7b9deeff11b814db" PRIMARY KEY ("metric", "service", "environment", "version", "at"))`);
    await q.query(`CREATE INDEX "kpi_sample_at_idx" ON "kpi_sample"  ("at") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."kpi_sample_at_idx"`);
    await q.query(`DROP TABLE "kpi_sample"`);
    await q.query(`DROP TABLE "telemetry_version"`);
    await q.query(`DROP INDEX "public"."log_record_trace_idx"`);
    await q.query(`DROP INDEX "public"."log_record_time_idx"`);
    await q.query(`DROP TABLE "log_record"`);
    await q.query(`DROP INDEX "public"."span_rollup_series_idx"`);
    await q.query(`DROP TABLE "span_rollup"`);
    await q.query(`DROP INDEX "public"."error_trace_first_error_idx"`);
    await q.query(`DROP TABLE "error_trace"`);
    await q.query(`DROP INDEX "public"."span_start_time_idx"`);
    await q.query(`DROP INDEX "public"."span_error_idx"`);
    await q.query(`DROP TABLE "span"`);
    await q.query(`DROP INDEX "public"."dead_letter_connector_idx"`);
    await q.query(`DROP TABLE "dead_letter"`);
    await q.query(`DROP TABLE "connector_state"`);
    await q.query(`DROP TABLE "connector_cursor"`);
  }
}
