/**
 * Writes the schema to schema/schema.graphql, and the event catalogue and state machines to docs/;
 * with --check, fails when a committed file is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventCatalogueMarkdown, stateMachinesMarkdown } from './events/catalogue-docs.js';
import { printReleaseGraphSchema } from './graphql/schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outputs: Array<[string, string]> = [
  ['schema/schema.graphql', await printReleaseGraphSchema()],
  ['docs/events.md', eventCatalogueMarkdown()],
  ['docs/state-machines.md', stateMachinesMarkdown()],
];
if (process.argv.includes('--check')) {
  let stale = false;
  for (const [file, content] of outputs) {
    const target = path.join(root, file);
    const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (committed !== content) {
      console.error(`${file} is stale: run \`pnpm schema:emit\` and commit the result.`);
      stale = true;
    }
  }
  if (stale) process.exit(1);
  console.log(`${outputs.map(([f]) => f).join(', ')} are up to date`);
} else {
  for (const [file, content] of outputs) {
    fs.writeFileSync(path.join(root, file), content);
    console.log(`wrote ${file}`);
  }
}
