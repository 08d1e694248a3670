import crypto from 'node:crypto';
import path from 'node:path';
import { CONNECTOR_KINDS, DEFAULT_RETRY } from '@releasegraph/connectors';
import type { HubConfig } from '../config.js';
import type { Domain } from '../domain.js';
import type { Logger } from '../logger.js';
import type { ConfiguredConnector } from '../modules/connectors/connector-config.js';
import { DemoRepos } from './git-repos.js';
import { ShopTraffic } from './otel-services.js';
import { CONVERSION_METRIC, CONVERSION_QUERY, KpiCounters, startPrometheusEndpoint } from './prometheus-endpoint.js';
import { SHOP, type ServiceName } from './shop.js';
import { JIRA_FIELDS, Story, type StoryStart } from './story.js';
import { demoToken } from './token.js';
import { HubClient, startJiraSite, WEBHOOK_CONNECTORS } from './vendors.js';

export { demoPace } from './pace.js';

/*
 * The demo estate (RELEASEGRAPH_DEMO=1): a small web shop on loopback that speaks the real
 * protocols to the hub's real connectors, so a first start shows a living release hub — GraphQL for
 * planning and decisions; signed Jira, GitHub and PagerDuty webhooks for changes, builds,
 * deployments and pages; git repositories in the data directory for commits and tags; the
 * OpenTelemetry SDK for traces and logs; a Prometheus API for the business KPI. Nothing writes to
 * the database behind the connectors' backs.
 */

export interface DemoSetup {
  configs: ConfiguredConnector[];
  secrets: Record<string, string>;
  repos: DemoRepos;
  counters: KpiCounters;
  /** The demo's own files: its git repositories and its API token. */
  dir: string;
  close(): Promise<void>;
}

/** How often the demo's polled connectors (git, Prometheus) read: about a step, between 1 and 2 s. */
const pollMs = (stepMs: number) => Math.min(2000, Math.max(1000, stepMs));

/**
 * The demo's sources and connectors, before the hub starts them: the git repositories (created on
 * the first start, kept after), the loopback Jira and Prometheus, and a connector for each — with
 * a webhook secret made for this run — unless the config file declares one with that id.
 */
export async function prepareDemo(config: HubConfig): Promise<DemoSetup> {
  const dir = path.join(config.dataDir, 'demo');
  const repos = new DemoRepos(path.join(dir, 'git'));
  for (const service of Object.values(SHOP)) await repos.ensure(service);
  const counters = new KpiCounters();
  const jira = await startJiraSite();
  const prometheus = await startPrometheusEndpoint(counters).catch(async (error: unknown) => {
    await jira.close();
    throw error;
  });

  const poll = pollMs(config.demoStepMs);
  const connectors: Array<{ id: string; kind: string; settings: Record<string, unknown>; signed: boolean }> = [
    { id: WEBHOOK_CONNECTORS.github, kind: 'github', settings: {}, signed: true },
    { id: WEBHOOK_CONNECTORS.pagerduty, kind: 'pagerduty', settings: {}, signed: true },
    {
      id: WEBHOOK_CONNECTORS.jira,
      kind: 'jira',
      settings: { baseUrl: jira.url, email: 'demo@example.com', apiToken: 'demo', projects: ['OPS'], pollInterval: '1h', customFields: JIRA_FIELDS },
      signed: true,
    },
    ...Object.values(SHOP).map((s) => ({
      id: `demo-git-${s.name}`,
      kind: 'git',
      settings: { repository: repos.dir(s.name), name: `demo/${s.name}`, branch: 'main', pollInterval: poll },
      signed: false,
    })),
    {
      id: 'demo-prometheus',
      kind: 'prometheus',
      settings: { baseUrl: prometheus.url, step: '1s', lookback: '5m', pollInterval: poll, kpis: [{ metric: CONVERSION_METRIC, query: CONVERSION_QUERY }] },
      signed: false,
    },
  ];
  const secrets: Record<string, string> = {};
  const configs: ConfiguredConnector[] = [];
  for (const { id, kind, settings, signed } of connectors) {
    if (config.connectors.some((c) => c.config.id === id)) continue;
    if (signed) secrets[id] = crypto.randomBytes(24).toString('hex');
    const kindSpec = CONNECTOR_KINDS[kind]!;
    configs.push({
      config: kindSpec.config.parse({ id, kind, ...(signed ? { webhookSecret: secrets[id] } : {}), ...settings }),
      kind: kindSpec,
      pollIntervalMs: typeof settings.pollInterval === 'number' ? settings.pollInterval : 24 * 3_600_000,
      retry: DEFAULT_RETRY,
    });
  }
  return {
    configs,
    secrets,
    repos,
    counters,
    dir,
    close: async () => {
      await Promise.all([jira.close(), prometheus.close()]);
    },
  };
}

interface DemoOptions {
  url: string;
  setup: DemoSetup;
  /** Time between two steps of the story. */
  stepMs: number;
  /** The OTLP bearer token, when the hub requires one. */
  otlpToken?: string;
}

/** The running demo: the shop's traffic and the story, until stopped. */
export class DemoEstate {
  private readonly stopping = new AbortController();
  private traffic?: ShopTraffic;
  private story?: Promise<void>;

  constructor(
    private readonly domain: Domain,
    private readonly log: Logger,
    private readonly options: DemoOptions,
  ) {}

  async start(): Promise<void> {
    const { setup, url } = this.options;
    const token = await demoToken(this.domain, setup.dir, this.log);
    const hub = new HubClient(url, token, setup.secrets, this.log, this.stopping.signal);
    const start = await this.whereTheStoryResumes(hub);
    this.traffic = new ShopTraffic({ url, token: this.options.otlpToken }, setup.counters, this.log);
    await this.traffic.start({ checkout: start.live.checkout.version, search: start.live.search.version, payments: start.live.payments.version });
    const story = new Story(
      { hub, repos: setup.repos, traffic: this.traffic, log: this.log, stepMs: this.options.stepMs, signal: this.stopping.signal },
      start,
    );
    this.story = story.run();
    this.log.info({ stepMs: this.options.stepMs, repositories: setup.repos.root }, 'demo estate running');
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.story;
    await this.traffic?.stop();
  }

  /**
   * Versions and change keys go on from what earlier starts left — in the repositories and in the
   * hub — so a restart never reuses one (tags, tickets and deployments link by them).
   */
  private async whereTheStoryResumes(hub: HubClient): Promise<StoryStart> {
    const { repos } = this.options.setup;
    const { releases, changes } = await hub.gql<{
      releases: { edges: Array<{ node: { version: string } }> };
      changes: { edges: Array<{ node: { key: string } }> };
    }>(`{ releases(first: 100) { edges { node { version } } } changes(first: 100) { edges { node { key } } } }`);
    const changeNumbers = changes.edges.map((e) => /^OPS-(\d+)$/.exec(e.node.key)?.[1]).filter((n): n is string => Boolean(n));
    const start: StoryStart = { nextChange: 1001, live: {} as StoryStart['live'], minor: {} as StoryStart['minor'] };
    for (const service of Object.values(SHOP)) {
      const name: ServiceName = service.name;
      const minorOf = (version: string) => {
        const m = /^(\d+)\.(\d+)\.\d+$/.exec(version);
        return m && Number(m[1]) === service.major ? Number(m[2]) : -1;
      };
      const tagged = await repos.versions(name);
      const newest = tagged.reduce((a, b) => (minorOf(b) > minorOf(a) ? b : a), `${service.major}.0.0`);
      start.live[name] = { version: newest, sha: await repos.shaOf(name, newest) };
      start.minor[name] = Math.max(0, ...[...tagged, ...releases.edges.map((e) => e.node.version)].map(minorOf));
      for (const n of await repos.changeNumbers(name)) changeNumbers.push(String(n));
    }
    start.nextChange = Math.max(1000, ...changeNumbers.map(Number)) + 1;
    return start;
  }
}
