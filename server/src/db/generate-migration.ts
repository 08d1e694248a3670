/**
 * Writes a migration with the SQL that brings the database (after the existing migrations) in
 * line with the entities — TypeORM's `migration:generate`, without its CLI's module loading.
 *
 *   DATABASE_URL=postgres://…/scratch tsx src/db/generate-migration.ts AddThing
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../logger.js';
import { createDataSource, migrate } from './data-source.js';

const name = process.argv[2];
const url = process.env.DATABASE_URL;
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name) || !url) {
  console.error('usage: DATABASE_URL=<scratch database> generate-migration <PascalCaseName>');
  process.exit(2);
}
const db = createDataSource({ url, logger: createLogger('warn') });
await db.initialize();
await migrate(db);
const sql = await db.driver.createSchemaBuilder().log();
await db.destroy();
if (!sql.upQueries.length) {
  console.log('entities and migrations agree: nothing to generate');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const quote = (q: string) => '`' + q.replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${stamp} implements MigrationInterface {
  name = '${name}${stamp}';

  async up(q: QueryRunner): Promise<void> {
${sql.upQueries.map((u) => `    await q.query(${quote(u.query)});`).join('\n')}
  }

  async down(q: QueryRunner): Promise<void> {
${[...sql.downQueries]
  .reverse()
  .map((d) => `    await q.query(${quote(d.query)});`)
  .join('\n')}
  }
}
`;
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const file = path.join(dir, `${stamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.ts`);
fs.writeFileSync(file, body);
console.log(`wrote ${file}; add it to migrations/index.ts`);
