import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger.js';
import type { DemoRepos } from './git-repos.js';
import type { ShopTraffic } from './otel-services.js';
import { CONVERSION_METRIC } from './prometheus-endpoint.js';
import { ENVIRONMENTS, SHOP, type ServiceName, type ShopService } from './shop.js';
import type { HubClient } from './vendors.js';

/*
 * The demo's story, in a loop. Each cycle checkout ships a release together with another service:
 * the change is raised and approved in Jira, committed and tagged in git, built by GitHub Actions
 * (lint, tests and a security scan are the gates), its image published, deployed to staging, then
 * to production a step apart from the other service's. Every other cycle (at most every six
 * minutes) checkout's version is broken: the verifier recommends rolling it back, PagerDuty pages, the stabilization owner's page
 * climbs to the team lead until acknowledged, the release manager accepts the rollback, the
 * previous version goes back to production and the incident is resolved.
 */

type Env = keyof typeof ENVIRONMENTS;

/** A custom-field id per change-ticket field (the demo's Jira connector is configured with them). */
export const JIRA_FIELDS = { windowStart: 'customfield_10050', windowEnd: 'customfield_10051', rollbackPlan: 'customfield_10052' } as const;

interface Shipment {
  service: ShopService;
  version: string;
  broken: boolean;
  releaseId: string;
  changeNumber: number;
  summary: string;
  windowStart: Date;
  windowEnd: Date;
  sha: string;
  digest: string;
  /** GitHub ids of its workflow runs and deployments. */
  runs: Array<{ id: number; name: string }>;
  deployments: Partial<Record<Env, number>>;
}

/** What the loop starts from: the next change number and, per service, the version running in production (its newest tag). */
export interface StoryStart {
  nextChange: number;
  live: Record<ServiceName, { version: string; sha: string }>;
  /** The highest minor version each service's line has used (tags and planned releases). */
  minor: Record<ServiceName, number>;
}

export interface StoryContext {
  hub: HubClient;
  repos: DemoRepos;
  traffic: ShopTraffic;
  log: Logger;
  stepMs: number;
  signal: AbortSignal;
}

/**
 * Broken releases are at least this far apart: an incident's suspects are the deployments up to
 * five minutes after it opened, so the next broken version must not become a suspect of the last page.
 */
const BROKEN_SPACING_MS = 6 * 60_000;

/** The image digest CI publishes for a commit of a service. */
const digestOf = (service: string, sha: string) => `sha256:${crypto.createHash('sha256').update(`${service}@${sha}`).digest('hex')}`;
/** Jira's time format. */
const jiraTime = (d: Date) => d.toISOString().replace('Z', '+0000');
const repositoryOf = (service: ServiceName) => ({ name: service, full_name: `demo/${service}` });

export class Story {
  private cycle = 0;
  private nextChange: number;
  private readonly minor: Record<ServiceName, number>;
  /** Production's last good version of each service: where a rollback goes. */
  private readonly good: Record<ServiceName, { version: string; sha: string }>;
  /** GitHub's ids are numbers; starting from the clock keeps them unique across restarts of the demo. */
  private nextGithubId = Date.now();
  private lastBrokenAt = 0;

  constructor(
    private readonly ctx: StoryContext,
    start: StoryStart,
  ) {
    this.nextChange = start.nextChange;
    this.minor = { ...start.minor };
    this.good = { ...start.live };
  }

  /** Plays cycles until stopped; a failed cycle is logged and the next one starts after a pause. */
  async run(): Promise<void> {
    while (!this.ctx.signal.aborted) {
      try {
        await this.playCycle();
      } catch (err) {
        if (this.ctx.signal.aborted) return;
        this.ctx.log.warn({ err }, 'a demo cycle failed; the next one starts shortly');
        await this.steps(5).catch(() => undefined);
      }
    }
  }

  private steps(n: number): Promise<void> {
    return sleep(n * this.ctx.stepMs, undefined, { signal: this.ctx.signal });
  }

  /** Asks every step until `probe` finds something, for at least a minute (the hub's rounds run on real time). */
  private async waitFor<T>(what: string, probe: () => Promise<T | null | undefined>): Promise<T | null> {
    const until = Date.now() + Math.max(60_000, 30 * this.ctx.stepMs);
    while (Date.now() < until) {
      const found = await probe();
      if (found) return found;
      await this.steps(1);
    }
    this.ctx.log.warn({ what }, 'the demo waited in vain; the story goes on');
    return null;
  }

  private async playCycle(): Promise<void> {
    // Every other cycle breaks checkout, unless the last broken one is too recent (see BROKEN_SPACING_MS).
    const broken = ++this.cycle % 2 === 0 && Date.now() - this.lastBrokenAt >= BROKEN_SPACING_MS;
    if (broken) this.lastBrokenAt = Date.now();
    const lead = await this.plan('checkout', broken);
    const partner = await this.plan(broken ? 'payments' : 'search', false);
    const both = [lead, partner];
    await this.steps(1);

    // The change tickets: raised for the CAB, then approved; the releases are scheduled.
    for (const s of both) await this.jira(s, 'Awaiting approval');
    await this.steps(1);
    for (const s of both) {
      await this.jira(s, 'Approved');
      await this.releaseStatus(s, 'SCHEDULED');
    }
    await this.steps(1);

    // Committed and tagged: the hub's git connector reads the repositories.
    for (const s of both) {
      s.sha = await this.ctx.repos.release(s.service.name, { version: s.version, changeKey: this.key(s), summary: s.summary });
      s.digest = digestOf(s.service.name, s.sha);
      await this.jira(s, 'In Progress');
    }
    await this.steps(1);

    // Built: the quality gates run, then the image is published.
    for (const s of both) await this.workflows(s, 'in_progress');
    await this.steps(1);
    for (const s of both) {
      await this.workflows(s, 'completed');
      await this.publishImage(s);
    }
    await this.steps(1);

    // Promoted: staging first, then production — the two services a step apart.
    for (const s of both) {
      await this.releaseStatus(s, 'DEPLOYING');
      await this.deploy(s, 'staging', 'in_progress');
    }
    await this.steps(1);
    for (const s of both) await this.deploy(s, 'staging', 'success');
    await this.steps(2);
    for (const s of both) {
      await this.deploy(s, 'production', 'in_progress');
      await this.steps(1);
      await this.deploy(s, 'production', 'success');
      await this.steps(1);
    }
    await this.ensureOwners(both);

    if (lead.broken) await this.incident(lead);
    // The good releases settle; their tickets close.
    await this.steps(6);
    for (const s of both) if (!s.broken) await this.jira(s, 'Done');
    await this.steps(4);
  }

  private key(s: Shipment): string {
    return `OPS-${s.changeNumber}`;
  }

  /** A release planned over GraphQL, with its success criteria: errors and the business KPI in production. */
  private async plan(service: ServiceName, broken: boolean): Promise<Shipment> {
    const spec = SHOP[service];
    const version = `${spec.major}.${++this.minor[service]}.0`;
    const changeNumber = this.nextChange++;
    const summary = spec.features[(this.minor[service] - 1) % spec.features.length]!;
    const windowStart = new Date(Date.now() + 8 * this.ctx.stepMs);
    const windowEnd = new Date(Date.now() + 30 * this.ctx.stepMs);
    const { createRelease } = await this.ctx.hub.gql<{ createRelease: { id: string } }>(
      `mutation($input: CreateReleaseInput!) { createRelease(input: $input) { id } }`,
      {
        input: {
          // The card shows the version beside the name: the name says what ships.
          name: `${service[0]!.toUpperCase()}${service.slice(1)}: ${summary}`,
          version,
          description: `${summary} (OPS-${changeNumber})`,
          plannedStart: windowStart.toISOString(),
          plannedEnd: windowEnd.toISOString(),
          priority: broken ? 'HIGH' : 'MEDIUM',
        },
      },
    );
    const criteria = [
      // Under 10 % errors: the OTLP receiver's rollups of the SDK's spans.
      { metric: 'error_rate', comparator: 'LT', threshold: 0.1, windowSeconds: 120, minSamples: 50 },
      // At least 40 % of sessions convert: the KPI the Prometheus connector reads.
      { metric: CONVERSION_METRIC, comparator: 'GTE', threshold: 0.4, windowSeconds: 120, minSamples: 5 },
    ];
    for (const c of criteria) {
      await this.ctx.hub.gql(`mutation($input: CreateSuccessCriterionInput!) { createSuccessCriterion(input: $input) { id } }`, {
        input: { ...c, releaseId: createRelease.id, environmentTier: 'PROD' },
      });
    }
    return {
      service: spec,
      version,
      broken,
      releaseId: createRelease.id,
      changeNumber,
      summary,
      windowStart,
      windowEnd,
      sha: '',
      digest: '',
      runs: [],
      deployments: {},
    };
  }

  private releaseStatus(s: Shipment, status: string): Promise<unknown> {
    return this.ctx.hub.gql(`mutation($id: ID!, $status: ReleaseStatus!) { updateRelease(input: { id: $id, status: $status }) { id } }`, {
      id: s.releaseId,
      status,
    });
  }

  /** The change ticket in its new status, as Jira's issue webhook carries it. */
  private jira(s: Shipment, status: string): Promise<void> {
    const category = status === 'Done' ? 'done' : status === 'Awaiting approval' ? 'new' : 'indeterminate';
    const now = jiraTime(new Date());
    return this.ctx.hub.webhook('jira', {
      timestamp: Date.now(),
      webhookEvent: status === 'Awaiting approval' ? 'jira:issue_created' : 'jira:issue_updated',
      issue_event_type_name: status === 'Awaiting approval' ? 'issue_created' : 'issue_generic',
      user: { accountId: 'demo', displayName: 'Dana Demo' },
      issue: {
        id: String(10_000 + s.changeNumber),
        key: this.key(s),
        fields: {
          summary: `${s.service.name} ${s.version}: ${s.summary}`,
          description: `Ship ${s.summary} in ${s.service.name} ${s.version}.`,
          issuetype: { name: 'Change' },
          project: { key: 'OPS' },
          status: { name: status, statusCategory: { key: category } },
          priority: { name: s.broken ? 'High' : 'Medium' },
          labels: ['demo'],
          fixVersions: [{ name: s.version }],
          components: [{ name: s.service.name }],
          reporter: { displayName: 'Dana Demo' },
          created: now,
          updated: now,
          [JIRA_FIELDS.windowStart]: jiraTime(s.windowStart),
          [JIRA_FIELDS.windowEnd]: jiraTime(s.windowEnd),
          [JIRA_FIELDS.rollbackPlan]: `Redeploy ${s.service.name} ${this.good[s.service.name].version}.`,
        },
      },
    });
  }

  /** The release's GitHub Actions workflows (each a quality gate by its name), run on the tag. */
  private async workflows(s: Shipment, status: 'in_progress' | 'completed'): Promise<void> {
    if (!s.runs.length) s.runs = ['Lint', 'Tests', 'Security scan'].map((name) => ({ id: this.nextGithubId++, name }));
    const at = new Date().toISOString();
    for (const run of s.runs) {
      await this.ctx.hub.webhook(
        'github',
        {
          action: status === 'completed' ? 'completed' : 'in_progress',
          workflow_run: {
            id: run.id,
            name: run.name,
            head_branch: `v${s.version}`,
            head_sha: s.sha,
            status,
            conclusion: status === 'completed' ? 'success' : null,
            html_url: `https://github.com/demo/${s.service.name}/actions/runs/${run.id}`,
            created_at: at,
            updated_at: at,
            run_started_at: at,
          },
          repository: repositoryOf(s.service.name),
        },
        'workflow_run',
      );
    }
  }

  /** The image CI pushed to the registry: the artifact the deployments carry by digest. */
  private publishImage(s: Shipment): Promise<void> {
    return this.ctx.hub.webhook(
      'github',
      {
        action: 'published',
        registry_package: {
          name: s.service.name,
          namespace: 'demo',
          package_type: 'CONTAINER',
          package_version: { id: this.nextGithubId++, version: s.digest, container_metadata: { tag: { name: `v${s.version}`, digest: s.digest } } },
        },
        repository: repositoryOf(s.service.name),
      },
      'registry_package',
    );
  }

  /** A GitHub deployment of the version's tag, and its status; production traffic moves to the version once it succeeds. */
  private async deploy(s: Pick<Shipment, 'service' | 'version' | 'broken' | 'sha' | 'deployments'>, env: Env, state: 'in_progress' | 'success'): Promise<void> {
    const service = s.service.name;
    const repository = repositoryOf(service);
    const id = (s.deployments[env] ??= this.nextGithubId++);
    const now = new Date().toISOString();
    const deployment = {
      id,
      sha: s.sha,
      ref: `v${s.version}`,
      task: 'deploy',
      payload: { service, image: `ghcr.io/demo/${service}@${digestOf(service, s.sha)}` },
      environment: ENVIRONMENTS[env],
      creator: { login: 'deploy-bot' },
      created_at: now,
      updated_at: now,
    };
    if (state === 'in_progress') await this.ctx.hub.webhook('github', { action: 'created', deployment, repository }, 'deployment');
    await this.ctx.hub.webhook(
      'github',
      { action: 'created', deployment_status: { id: this.nextGithubId++, state, created_at: now, updated_at: now }, deployment, repository },
      'deployment_status',
    );
    if (env === 'production' && state === 'success') {
      await this.ctx.traffic.deploy(service, s.version, s.broken);
      if (!s.broken) this.good[service] = { version: s.version, sha: s.sha };
    }
  }

  /**
   * Each production service of the releases gets a stabilization owner: the hub's rotation usually
   * names one; where it does not (a config file without owners), the demo assigns the rotation's first.
   */
  private async ensureOwners(shipments: Shipment[]): Promise<void> {
    for (const s of shipments) {
      const window = await this.waitFor(`the stabilization window of ${s.service.name} ${s.version}`, async () => {
        const { release } = await this.ctx.hub.gql<{
          release: {
            stabilization: { id: string; owners: Array<{ serviceId: string }> } | null;
            deployments: Array<{ service: { id: string; name: string } }>;
          };
        }>(`query($id: ID!) { release(id: $id) { stabilization { id owners { serviceId } } deployments { service { id name } } } }`, { id: s.releaseId });
        return release.stabilization ? { ...release.stabilization, services: release.deployments.map((d) => d.service) } : null;
      });
      if (!window) continue;
      for (const service of new Map(window.services.map((x) => [x.id, x])).values()) {
        if (window.owners.some((o) => o.serviceId === service.id)) continue;
        await this.ctx.hub.gql(`mutation($w: ID!, $s: ID!, $o: String!) { assignStabilizationOwner(windowId: $w, serviceId: $s, owner: $o) { id } }`, {
          w: window.id,
          s: service.id,
          o: SHOP[service.name as ServiceName]?.owners[0] ?? 'on-call',
        });
      }
    }
  }

  /** The broken release: decision, page, escalation, rollback, recovery. */
  private async incident(s: Shipment): Promise<void> {
    const hub = this.ctx.hub;
    // The verifier finds the version failing its criteria and recommends rolling it back.
    const decision = await this.waitFor('the rollback decision', async () => {
      const { release } = await hub.gql<{
        release: { deployments: Array<{ environment: { name: string }; rollbackDecision: { id: string; status: string } | null }> };
      }>(`query($id: ID!) { release(id: $id) { deployments { environment { name } rollbackDecision { id status } } } }`, { id: s.releaseId });
      return release.deployments.find((d) => d.environment.name === ENVIRONMENTS.production)?.rollbackDecision;
    });

    // PagerDuty pages the on-call; the hub pages the stabilization owner, and nobody answers at first.
    const page = { id: `PDEMO${s.changeNumber}`, number: s.changeNumber, createdAt: new Date().toISOString() };
    await this.pagerduty(s, page, 'triggered');
    const escalations = async () => {
      const { release } = await hub.gql<{ release: { stabilization: { escalations: Array<{ id: string; level: number; status: string }> } | null } }>(
        `query($id: ID!) { release(id: $id) { stabilization { escalations { id level status } } } }`,
        { id: s.releaseId },
      );
      return release.stabilization?.escalations ?? [];
    };
    const climbed = await this.waitFor('the escalation to climb', async () => (await escalations()).find((x) => x.status === 'OPEN' && x.level >= 2));

    // The owner acknowledges; the release manager accepts the rollback; the previous version goes back.
    await this.pagerduty(s, page, 'acknowledged');
    if (climbed) await hub.gql(`mutation($id: ID!) { acknowledgeEscalation(id: $id) { id } }`, { id: climbed.id });
    if (decision?.status === 'RECOMMENDED') await hub.gql(`mutation($id: ID!) { acceptRollbackDecision(id: $id) { id } }`, { id: decision.id });
    const back = this.good[s.service.name];
    const rollback = { service: s.service, version: back.version, broken: false, sha: back.sha, deployments: {} };
    await this.deploy(rollback, 'production', 'in_progress');
    await this.steps(1);
    await this.deploy(rollback, 'production', 'success');
    await this.steps(3);

    // Recovered: the incident is resolved, every page of the window closed, the ticket goes to review.
    await this.pagerduty(s, page, 'resolved');
    for (const x of await escalations()) if (x.status !== 'RESOLVED') await hub.gql(`mutation($id: ID!) { resolveEscalation(id: $id) { id } }`, { id: x.id });
    await this.jira(s, 'Post-implementation review');
  }

  /** A PagerDuty v3 incident event. */
  private pagerduty(s: Shipment, page: { id: string; number: number; createdAt: string }, status: 'triggered' | 'acknowledged' | 'resolved'): Promise<void> {
    return this.ctx.hub.webhook('pagerduty', {
      event: {
        id: crypto.randomUUID(),
        event_type: `incident.${status}`,
        resource_type: 'incident',
        occurred_at: new Date().toISOString(),
        agent: null,
        data: {
          id: page.id,
          type: 'incident',
          number: page.number,
          title: `${s.service.name}: card payments failing`,
          status,
          urgency: 'high',
          priority: { summary: 'P2' },
          html_url: `https://demo.pagerduty.com/incidents/${page.id}`,
          service: { id: `P${s.service.name.toUpperCase()}`, summary: s.service.name },
          created_at: page.createdAt,
        },
      },
    });
  }
}
