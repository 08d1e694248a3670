import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The event log's consumers (the notifier, the stabilization round) share one cursor table, named for what it is; their cursors are kept. */
export class EventConsumerCursor20261206053822 implements MigrationInterface {
  name = 'EventConsumerCursor20261206053822';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notifier_cursor" RENAME TO "event_consumer_cursor"`);
    await q.query(`ALTER TABLE "event_consumer_cursor" RENAME COLUMN "id" TO "consumer"`);
    await q.query(`ALTER TABLE "event_consumer_cursor" RENAME CONSTRAINT "PK_1685164979a2b6de25aed6d32b5" TO "PK_a4de2e7f148753ecf7f1b806a42"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "event_consumer_cursor" RENAME CONSTRAINT "PK_a4de2e7f148753ecf7f1b806a42" TO "PK_1685164979a2b6de25aed6d32b5"`);
    await q.query(`ALTER TABLE "event_consumer_cursor" RENAME COLUMN "consumer" TO "id"`);
    await q.query(`ALTER TABLE "event_consumer_cursor" RENAME TO "notifier_cursor"`);
  }
}
