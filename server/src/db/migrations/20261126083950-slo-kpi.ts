import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SloKpi20261126083950 implements MigrationInterface {
  name = 'SloKpi20261126083950';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "slo" ADD "kpi_metric" text`);
    await q.query(`ALTER TABLE "slo" DROP CONSTRAINT "slo_sli_check"`);
    await q.query(`ALTER TABLE "slo" ADD CONSTRAINT "slo_sli_check" CHECK ("sli" IN ('AVAILABILITY', 'LATENCY', 'KPI'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "slo" DROP CONSTRAINT "slo_sli_check"`);
    await q.query(`ALTER TABLE "slo" ADD CONSTRAINT "slo_sli_check" CHECK ("sli" IN ('AVAILABILITY', 'LATENCY'))`);
    await q.query(`ALTER TABLE "slo" DROP COLUMN "kpi_metric"`);
  }
}
