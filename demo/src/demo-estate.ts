import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { DemoRepos } from './git-repos.js';
import { demoHubConfig } from './hub-config.js';
import type { Logger } from './logger.js';
import { ShopTraffic } from './otel-services.js';
import { KpiCounters, startPrometheusEndpoint } from './prometheus-endpoint.js';
import { SHOP, type ServiceName } from './shop.js';
import { Story, type StoryStart } from './story.js';
import { demoToken } from './token.js';
import { HubClient, startJiraSite } from './vendors.js';

/*
 * The demo estate: a small web shop on loopback that drives a hub from outside, through its public
 * interfaces only, so a first start shows a living release hub — GraphQL (with a token of its own)
 * for planning and decisions; signed Jira, GitHub and PagerDuty webhooks for changes, builds,
 * deployments and pages; git repositories in the data directory for commits and tags; the
 * OpenTelemetry SDK for traces and logs; a Prometheus API for the business KPI; and a config file
 * with its connectors and its pace, which the hub reads under its own (RELEASEGRAPH_CONFIG_DEFAULTS).
 */

export interface DemoSetup {
  /** The config file to give the hub as RELEASEGRAPH_CONFIG_DEFAULTS. */
  configFile: string;
  /** The hub's environment for this demo: RELEASEGRAPH_CONFIG_DEFAULTS and the secrets the file substitutes. */
  hubEnv: Record<string, string>;
  secrets: Record<string, string>;
  repos: DemoRepos;
  counters: KpiCounters;
  /** The demo's own files: its git repositories, its hub config file and its API token. */
  dir: string;
  stepMs: number;
  /** Stops the demo's Jira and Prometheus (after the hub's connectors stopped reading them). */
  close(): Promise<void>;
}

/**
 * The demo's sources, before the hub starts: the git repositories (created on the first start, kept
 * after), the loopback Jira and Prometheus, and the hub config file naming a connector for each.
 */
export async function prepareDemo(options: { dir: string; stepMs: number }): Promise<DemoSetup> {
  const { dir, stepMs } = options;
  const repos = new DemoRepos(path.join(dir, 'git'));
  for (const service of Object.values(SHOP)) await repos.ensure(service);
  const counters = new KpiCounters();
  const jira = await startJiraSite();
  const prometheus = await startPrometheusEndpoint(counters).catch(async (error: unknown) => {
    await jira.close();
    throw error;
  });
  const close = async () => {
    await Promise.all([jira.close(), prometheus.close()]);
  };
  try {
    const { file, secrets, env } = demoHubConfig(stepMs, { repos, jiraUrl: jira.url, prometheusUrl: prometheus.url });
    const configFile = path.join(dir, 'releasegraph.yaml');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(configFile, `# Written by the demo estate at each start; the hub reads it under its own config file.\n${toYaml(file)}`);
    return { configFile, hubEnv: { ...env, RELEASEGRAPH_CONFIG_DEFAULTS: configFile }, secrets, repos, counters, dir, stepMs, close };
  } catch (error) {
    await close();
    throw error;
  }
}

interface DemoOptions {
  /** The hub's base URL. */
  url: string;
  setup: DemoSetup;
  /** The hub's admin token: the demo asks for its own release-manager token with it. */
  adminToken: string | undefined;
  /** The OTLP bearer token, when the hub requires one. */
  otlpToken?: string | undefined;
}

/** The running demo: the shop's traffic and the story, until stopped. */
export class DemoEstate {
  private readonly stopping = new AbortController();
  private traffic?: ShopTraffic;
  private story?: Promise<void>;

  constructor(
    private readonly log: Logger,
    private readonly options: DemoOptions,
  ) {}

  async start(): Promise<void> {
    const { setup, url } = this.options;
    const token = await demoToken(url, this.options.adminToken, setup.dir, this.log);
    const hub = new HubClient(url, token, setup.secrets, this.log, this.stopping.signal);
    const start = await this.whereTheStoryResumes(hub);
    this.traffic = new ShopTraffic({ url, token: this.options.otlpToken }, setup.counters, this.log);
    await this.traffic.start({ checkout: start.live.checkout.version, search: start.live.search.version, payments: start.live.payments.version });
    const story = new Story({ hub, repos: setup.repos, traffic: this.traffic, log: this.log, stepMs: setup.stepMs, signal: this.stopping.signal }, start);
    this.story = story.run();
    this.log.info({ stepMs: setup.stepMs, repositories: setup.repos.root }, 'demo estate running');
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
