import { createLogger, loadConfig, startHub, type ConfigExtensions, type Hub } from '@releasegraph/server';
import { createTestDatabase, type TestDatabase } from './database.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestHub extends Hub {
  database: TestDatabase | null;
  /** Stops the hub and drops its database. */
  close(): Promise<void>;
}

/**
 * A real hub on a random port, on a fresh database (or one given), with an admin token; `extensions`
 * adds connector kinds beside the kit's (a test's own converter).
 */
export async function startTestHub(
  options: { databaseUrl?: string; redisUrl?: string; env?: Record<string, string>; extensions?: ConfigExtensions } = {},
): Promise<TestHub> {
  const database = options.databaseUrl ? null : await createTestDatabase();
  const config = loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl ?? database!.url,
      RELEASEGRAPH_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      RELEASEGRAPH_CONFIG: '/dev/null',
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...options.env,
    },
    options.extensions,
  );
  const hub = await startHub(config, createLogger(config.logLevel));
  return {
    ...hub,
    database,
    close: async () => {
      await hub.stop();
      await database?.drop();
    },
  };
}
