import crypto from 'node:crypto';
import type { DemoRepos } from './git-repos.js';
import { CONVERSION_METRIC, CONVERSION_QUERY } from './prometheus-endpoint.js';
import { ESCALATION_TARGETS, SHOP } from './shop.js';
import { JIRA_FIELDS } from './story.js';
import { WEBHOOK_CONNECTORS } from './vendors.js';

/*
 * What the demo hands the hub: a config file the hub reads under its own (RELEASEGRAPH_CONFIG_DEFAULTS),
 * with the demo's connectors and the demo's pace. The hub takes a section from it only when its own
 * config file does not give that section, and a connector only when its own file declares none with
 * that id: what an operator configured stays as configured.
 */

/** The verification, SLO, spike and stabilization rounds: twice per story step, at least every second, at most the default 30 s. */
export const demoRoundMs = (stepMs: number) => Math.min(30_000, Math.max(1000, 2 * stepMs));

/** How often the demo's polled connectors (git, Prometheus) read: about a step, between 1 and 2 s. */
const pollMs = (stepMs: number) => Math.min(2000, Math.max(1000, stepMs));

/** The environment variable that carries a webhook connector's secret to the hub (`${NAME}` in the file). */
const secretVariable = (connectorId: string) => `RELEASEGRAPH_DEMO_SECRET_${connectorId.replace(/^demo-/, '').toUpperCase()}`;

export interface DemoHubConfig {
  /** The config file's content (JSON, which the hub reads as YAML). */
  file: Record<string, unknown>;
  /** The webhook secret of each signed connector, made for this run, by connector id. */
  secrets: Record<string, string>;
  /** The environment the hub needs to read the file: the secrets, by the names the file substitutes. */
  env: Record<string, string>;
}

/**
 * The demo's connectors — each webhook one with a secret made for this run, passed by environment
 * rather than written to disk — and the after-the-deploy sections at the demo's pace. A story step
 * takes seconds, so the rounds, stabilization windows and escalation levels (hours and minutes by
 * default) are scaled to the step.
 */
export function demoHubConfig(stepMs: number, sources: { repos: DemoRepos; jiraUrl: string; prometheusUrl: string }): DemoHubConfig {
  const poll = pollMs(stepMs);
  const secrets: Record<string, string> = {};
  const env: Record<string, string> = {};
  const signed = (id: string) => {
    secrets[id] = crypto.randomBytes(24).toString('hex');
    env[secretVariable(id)] = secrets[id];
    return { webhookSecret: `\${${secretVariable(id)}}` };
  };
  const connectors = [
    { id: WEBHOOK_CONNECTORS.github, kind: 'github', ...signed(WEBHOOK_CONNECTORS.github) },
    { id: WEBHOOK_CONNECTORS.pagerduty, kind: 'pagerduty', ...signed(WEBHOOK_CONNECTORS.pagerduty) },
    {
      id: WEBHOOK_CONNECTORS.jira,
      kind: 'jira',
      ...signed(WEBHOOK_CONNECTORS.jira),
      baseUrl: sources.jiraUrl,
      email: 'demo@example.com',
      apiToken: 'demo',
      projects: ['OPS'],
      pollInterval: '1h',
      customFields: JIRA_FIELDS,
    },
    ...Object.values(SHOP).map((s) => ({
      id: `demo-git-${s.name}`,
      kind: 'git',
      repository: sources.repos.dir(s.name),
      name: `demo/${s.name}`,
      branch: 'main',
      pollInterval: poll,
    })),
    {
      id: 'demo-prometheus',
      kind: 'prometheus',
      baseUrl: sources.prometheusUrl,
      step: '1s',
      lookback: '5m',
      pollInterval: poll,
      kpis: [{ metric: CONVERSION_METRIC, query: CONVERSION_QUERY }],
    },
  ];
  // A window long enough for a bad release to be caught, paged and rolled back inside it.
  const windowMs = Math.max(60_000, 40 * stepMs);
  const file = {
    connectors,
    // Deployments are evaluated while their window is open, not for 72 hours (the loop deploys all day).
    verification: { interval: demoRoundMs(stepMs), stabilization: windowMs },
    stabilization: {
      duration: windowMs,
      extension: 10 * stepMs,
      owners: Object.fromEntries(Object.values(SHOP).map((s) => [s.name, s.owners])),
      // An unacknowledged page climbs a level every four steps.
      escalation: ESCALATION_TARGETS.map((to, level) => ({ after: level * 4 * stepMs, to })),
    },
  };
  return { file, secrets, env };
}
