import { describe, expect, it } from 'vitest';
import { DemoRepos } from './git-repos.js';
import { demoHubConfig, demoRoundMs } from './hub-config.js';

const sources = { repos: new DemoRepos('/tmp/demo-git'), jiraUrl: 'http://127.0.0.1:1', prometheusUrl: 'http://127.0.0.1:2' };

describe('the config the demo hands the hub', () => {
  it('scales rounds, windows and escalation levels to the step', () => {
    const { file } = demoHubConfig(4000, sources);
    expect(file.verification).toEqual({ interval: 8000, stabilization: 160_000 });
    expect(file.stabilization).toMatchObject({
      duration: 160_000,
      extension: 40_000,
      owners: { checkout: ['ana', 'ben'], search: ['chen', 'dara'], payments: ['eve', 'finn'] },
      escalation: [
        { after: 0, to: 'owner' },
        { after: 16_000, to: 'team-lead' },
        { after: 32_000, to: 'engineering-manager' },
      ],
    });
    // A fast story still gives a bad release a minute to be caught; rounds stay between 1 s and 30 s.
    expect((demoHubConfig(150, sources).file.stabilization as { duration: number }).duration).toBe(60_000);
    expect([demoRoundMs(150), demoRoundMs(4000), demoRoundMs(60_000)]).toEqual([1000, 8000, 30_000]);
  });

  it('names a connector per source, and passes webhook secrets by environment, never in the file', () => {
    const { file, secrets, env } = demoHubConfig(4000, sources);
    const connectors = file.connectors as Array<{ id: string; kind: string; webhookSecret?: string }>;
    expect(connectors.map((c) => `${c.id}:${c.kind}`)).toEqual([
      'demo-github:github',
      'demo-pagerduty:pagerduty',
      'demo-jira:jira',
      'demo-git-checkout:git',
      'demo-git-search:git',
      'demo-git-payments:git',
      'demo-prometheus:prometheus',
    ]);
    expect(JSON.stringify(file)).not.toContain(secrets['demo-github']!);
    for (const c of connectors.filter((c) => c.webhookSecret)) {
      const variable = /^\$\{(\w+)\}$/.exec(c.webhookSecret!)![1]!;
      expect(env[variable]).toBe(secrets[c.id]);
    }
    // A new secret each run.
    expect(demoHubConfig(4000, sources).secrets['demo-github']).not.toBe(secrets['demo-github']);
  });
});
