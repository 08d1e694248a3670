import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk } from '../src/client.js';
import { prepareTestDemo, type TestDemo } from '../src/demo.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';
import { waitFor } from '../src/processes.js';

/*
 * The demo estate (@releasegraph/demo, run by `pnpm start`) drives a hub from outside and brings a first start to life through the real interfaces:
 * releases planned over GraphQL; changes raised and approved by signed Jira webhooks; commits and
 * tags in git repositories read by the git connector; pipelines, images and deployments from signed
 * GitHub webhooks; traffic from services instrumented with the OpenTelemetry SDK; a business KPI
 * from a Prometheus API; a broken release paged by PagerDuty, escalated, rolled back and resolved.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-demo-'));
let hub: TestHub;
let demo: TestDemo;
beforeAll(async () => {
  demo = await prepareTestDemo(dataDir, 150);
  hub = await startTestHub({ env: { ...demo.hubEnv, RELEASEGRAPH_DATA_DIR: dataDir } });
  await demo.start(hub.url, ADMIN_TOKEN);
});
afterAll(async () => {
  await demo?.stop();
  await hub?.close();
  await demo?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const call = <T = any>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(hub.url, query, variables, ADMIN_TOKEN);

const RELEASE = `id name version status
  changes { key state approvals { approver decision } }
  tags { name commitSha origin { connector } }
  commits { sha message repository origin { connector } }
  pipelines { status gates { kind status } }
  artifacts { digest }
  deployments { id version status startedAt service { name } environment { name } artifact { digest } rollbackDecision { mode status } }
  stabilization { status owners { owner service { name } } escalations { level paged status acknowledgedAt } }`;

const releases = () => call(`{ releases(first: 20) { edges { node { ${RELEASE} } } } }`).then((r) => r.releases.edges.map((e: { node: any }) => e.node));
const releaseOf = async (version: string) => (await releases()).find((r: any) => r.version === version);
const production = (r: any) => r.deployments.filter((d: any) => d.environment.name === 'production');

describe('the demo estate', () => {
  it('plays releases from change to production, then a broken one that is paged, escalated, rolled back and resolved', async () => {
    // The first release of checkout: approved change, git commit and tag, gated pipelines, staging then production.
    await waitFor(
      'the first checkout release in production, its tag read from git',
      async () => {
        const r = await releaseOf('2.1.0');
        return Boolean(r?.tags.length && production(r).some((d: any) => d.status === 'SUCCEEDED'));
      },
      30_000,
    );
    const first = await releaseOf('2.1.0');
    expect(first.name).toBe('Checkout: faster card authorisation');
    expect(first.changes).toEqual([{ key: 'OPS-1001', state: expect.any(String), approvals: [{ approver: 'CAB', decision: 'APPROVED' }] }]);
    expect(first.tags).toEqual([{ name: 'v2.1.0', commitSha: expect.stringMatching(/^[0-9a-f]{40}$/), origin: { connector: 'demo-git-checkout' } }]);
    // The change's commit and the tagged release commit, both read by the git connector.
    expect(first.commits.map((c: any) => [c.repository, c.origin.connector, c.message]).sort()).toEqual([
      ['demo/checkout', 'demo-git-checkout', 'OPS-1001: faster card authorisation'],
      ['demo/checkout', 'demo-git-checkout', 'Release 2.1.0'],
    ]);
    expect(first.pipelines).toHaveLength(3);
    expect(first.pipelines.every((p: any) => p.status === 'SUCCEEDED')).toBe(true);
    expect(first.pipelines.flatMap((p: any) => p.gates.map((g: any) => `${g.kind}:${g.status}`)).sort()).toEqual([
      'STATIC_ANALYSIS:PASSED',
      'TESTS:PASSED',
      'VULNERABILITY_SCAN:PASSED',
    ]);
    // The same image promoted from staging to production.
    expect(first.deployments.map((d: any) => `${d.environment.name}:${d.status}`).sort()).toEqual(['production:SUCCEEDED', 'staging:SUCCEEDED']);
    expect(new Set(first.deployments.map((d: any) => d.artifact?.digest))).toEqual(new Set([first.artifacts[0].digest]));
    const search = await releaseOf('5.1.0');
    expect(search?.changes).toEqual([{ key: 'OPS-1002', state: expect.any(String), approvals: [{ approver: 'CAB', decision: 'APPROVED' }] }]);

    // The second checkout release breaks; payments ships a good version a step after it.
    await waitFor(
      'the broken release to be paged, rolled back and resolved',
      async () => {
        const { incidents } = await call(`{ incidents(first: 10) { edges { node { source status } } } }`);
        const resolved = incidents.edges.some((e: any) => e.node.source === 'pagerduty' && e.node.status === 'RESOLVED');
        // The story's last act: the ticket goes to its post-implementation review.
        return resolved && (await releaseOf('2.2.0'))?.changes[0]?.state === 'REVIEW';
      },
      45_000,
    );
    const { incidents } = await call(
      `{ incidents(first: 10) { edges { node { key source status services { name } suspects { service version environment confidence deploymentId } } } } }`,
    );
    const page = incidents.edges.map((e: any) => e.node).find((i: any) => i.source === 'pagerduty');
    expect(page).toMatchObject({ key: 'PD-1003', status: 'RESOLVED', services: [{ name: 'checkout' }] });
    // Evidence, not recency: checkout 2.2.0 carries the errors, payments 3.1.0 (deployed after it) only shares its traces.
    expect(page.suspects[0]).toMatchObject({ service: 'checkout', version: '2.2.0', environment: 'production' });
    const paymentsSuspect = page.suspects.find((s: any) => s.service === 'payments');
    expect(paymentsSuspect).toMatchObject({ version: '3.1.0', environment: 'production' });
    expect(paymentsSuspect.confidence).toBeLessThan(page.suspects[0].confidence);

    const broken = await releaseOf('2.2.0');
    const payments = await releaseOf('3.1.0');
    const brokenDeploy = production(broken)[0];
    const paymentsDeploy = production(payments)[0];
    expect(page.suspects[0].deploymentId).toBe(brokenDeploy.id);
    const apart = Date.parse(paymentsDeploy.startedAt) - Date.parse(brokenDeploy.startedAt);
    expect(apart).toBeGreaterThan(0);
    expect(apart).toBeLessThan(10_000);

    // The verifier recommended the rollback; the release manager accepted it.
    expect(broken.status).toBe('ROLLED_BACK');
    expect(brokenDeploy).toMatchObject({ status: 'ROLLED_BACK', rollbackDecision: { mode: 'RECOMMENDED', status: 'ROLLED_BACK' } });
    expect(broken.changes).toEqual([{ key: 'OPS-1003', state: 'REVIEW', approvals: [{ approver: 'CAB', decision: 'APPROVED' }] }]);
    // The owner from the rotation was paged (checkout's second window: the rotation's second person, after ana
    // owned the first release's); unacknowledged, the page climbed; then it was acknowledged and resolved.
    expect((await releaseOf('2.1.0')).stabilization.owners).toEqual(expect.arrayContaining([{ owner: 'ana', service: { name: 'checkout' } }]));
    expect(broken.stabilization.owners).toEqual([{ owner: 'ben', service: { name: 'checkout' } }]);
    expect(broken.stabilization.escalations.length).toBeGreaterThan(0);
    expect(broken.stabilization.escalations.every((x: any) => x.status === 'RESOLVED')).toBe(true);
    expect(Math.max(...broken.stabilization.escalations.map((x: any) => x.level))).toBeGreaterThanOrEqual(2);
    expect(broken.stabilization.escalations.some((x: any) => x.acknowledgedAt)).toBe(true);
    // Recovery: the previous version went back to production.
    const redeployed = production(await releaseOf('2.1.0'));
    expect(redeployed.map((d: any) => d.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);

    // Every demo connector is healthy, the polled ones included.
    const connectors = (await call(`{ connectors { id status } }`)).connectors as Array<{ id: string; status: string }>;
    expect(Object.fromEntries(connectors.filter((c) => c.id.startsWith('demo-')).map((c) => [c.id, c.status]))).toEqual({
      'demo-github': 'OK',
      'demo-jira': 'OK',
      'demo-pagerduty': 'OK',
      'demo-git-checkout': 'OK',
      'demo-git-search': 'OK',
      'demo-git-payments': 'OK',
      'demo-prometheus': 'OK',
    });

    // Traffic of three SDK-instrumented services, their version changing with each deployment, with error logs on their traces.
    const versions = (await hub.db.query(
      `SELECT service, array_agg(DISTINCT version ORDER BY version) AS versions FROM span_rollup GROUP BY 1 ORDER BY 1`,
    )) as Array<{
      service: string;
      versions: string[];
    }>;
    expect(versions).toEqual([
      { service: 'checkout', versions: expect.arrayContaining(['2.0.0', '2.1.0', '2.2.0']) },
      { service: 'payments', versions: expect.arrayContaining(['3.0.0', '3.1.0']) },
      { service: 'search', versions: expect.arrayContaining(['5.0.0', '5.1.0']) },
    ]);
    const logs = (await hub.db.query(`SELECT count(*)::int AS n FROM log_record WHERE body LIKE 'card authorisation timed out%'`)) as [{ n: number }];
    expect(logs[0].n).toBeGreaterThan(0);

    // The business KPI, read by the Prometheus connector: the broken version converts less.
    const kpi = async (version: string) => {
      const to = new Date(Date.now() + 60_000).toISOString();
      const from = new Date(Date.now() - 10 * 60_000).toISOString();
      const { kpiSeries } = await call(
        `query($v: String!, $from: DateTime!, $to: DateTime!) { kpiSeries(service: "checkout", environment: "production", version: $v, metric: "conversion_rate", from: $from, to: $to, step: 600) { value samples } }`,
        { v: version, from, to },
      );
      return kpiSeries as Array<{ value: number; samples: number }>;
    };
    const [good] = await kpi('2.1.0');
    const [bad] = await kpi('2.2.0');
    expect(good!.samples).toBeGreaterThan(0);
    expect(bad!.samples).toBeGreaterThan(0);
    expect(bad!.value).toBeLessThan(good!.value);
  });
});
