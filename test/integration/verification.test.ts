import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gql, gqlOk, wsClient } from '../src/client.js';
import { waitFor } from '../src/processes.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

/*
 * Post-deploy verification: deployments against success criteria, from the KPIs the OTLP receiver
 * rolls up. The evaluation clock is the test's: evaluate(now) is one round.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-verify-'));
let hub: TestHub;
const ids: Record<string, string> = {};

const call = <T = any>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(hub.url, query, variables, ADMIN_TOKEN);

beforeAll(async () => {
  const file = path.join(dir, 'releasegraph.yaml');
  fs.writeFileSync(file, 'verification:\n  interval: 1h\n  rollback:\n    PROD: automatic\n');
  hub = await startTestHub({ env: { RELEASEGRAPH_CONFIG: file } });
  for (const name of ['checkout', 'search', 'ledger', 'catalog', 'basket']) {
    ids[name] = (await call(`mutation($n: String!) { createService(input: { name: $n }) { id } }`, { n: name })).createService.id;
  }
  for (const [name, tier] of [
    ['prod', 'PROD'],
    ['staging', 'STAGING'],
  ] as const) {
    ids[name] = (
      await call(`mutation($n: String!, $t: EnvironmentTier!) { createEnvironment(input: { name: $n, tier: $t }) { id } }`, { n: name, t: tier })
    ).createEnvironment.id;
  }
  // Production: error rate at most 5 % over 5 minutes, on at least 50 requests.
  await call(
    `mutation { createSuccessCriterion(input: { metric: "error_rate", comparator: LTE, threshold: 0.05, windowSeconds: 300, minSamples: 50, environmentTier: PROD }) { id } }`,
  );
});
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Server spans of one version, as an instrumented service exports them (OTLP/JSON). */
async function traffic(service: string, version: string, environment: string, requests: number, errors: number, durationMs = 20) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: requests }, (_, i) => ({
    traceId: crypto.randomBytes(16).toString('hex'),
    spanId: crypto.randomBytes(8).toString('hex'),
    name: 'GET /api',
    kind: 2,
    startTimeUnixNano: String(now - BigInt(i) * 1_000_000n),
    endTimeUnixNano: String(now - BigInt(i) * 1_000_000n + BigInt(durationMs) * 1_000_000n),
    status: { code: i < errors ? 2 : 1 },
  }));
  const attributes = [
    { key: 'service.name', value: { stringValue: service } },
    { key: 'service.version', value: { stringValue: version } },
    { key: 'deployment.environment.name', value: { stringValue: environment } },
  ];
  const res = await fetch(`${hub.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceSpans: [{ resource: { attributes }, scopeSpans: [{ scope: { name: 't' }, spans }] }] }),
  });
  expect(res.status).toBe(200);
}

async function deploy(
  service: string,
  environment: string,
  version: string,
  releaseId: string | null = null,
  startedAt = new Date(Date.now() - 60_000),
  status = 'IN_PROGRESS',
) {
  const input = { serviceId: ids[service], environmentId: ids[environment], version, status, startedAt, releaseId };
  return (await call(`mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }`, { i: input })).createDeployment.id as string;
}

const deployment = (id: string) =>
  call(
    `query($id: ID!) { node(id: $id) { ... on Deployment { status verdicts { outcome observed samples criterion { metric } } rollbackDecision { id mode status reason changeKeys evidence } release { status } } } }`,
    {
      id,
    },
  ).then((d) => d.node);
const soon = () => new Date(Date.now() + 1000);

describe('success criteria and rollback decisions', () => {
  it('fails a deployment whose error rate passes its criterion, and rolls it and its release back in one evaluation round (automatic in production)', async () => {
    const release = (await call(`mutation { createRelease(input: { name: "Checkout 2.0", version: "2.0.0" }) { id } }`)).createRelease.id as string;
    await call(`mutation($id: ID!) { updateRelease(input: { id: $id, status: DEPLOYING }) { id } }`, { id: release });
    await call(`mutation($r: ID!) { createChange(input: { key: "CHG0070001", title: "Checkout 2.0", releaseId: $r }) { id } }`, { r: release });
    const id = await deploy('checkout', 'prod', '2.0.0', release);
    await traffic('checkout', '2.0.0', 'prod', 200, 40);

    const [{ last }] = (await hub.db.query('SELECT max(id)::text AS last FROM release_event')) as [{ last: string }];
    expect(await hub.domain.verifier.evaluate(soon())).toMatchObject({ decisions: 1 });
    const d = await deployment(id);
    expect(d.verdicts).toEqual([{ outcome: 'FAIL', observed: 0.2, samples: 200, criterion: { metric: 'error_rate' } }]);
    expect(d.status).toBe('ROLLED_BACK');
    expect(d.release).toEqual({ status: 'ROLLED_BACK' });
    expect(d.rollbackDecision).toMatchObject({
      mode: 'AUTOMATIC',
      status: 'ROLLED_BACK',
      reason: 'checkout 2.0.0 in prod: error_rate 0.2 is not LTE 0.05',
      changeKeys: ['CHG0070001'],
      evidence: [expect.objectContaining({ metric: 'error_rate', observed: 0.2, samples: 200, threshold: 0.05 })],
    });
    const events = await hub.db.query(`SELECT type, actor FROM release_event WHERE release_id = $1 AND id > $2 ORDER BY id`, [release, last]);
    expect(events).toEqual([
      { type: 'verdict.changed', actor: 'verifier' },
      { type: 'rollback.decided', actor: 'verifier' },
      { type: 'deployment.status_changed', actor: 'verifier' },
      { type: 'release.status_changed', actor: 'verifier' },
    ]);
    const audit = await hub.db.query(`SELECT actor FROM audit_entry WHERE action = 'rollback.decided' AND subject_id = $1`, [id]);
    expect(audit).toEqual([{ actor: 'verifier' }]);
  });

  it('passes a healthy deployment, and calls too little data INCONCLUSIVE, never PASS', async () => {
    const healthy = await deploy('search', 'prod', '1.1.0');
    const quiet = await deploy('ledger', 'prod', '3.0.0');
    await traffic('search', '1.1.0', 'prod', 120, 1);
    await traffic('ledger', '3.0.0', 'prod', 10, 0);
    await hub.domain.verifier.evaluate(soon());
    expect(await deployment(healthy)).toMatchObject({ status: 'IN_PROGRESS', verdicts: [{ outcome: 'PASS', samples: 120 }], rollbackDecision: null });
    expect(await deployment(quiet)).toMatchObject({ status: 'IN_PROGRESS', verdicts: [{ outcome: 'INCONCLUSIVE', samples: 10 }], rollbackDecision: null });
    // A second round with nothing new records no new verdict events.
    const before = await hub.db.query(`SELECT count(*)::int AS n FROM release_event WHERE type = 'verdict.changed'`);
    await hub.domain.verifier.evaluate(soon());
    expect(await hub.db.query(`SELECT count(*)::int AS n FROM release_event WHERE type = 'verdict.changed'`)).toEqual(before);
  });

  it('recommends a rollback in staging, compares a canary with the previous version, and rolls back once a person accepts', async () => {
    await call(
      `mutation($s: ID!) { createSuccessCriterion(input: { metric: "latency_p95", comparator: LTE, threshold: 1.5, windowSeconds: 300, minSamples: 50, relativeToPrevious: true, serviceId: $s, environmentTier: STAGING }) { id } }`,
      { s: ids.catalog },
    );
    await deploy('catalog', 'staging', '1.0.0', null, new Date(Date.now() - 120_000), 'SUCCEEDED');
    const canary = await deploy('catalog', 'staging', '2.0.0');
    await traffic('catalog', '1.0.0', 'staging', 100, 0, 100);
    await traffic('catalog', '2.0.0', 'staging', 100, 0, 400);
    await hub.domain.verifier.evaluate(soon());
    const d = await deployment(canary);
    expect(d.status).toBe('IN_PROGRESS');
    expect(d.verdicts).toEqual([{ outcome: 'FAIL', observed: expect.closeTo(400, -2), samples: 100, criterion: { metric: 'latency_p95' } }]);
    expect(d.rollbackDecision).toMatchObject({
      mode: 'RECOMMENDED',
      status: 'RECOMMENDED',
      reason: expect.stringMatching(/latency_p95 .* is not LTE 1.5× the previous version/),
    });

    const accepted = await call(`mutation($id: ID!) { acceptRollbackDecision(id: $id) { status decidedBy } }`, { id: d.rollbackDecision.id });
    expect(accepted.acceptRollbackDecision).toEqual({ status: 'ROLLED_BACK', decidedBy: expect.any(String) });
    expect((await deployment(canary)).status).toBe('ROLLED_BACK');
    const again = await gql(hub.url, `mutation($id: ID!) { dismissRollbackDecision(id: $id) { status } }`, { id: d.rollbackDecision.id }, ADMIN_TOKEN);
    expect(codeOf(again)).toBe('CONFLICT');
  });

  it('serves the KPI series the verdicts were made from, and refuses bad criteria with typed errors', async () => {
    await deploy('basket', 'prod', '4.0.0');
    await traffic('basket', '4.0.0', 'prod', 60, 6);
    const from = new Date(Date.now() - 600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const series = await call(
      `query($from: DateTime!, $to: DateTime!) { kpiSeries(service: "basket", environment: "prod", version: "4.0.0", metric: "error_rate", from: $from, to: $to, step: 660) { value samples } }`,
      { from, to },
    );
    expect(series.kpiSeries).toEqual([{ value: 0.1, samples: 60 }]);

    const bad = await gql(
      hub.url,
      `mutation { createSuccessCriterion(input: { metric: "Error Rate", comparator: LT, threshold: 1, windowSeconds: 5 }) { id } }`,
      {},
      ADMIN_TOKEN,
    );
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    const missing = await gql(
      hub.url,
      `mutation { createSuccessCriterion(input: { metric: "error_rate", comparator: LT, threshold: 1, windowSeconds: 60, releaseId: "rg:release:nope" }) { id } }`,
      {},
      ADMIN_TOKEN,
    );
    expect(codeOf(missing)).toBe('NOT_FOUND');
  });
});

describe('live KPIs', () => {
  it('pushes the current KPI step at once and each change after, over graphql-ws', async () => {
    await deploy('checkout', 'staging', '7.0.0');
    await traffic('checkout', '7.0.0', 'staging', 50, 5);
    const client = wsClient(hub.url, ADMIN_TOKEN);
    const points: Array<{ value: number; samples: number }> = [];
    const dispose = client.subscribe<{ kpiUpdated: { value: number; samples: number } }>(
      {
        query: `subscription { kpiUpdated(service: "checkout", environment: "staging", version: "7.0.0", metric: "error_rate", step: 3600, intervalSeconds: 1) { value samples } }`,
      },
      { next: (r) => r.data && points.push(r.data.kpiUpdated), error: () => undefined, complete: () => undefined },
    );
    try {
      await waitFor('the first point', async () => points.length >= 1, 10_000);
      expect(points[0]).toEqual({ value: 0.1, samples: 50 });
      await traffic('checkout', '7.0.0', 'staging', 50, 15);
      await waitFor('the changed point', async () => points.length >= 2, 10_000);
      expect(points[1]).toEqual({ value: 0.2, samples: 100 });
    } finally {
      dispose();
      await client.dispose();
    }
  });

  it('pushes a change as soon as OTLP traffic committed it, not at the next interval', async () => {
    await deploy('search', 'staging', '9.0.0');
    await traffic('search', '9.0.0', 'staging', 10, 0);
    const client = wsClient(hub.url, ADMIN_TOKEN);
    const points: Array<{ value: number; samples: number }> = [];
    // Five minutes between looks: only the commit's signal can bring the change within the wait below.
    const dispose = client.subscribe<{ kpiUpdated: { value: number; samples: number } }>(
      {
        query: `subscription { kpiUpdated(service: "search", environment: "staging", version: "9.0.0", metric: "throughput", step: 3600, intervalSeconds: 300) { value samples } }`,
      },
      { next: (r) => r.data && points.push(r.data.kpiUpdated), error: () => undefined, complete: () => undefined },
    );
    try {
      await waitFor('the first point', async () => points.length >= 1, 10_000);
      expect(points[0]!.samples).toBe(10);
      for (const total of [20, 30, 40]) {
        await traffic('search', '9.0.0', 'staging', 10, 0);
        await waitFor(`the point with ${total} spans`, async () => points.at(-1)!.samples === total, 10_000);
      }
    } finally {
      dispose();
      await client.dispose();
    }
  });
});
