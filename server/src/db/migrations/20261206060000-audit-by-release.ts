import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Audit entries carry the release and the change they concern, so a release's or a change's whole trail is one indexed read. */
export class AuditByRelease20261206060000 implements MigrationInterface {
  name = 'AuditByRelease20261206060000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "audit_entry" ADD "release_id" text`);
    await q.query(`ALTER TABLE "audit_entry" ADD "change_id" text`);
    await q.query(`CREATE INDEX "audit_entry_release_idx" ON "audit_entry" ("release_id", "seq") `);
    await q.query(`CREATE INDEX "audit_entry_change_idx" ON "audit_entry" ("change_id", "seq") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."audit_entry_change_idx"`);
    await q.query(`DROP INDEX "public"."audit_entry_release_idx"`);
    await q.query(`ALTER TABLE "audit_entry" DROP COLUMN "change_id"`);
    await q.query(`ALTER TABLE "audit_entry" DROP COLUMN "release_id"`);
  }
}
