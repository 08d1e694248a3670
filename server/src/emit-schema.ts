/**
 * Writes the schema to schema/schema.graphql; with --check, fails when the committed file is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printReleaseGraphSchema } from './graphql/schema.js';

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema/schema.graphql');
const sdl = await printReleaseGraphSchema();
if (process.argv.includes('--check')) {
  const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (committed !== sdl) {
    console.error(`${target} is stale: run \`pnpm schema:emit\` and commit the result.`);
    process.exit(1);
  }
  console.log('schema/schema.graphql is up to date');
} else {
  fs.writeFileSync(target, sdl);
  console.log(`wrote ${target}`);
}
