import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfiguredConnector } from '../modules/connectors/connector-config.js';
import { CONNECTOR_KINDS, DEFAULT_RETRY } from '@releasegraph/connectors';
import type { Domain } from '../domain.js';
import type { Logger } from '../logger.js';
import { Role } from '../modules/auth/roles.js';

/*
 * The demo estate (RELEASEGRAPH_DEMO=1): a small delivery organisation on loopback that speaks the
 * real protocols to the hub — GraphQL for planning, signed GitHub, Jira and PagerDuty webhooks for
 * changes, code, pipelines, deployments and pages, OTLP for traffic — so a first start shows a
 * living release hub. Nothing writes to the database behind the connectors' backs.
 */

const SERVICES = ['checkout', 'search'] as const;

export interface DemoSetup {
  configs: ConfiguredConnector[];
  secrets: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The demo's connectors, each with a secret made for this run (unless the config file declares one
 * with that id), and the demo's Jira: a loopback search API the Jira connector polls (its changes
 * arrive by webhook, so the search finds nothing new).
 */
export async function prepareDemo(existing: ConfiguredConnector[]): Promise<DemoSetup> {
  const jira = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"issues":[],"isLast":true,"accountId":"demo"}'),
  );
  await new Promise<void>((resolve) => jira.listen(0, '127.0.0.1', resolve));
  const jiraUrl = `http://127.0.0.1:${(jira.address() as AddressInfo).port}`;
  const secrets: Record<string, string> = {};
  const configs: ConfiguredConnector[] = [];
  for (const [id, kind, extra] of [
    ['demo-github', 'github', {}],
    ['demo-pagerduty', 'pagerduty', {}],
    ['demo-jira', 'jira', { baseUrl: jiraUrl, email: 'demo@example.com', apiToken: 'demo', projects: ['OPS'], pollInterval: '1h' }],
  ] as const) {
    if (existing.some((c) => c.config.id === id)) continue;
    secrets[id] = crypto.randomBytes(24).toString('hex');
    const kindSpec = CONNECTOR_KINDS[kind]!;
    configs.push({
      config: kindSpec.config.parse({ id, kind, webhookSecret: secrets[id], ...extra }),
      kind: kindSpec,
      pollIntervalMs: 24 * 3_600_000,
      retry: DEFAULT_RETRY,
    });
  }
  return { configs, secrets, close: () => new Promise((resolve) => jira.close(() => resolve())) };
}

interface DemoOptions {
  url: string;
  secrets: Record<string, string>;
  /** Time between two steps of the story. */
  stepMs: number;
}

/**
 * Runs the story in a loop: a release is planned, its change raised in Jira, its commit pushed and
 * tagged, its pipeline run, its version deployed to staging then production while the services
 * serve traffic; every other release breaks its error rate in production and gets paged.
 */
export class DemoEstate {
  private timer?: NodeJS.Timeout;
  private traffic?: NodeJS.Timeout;
  private token = '';
  private cycle = 0;
  private step = 0;
  private release: { id: string; version: string; bad: boolean } | null = null;
  /** The version of each service in production, and whether it fails. */
  private readonly live: Record<string, { version: string; failing: boolean }> = {
    checkout: { version: '2.0.0', failing: false },
    search: { version: '5.0.0', failing: false },
  };
  private stopped = false;

  constructor(
    private readonly domain: Domain,
    private readonly log: Logger,
    private readonly options: DemoOptions,
  ) {}

  async start(): Promise<void> {
    const { token } = await this.domain.auth.createToken(
      { id: 'demo', name: 'demo estate', role: Role.ADMIN },
      { name: 'demo estate', role: Role.RELEASE_MANAGER },
    );
    this.token = token;
    await this.gql(
      `mutation { createSuccessCriterion(input: { metric: "error_rate", comparator: LT, threshold: 0.05, windowSeconds: 120, minSamples: 20, environmentTier: PROD }) { id } }`,
    ).catch(() => undefined);
    this.timer = setInterval(() => void this.advance().catch((err: unknown) => this.log.warn({ err }, 'demo step failed')), this.options.stepMs);
    this.traffic = setInterval(() => void this.sendTraffic().catch((err: unknown) => this.log.warn({ err }, 'demo traffic failed')), 2000);
    this.timer.unref();
    this.traffic.unref();
    this.log.info({ stepMs: this.options.stepMs }, 'demo estate running');
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.traffic);
  }

  private async advance(): Promise<void> {
    if (this.stopped) return;
    const steps = [
      () => this.planRelease(),
      () => this.raiseChange(),
      () => this.pushAndTag(),
      () => this.runPipeline(),
      () => this.deploy('staging', 'in_progress'),
      () => this.deploy('staging', 'success'),
      () => this.deploy('production', 'in_progress'),
      () => this.deploy('production', 'success'),
      () => this.pageIfBroken(),
      async () => undefined, // the release settles (verdicts, windows) before the next one
    ];
    await steps[this.step]!();
    this.step = (this.step + 1) % steps.length;
  }

  /** This run's release line: names stay unique across restarts of the demo, versions stay plain (tags link by version). */
  private readonly run = new Date().toISOString().slice(0, 19).replace('T', ' ');

  private async planRelease(): Promise<void> {
    this.cycle++;
    const version = `2.${this.cycle}.0`;
    const bad = this.cycle % 2 === 0;
    const created = await this.gql<{ createRelease: { id: string } }>(
      `mutation($n: String!, $v: String!) { createRelease(input: { name: $n, version: $v }) { id } }`,
      { n: `Checkout ${version} (demo ${this.run})`, v: version },
    );
    await this.gql(`mutation($id: ID!) { updateRelease(input: { id: $id, status: DEPLOYING }) { id } }`, { id: created.createRelease.id });
    // Its success criterion: under 5 % errors in production over two minutes.
    await this.gql(
      `mutation($r: ID!) { createSuccessCriterion(input: { metric: "error_rate", comparator: LT, threshold: 0.05, windowSeconds: 120, minSamples: 20, releaseId: $r, environmentTier: PROD }) { id } }`,
      { r: created.createRelease.id },
    );
    this.release = { id: created.createRelease.id, version, bad };
  }

  private changeKey(): string {
    return `OPS-${1000 + this.cycle}`;
  }

  private async raiseChange(): Promise<void> {
    const r = this.release!;
    await this.webhook('demo-jira', 'jira', {
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_created',
      issue_event_type_name: 'issue_created',
      user: { accountId: 'demo', displayName: 'Dana Demo' },
      issue: {
        id: String(10000 + this.cycle),
        key: this.changeKey(),
        fields: {
          summary: `Checkout ${r.version}: faster card authorisation`,
          issuetype: { name: 'Change' },
          status: { name: 'In Progress', statusCategory: { key: 'indeterminate' } },
          priority: { name: 'Medium' },
          labels: [],
          fixVersions: [{ name: r.version }],
          components: [{ name: 'checkout' }],
          reporter: { displayName: 'Dana Demo' },
          created: new Date().toISOString().replace('Z', '+0000'),
          updated: new Date().toISOString().replace('Z', '+0000'),
        },
      },
    });
  }

  private sha = '';

  private async pushAndTag(): Promise<void> {
    const r = this.release!;
    this.sha = crypto.createHash('sha1').update(`${r.version}-${Date.now()}`).digest('hex');
    const repository = { name: 'checkout', full_name: 'demo/checkout' };
    await this.webhook('demo-github', 'push', {
      ref: 'refs/heads/main',
      repository,
      commits: [
        {
          id: this.sha,
          message: `${this.changeKey()}: faster card authorisation`,
          timestamp: new Date().toISOString(),
          author: { name: 'Dana Demo', username: 'dana' },
        },
      ],
    });
    await this.webhook('demo-github', 'create', {
      ref: `v${r.version}`,
      ref_type: 'tag',
      master_branch: 'main',
      pusher_type: 'user',
      repository,
      sender: { login: 'dana' },
    });
  }

  private async runPipeline(): Promise<void> {
    const r = this.release!;
    const at = new Date().toISOString();
    await this.webhook('demo-github', 'workflow_run', {
      action: 'completed',
      workflow_run: {
        id: 900000 + this.cycle,
        name: 'tests',
        head_branch: `v${r.version}`,
        head_sha: this.sha,
        status: 'completed',
        conclusion: 'success',
        html_url: `https://github.com/demo/checkout/actions/runs/${900000 + this.cycle}`,
        created_at: at,
        updated_at: at,
        run_started_at: at,
      },
      repository: { name: 'checkout', full_name: 'demo/checkout' },
    });
  }

  private async deploy(environment: 'staging' | 'production', state: 'in_progress' | 'success'): Promise<void> {
    const r = this.release!;
    const deployment = {
      id: 700000 + this.cycle * 10 + (environment === 'production' ? 1 : 0),
      sha: this.sha,
      ref: `v${r.version}`,
      task: 'deploy',
      payload: { service: 'checkout' },
      environment,
      creator: { login: 'dana' },
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    };
    const repository = { name: 'checkout', full_name: 'demo/checkout' };
    if (state === 'in_progress') await this.webhook('demo-github', 'deployment', { action: 'created', deployment, repository });
    await this.webhook('demo-github', 'deployment_status', {
      action: 'created',
      deployment_status: { id: deployment.id * 10 + (state === 'success' ? 2 : 1), state, environment, created_at: new Date().toISOString() },
      deployment,
      repository,
    });
    if (environment === 'production' && state === 'success') this.live.checkout = { version: r.version, failing: r.bad };
  }

  private async pageIfBroken(): Promise<void> {
    if (!this.release?.bad) return;
    const now = new Date().toISOString();
    await this.webhook('demo-pagerduty', 'pagerduty', {
      event: {
        id: crypto.randomUUID(),
        event_type: 'incident.triggered',
        resource_type: 'incident',
        occurred_at: now,
        agent: null,
        data: {
          id: `PDEMO${this.cycle}`,
          type: 'incident',
          number: 500 + this.cycle,
          title: 'Checkout card payments failing',
          status: 'triggered',
          urgency: 'high',
          priority: { summary: 'P2' },
          html_url: `https://demo.pagerduty.com/incidents/PDEMO${this.cycle}`,
          service: { id: 'PCHECKOUT', summary: 'checkout' },
          created_at: now,
        },
      },
    });
  }

  /** Server spans of each service's live version in production (and staging), as an instrumented service exports them. */
  private async sendTraffic(): Promise<void> {
    if (this.stopped) return;
    const now = BigInt(Date.now()) * 1_000_000n;
    const resourceSpans = SERVICES.map((service) => {
      const { version, failing } = this.live[service]!;
      const spans = Array.from({ length: 20 }, (_, i) => ({
        traceId: crypto.randomBytes(16).toString('hex'),
        spanId: crypto.randomBytes(8).toString('hex'),
        name: service === 'checkout' ? 'POST /checkout' : 'GET /search',
        kind: 2,
        startTimeUnixNano: String(now - BigInt(i) * 50_000_000n),
        endTimeUnixNano: String(now - BigInt(i) * 50_000_000n + BigInt(20 + (i % 7) * 15) * 1_000_000n),
        // A failing version fails one request in four; a healthy one, now and then.
        status: { code: (failing ? i % 4 === 0 : i === 0 && Math.random() < 0.1) ? 2 : 1 },
      }));
      return {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: service } },
            { key: 'service.version', value: { stringValue: version } },
            { key: 'deployment.environment.name', value: { stringValue: 'production' } },
          ],
        },
        scopeSpans: [{ scope: { name: 'demo' }, spans }],
      };
    });
    await fetch(`${this.options.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans }) });
  }

  private async gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${this.options.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (!body.data || body.errors) throw new Error(`demo GraphQL: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  /** A signed delivery, as each vendor signs it. */
  private async webhook(connector: string, event: string, payload: unknown): Promise<void> {
    const body = JSON.stringify(payload);
    const secret = this.options.secrets[connector];
    if (!secret) return; // the config file declares this connector: its secret is not ours to use
    const hmac = crypto.createHmac('sha256', secret).update(body).digest('hex');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (connector === 'demo-github')
      Object.assign(headers, { 'x-github-event': event, 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': `sha256=${hmac}` });
    else if (connector === 'demo-pagerduty') headers['x-pagerduty-signature'] = `v1=${hmac}`;
    else Object.assign(headers, { 'x-hub-signature': `sha256=${hmac}`, 'x-atlassian-webhook-identifier': crypto.randomUUID() });
    const res = await fetch(`${this.options.url}/hooks/${connector}`, { method: 'POST', headers, body });
    if (res.status !== 202) this.log.warn({ connector, event, status: res.status, body: await res.text() }, 'demo webhook refused');
  }
}
