import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, startHub } from '@releasegraph/server';
import { gqlOk } from '../src/client.js';
import { ADMIN_TOKEN } from '../src/hub.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../server/dist/cli.js');

// As root, PostgreSQL runs as user "postgres", who must be able to enter the data directory.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegraph-embedded-'));
fs.chmodSync(dataDir, 0o755);

function config() {
  return loadConfig({ PORT: '0', RELEASEGRAPH_DATA_DIR: dataDir, RELEASEGRAPH_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn', RELEASEGRAPH_CONFIG: '/dev/null' });
}

function withoutDatabaseUrl(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  return env;
}

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('without DATABASE_URL the hub runs on an embedded PostgreSQL', () => {
  it('initialises it under RELEASEGRAPH_DATA_DIR, migrates, and keeps the data across a restart', async () => {
    const first = await startHub(config(), createLogger('warn'));
    let id: string;
    try {
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      const r = await gqlOk<any>(first.url, 'mutation { createRelease(input: { name: "kept", version: "1.0.0" }) { id } }', {}, ADMIN_TOKEN);
      id = r.createRelease.id;
      // the CLI finds the running embedded PostgreSQL through the data directory
      const { stdout } = await run('node', [CLI, 'token', 'create', '--role', 'viewer', '--name', 'lobby-screen'], {
        env: { ...withoutDatabaseUrl(), RELEASEGRAPH_DATA_DIR: dataDir, RELEASEGRAPH_CONFIG: '/dev/null' },
      });
      const viewer = await gqlOk<any>(first.url, '{ viewer { name role } }', {}, stdout.trim());
      expect(viewer.viewer).toEqual({ name: 'lobby-screen', role: 'VIEWER' });
    } finally {
      await first.stop();
    }
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);

    const second = await startHub(config(), createLogger('warn'));
    try {
      const r = await gqlOk<any>(
        second.url,
        'query($id: ID!) { release(id: $id) { name version } releaseEventLog(filter: { releaseId: $id }) { edges { node { type } } } }',
        { id },
        ADMIN_TOKEN,
      );
      expect(r.release).toEqual({ name: 'kept', version: '1.0.0' });
      expect(r.releaseEventLog.edges).toEqual([{ node: { type: 'release.created' } }]);
    } finally {
      await second.stop();
    }
  });

  // Only root hands PostgreSQL to another user; CI runs as root.
  it.runIf(process.getuid?.() === 0)('says clearly when the data directory cannot be reached by the postgres user', async () => {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegraph-closed-'));
    fs.chmodSync(closed, 0o700);
    try {
      const c = loadConfig({ PORT: '0', RELEASEGRAPH_DATA_DIR: path.join(closed, 'data'), LOG_LEVEL: 'silent', RELEASEGRAPH_CONFIG: '/dev/null' });
      await expect(startHub(c, createLogger('silent'))).rejects.toThrow(/runs as user "postgres".*cannot enter/);
    } finally {
      fs.rmSync(closed, { recursive: true, force: true });
    }
  });
});
