import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '@releasegraph/server';
import { startEmbeddedPostgres } from '@releasegraph/server/embedded';

const MACHINE_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Tests need a PostgreSQL server to create their throwaway databases on: TEST_DATABASE_URL, else
 * the machine's on 5432, else an embedded one started for this run (so a fresh clone with only
 * Node.js and npm can run the suite).
 */
export async function setup(): Promise<() => Promise<void>> {
  if (process.env.TEST_DATABASE_URL) return async () => undefined;
  if (await reachable(MACHINE_POSTGRES)) {
    process.env.TEST_DATABASE_URL = MACHINE_POSTGRES;
    return async () => undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegraph-test-pg-'));
  fs.chmodSync(dir, 0o755);
  const embedded = await startEmbeddedPostgres(dir, createLogger('warn'));
  const url = new URL(embedded.url);
  url.pathname = '/postgres';
  process.env.TEST_DATABASE_URL = url.toString();
  console.log(`tests use an embedded PostgreSQL (no server on 127.0.0.1:5432): ${dir}`);
  return async () => {
    await embedded.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
