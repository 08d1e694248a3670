import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const NO_FILE = { RELEASEGRAPH_CONFIG: '/dev/null' };

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({ ...NO_FILE });
    expect(c).toMatchObject({ port: 4000, host: '127.0.0.1', databaseUrl: undefined, redisUrl: undefined, production: false });
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

  it('layers the config file over RELEASEGRAPH_CONFIG_DEFAULTS: its sections and connector ids win, the rest joins', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-config-'));
    const file = path.join(dir, 'releasegraph.yaml');
    const defaults = path.join(dir, 'defaults.yaml');
    fs.writeFileSync(file, 'connectors:\n  - { id: github, kind: github, webhookSecret: mine }\nverification:\n  interval: 5m\n');
    fs.writeFileSync(
      defaults,
      [
        'connectors:',
        '  - { id: github, kind: github, webhookSecret: ${THEIRS} }',
        '  - { id: pagerduty, kind: pagerduty, webhookSecret: ${THEIRS} }',
        'verification:',
        '  interval: 2s',
        'stabilization:',
        '  duration: 1m',
        '',
      ].join('\n'),
    );
    const c = loadConfig({ RELEASEGRAPH_CONFIG: file, RELEASEGRAPH_CONFIG_DEFAULTS: defaults, THEIRS: 'theirs' });
    expect(c.file.connectors).toEqual([
      { id: 'github', kind: 'github', webhookSecret: 'mine' },
      { id: 'pagerduty', kind: 'pagerduty', webhookSecret: 'theirs' },
    ]);
    expect(c.connectors.map((x) => x.config.id)).toEqual(['github', 'pagerduty']);
    expect(c.file.verification.interval).toBe(300_000);
    expect(c.file.stabilization.duration).toBe(60_000);
    // Without the defaults file, the built-in defaults.
    expect(loadConfig({ RELEASEGRAPH_CONFIG: file }).file.stabilization.duration).toBe(72 * 3_600_000);
    expect(() => loadConfig({ RELEASEGRAPH_CONFIG: file, RELEASEGRAPH_CONFIG_DEFAULTS: path.join(dir, 'missing.yaml') })).toThrow(
      /RELEASEGRAPH_CONFIG_DEFAULTS: cannot read/,
    );
    fs.rmSync(dir, { recursive: true });
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

  describe('environments and changeKeys', () => {
    const withFile = (text: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-config-'));
      const file = path.join(dir, 'releasegraph.yaml');
      fs.writeFileSync(file, text);
      try {
        return loadConfig({ RELEASEGRAPH_CONFIG: file });
      } finally {
        fs.rmSync(dir, { recursive: true });
      }
    };
    const problemsOf = (text: string): string => {
      try {
        withFile(text);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.join('\n');
        throw error;
      }
      throw new Error('the config was accepted');
    };

    it('default to no tier overrides and no prefixes', () => {
      expect(loadConfig({ ...NO_FILE }).file).toMatchObject({ environments: { tiers: [] }, changeKeys: { prefixes: [] } });
    });

    it('read tier overrides in order and key prefixes', () => {
      const { file } = withFile(
        'environments:\n  tiers:\n    - { match: payments-canary, tier: STAGING }\n    - { match: "eu-*", tier: PROD }\nchangeKeys: { prefixes: [OPS, CHG, PAY_EU] }\n',
      );
      expect(file.environments.tiers).toEqual([
        { match: 'payments-canary', tier: 'STAGING' },
        { match: 'eu-*', tier: 'PROD' },
      ]);
      expect(file.changeKeys.prefixes).toEqual(['OPS', 'CHG', 'PAY_EU']);
    });

    it('say what is wrong with a tier, a match or a prefix, all at once', () => {
      const problems = problemsOf(
        'environments:\n  tiers:\n    - { match: qa-eu, tier: prod }\n    - { match: "", tier: TEST }\n    - { match: x, teir: DEV }\nchangeKeys: { prefixes: [ops, OPS-, O, OK] }\n',
      );
      expect(problems).toMatch(/environments\.tiers\.0\.tier: must be one of PROD, STAGING, TEST, DEV \(upper case\), not "prod"/);
      expect(problems).toMatch(/environments\.tiers\.1\.match: must be an environment name or a glob/);
      expect(problems).toMatch(/environments\.tiers\.2: Unrecognized key: "teir"/);
      expect(problems).toMatch(/environments\.tiers\.2\.tier: must be one of PROD, STAGING, TEST, DEV \(upper case\)$/m);
      for (const i of [0, 1, 2]) expect(problems).toMatch(new RegExp(`changeKeys\\.prefixes\\.${i}: must be a key prefix like OPS`));
      expect(problems).not.toMatch(/changeKeys\.prefixes\.3/);
    });

    it('refuse a match given twice (the second would never apply)', () => {
      expect(problemsOf('environments:\n  tiers:\n    - { match: qa-eu, tier: TEST }\n    - { match: QA-EU, tier: DEV }\n')).toMatch(
        /environments\.tiers\.1\.match: "QA-EU" is given twice; only the first applies/,
      );
    });

    it('refuse a misspelt key inside the sections (it would be ignored quietly otherwise)', () => {
      expect(problemsOf('changeKeys: { prefix: [OPS] }\n')).toMatch(/changeKeys.*prefix/);
      expect(problemsOf('environments: { tier: [] }\n')).toMatch(/environments.*tier/);
    });
  });
});
