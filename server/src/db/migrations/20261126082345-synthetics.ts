import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Synthetics20261126082345 implements MigrationInterface {
  name = 'Synthetics20261126082345';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "synthetic_result" ("id" BIGSERIAL NOT NULL, "check_id" text NOT NULL, "deployment_id" text NOT NULL, "ok" boolean NOT NULL, "status" integer, "duration_ms" double precision NOT NULL, "trace_id" text NOT NULL, "error" text, "at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_98c513f3679065bdd61f654cf14" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "synthetic_result_deployment_idx" ON "synthetic_result"  ("deployment_id", "at") `);
    await q.query(`ALTER TABLE "synthetic_result" ADD CONSTRAINT "synthetic_result_deployment_fk" FOREIGN KEY ("deployment_id") REFERENCES "deployment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "synthetic_result" DROP CONSTRAINT "synthetic_result_deployment_fk"`);
    await q.query(`DROP INDEX "public"."synthetic_result_deployment_idx"`);
    await q.query(`DROP TABLE "synthetic_result"`);
  }
}
