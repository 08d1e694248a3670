import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const NO_FILE = { RELEASEGRAPH_CONFIG: '/dev/null' };

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({ ...NO_FILE });
    expect(c).toMatchObject({ port: 4000, host: '127.0.0.1', databaseUrl: undefined, redisUrl: undefined, demo: false, production: false });
    expect(c.dataDir).toBe(path.resolve('.releasegraph'));
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({ ...NO_FILE, PORT: 'eighty', DATABASE_URL: 'mysql://x', RELEASEGRAPH_ADMIN_TOKEN: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/RELEASEGRAPH_ADMIN_TOKEN: must be at least 16 characters/);
  });

  it('substitutes ${ENV} in the config file and refuses a missing variable', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-config-'));
    const file = path.join(dir, 'releasegraph.yaml');
    fs.writeFileSync(file, 'connectors:\n  - id: github\n    kind: github\n    webhookSecret: ${GH_SECRET}\n');
    expect(loadConfig({ RELEASEGRAPH_CONFIG: file, GH_SECRET: 's3cret' }).file.connectors).toEqual([{ id: 'github', kind: 'github', webhookSecret: 's3cret' }]);
    expect(() => loadConfig({ RELEASEGRAPH_CONFIG: file })).toThrow(/\$\{GH_SECRET\} is not set/);
    fs.writeFileSync(file, 'connectors:\n  - kind: github\n');
    expect(() => loadConfig({ RELEASEGRAPH_CONFIG: file })).toThrow(/connectors\.0\.id/);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a section it does not know (a misspelt one is not ignored quietly), and reads the ones it does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-config-'));
    const file = path.join(dir, 'releasegraph.yaml');
    fs.writeFileSync(file, 'notifcations:\n  - { id: ops, kind: slack, url: "https://hooks.slack.com/x" }\n');
    expect(() => loadConfig({ RELEASEGRAPH_CONFIG: file })).toThrow(/notifcations/);
    fs.writeFileSync(file, 'verification: { interval: 10s, rollback: { PROD: automatic } }\nstabilization: { duration: 48h, owners: { pay: [ada] } }\n');
    const { file: parsed } = loadConfig({ RELEASEGRAPH_CONFIG: file });
    expect(parsed.verification).toMatchObject({ interval: 10_000, rollback: { PROD: 'automatic' } });
    expect(parsed.stabilization).toMatchObject({ duration: 48 * 3_600_000, owners: { pay: ['ada'] } });
    fs.rmSync(dir, { recursive: true });
  });
});
