import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from '../logger.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import { SnakeNamingStrategy } from './naming.js';
import { installFastTimestampParser } from './pg-types.js';

/**
 * Counts SQL statements: in all, and per HTTP request (an AsyncLocalStorage scope), so the N+1
 * guard can see what one GraphQL operation cost and /metrics can export both.
 */
export class SqlStatementCounter {
  count = 0;
  private readonly scope = new AsyncLocalStorage<{ count: number }>();
  private readonly statementListeners: Array<() => void> = [];
  private readonly requestListeners: Array<(statements: number, path: string) => void> = [];

  onStatement(listener: () => void): void {
    this.statementListeners.push(listener);
  }

  /** Called with the statements each tracked request made, when it finishes. */
  onRequest(listener: (statements: number, path: string) => void): () => void {
    this.requestListeners.push(listener);
    return () => {
      const at = this.requestListeners.indexOf(listener);
      if (at >= 0) this.requestListeners.splice(at, 1); // a second call must not remove another listener
    };
  }

  record(): void {
    this.count++;
    const scoped = this.scope.getStore();
    if (scoped) scoped.count++;
    for (const l of this.statementListeners) l();
  }

  /** Runs `fn` (and everything it starts) as one request; `finish` reports its statements. */
  track(fn: () => void): { finish: (path: string) => void } {
    const store = { count: 0 };
    this.scope.run(store, fn);
    return { finish: (path) => this.requestListeners.forEach((l) => l(store.count, path)) };
  }
}

class CountingLogger implements TypeOrmLogger {
  constructor(
    private readonly counter: SqlStatementCounter,
    private readonly logger: Logger,
  ) {}
  logQuery(query: string): void {
    this.counter.record();
    if (this.logger.isLevelEnabled('trace')) this.logger.trace({ query }, 'sql');
  }
  logQueryError(error: string | Error, query: string): void {
    this.logger.debug({ err: error, query }, 'sql failed');
  }
  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ time, query: query.slice(0, 500) }, 'slow sql');
  }
  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }
  logMigration(message: string): void {
    this.logger.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ message }, 'typeorm');
    else this.logger.debug({ message }, 'typeorm');
  }
}

export interface DataSourceOptions {
  url: string;
  logger: Logger;
  counter?: SqlStatementCounter;
  poolSize?: number;
}

export function createDataSource({ url, logger, counter = new SqlStatementCounter(), poolSize = 10 }: DataSourceOptions): DataSource {
  installFastTimestampParser();
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    logging: ['query', 'error', 'warn', 'migration'],
    logger: new CountingLogger(counter, logger),
    maxQueryExecutionTime: 1000,
    extra: { max: poolSize, application_name: 'releasegraph', options: '-c timezone=UTC' },
  });
}

const MIGRATION_LOCK = 0x5247_4d31; // "RGM1": one instance migrates at a time

/** Applies pending migrations; several hubs starting together take turns on an advisory lock. */
export async function migrate(db: DataSource): Promise<void> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await db.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
