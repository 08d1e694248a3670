/**
 * releasegraph token create --role <role> --name <name>
 *
 * Talks to the database the hub uses: DATABASE_URL, or the embedded PostgreSQL of
 * RELEASEGRAPH_DATA_DIR (the running one, or started for the command).
 */
import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { SqlStatementCounter, createDataSource, migrate } from './db/data-source.js';
import { embeddedUrl, runningEmbeddedPort } from './db/embedded.js';
import { createDomain } from './domain.js';
import { MemoryPubSub } from './events/pubsub.js';
import { DomainError } from './domain-errors.js';
import { openDatabase } from './hub.js';
import { createLogger } from './logger.js';
import { ROLES, parseRole } from './modules/auth/roles.js';
import type { Actor } from './write/actor.js';

const USAGE = `usage: releasegraph token create --role <${ROLES.join('|')}> --name <name>`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { role: { type: 'string' }, name: { type: 'string' } } });
  if (positionals[0] !== 'token' || positionals[1] !== 'create') {
    console.error(USAGE);
    return 2;
  }
  const role = values.role ? parseRole(values.role) : undefined;
  if (!role || !values.name) {
    console.error(values.role && !role ? `unknown role ${values.role}\n${USAGE}` : USAGE);
    return 2;
  }
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const running = config.databaseUrl ? undefined : runningEmbeddedPort(config.dataDir);
  let db;
  let embedded = null;
  if (running) {
    db = createDataSource({ url: embeddedUrl(config.dataDir, running), logger: log, counter: new SqlStatementCounter(), poolSize: 2 });
    await db.initialize();
    await migrate(db);
  } else {
    ({ db, embedded } = await openDatabase(config, log));
  }
  try {
    const domain = createDomain(db, new MemoryPubSub(), {
      afterCommit: () => undefined,
      connectors: [],
      connectorWorkRoot: path.join(config.dataDir, 'connectors'),
      log,
    });
    const actor: Actor = { id: 'cli', name: `cli:${process.env.USER ?? 'operator'}`, role };
    const { token, apiToken } = await domain.auth.createToken({ ...actor, role: parseRole('admin')! }, { name: values.name, role });
    console.log(token);
    console.error(`created token "${apiToken.name}" with role ${apiToken.role}; it is shown only once.`);
    return 0;
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof DomainError || error instanceof ConfigError) console.error(error.message);
    else console.error(error);
    process.exit(1);
  },
);
