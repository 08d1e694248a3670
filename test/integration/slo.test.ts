import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gql, gqlOk } from '../src/client.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

/* Error budgets and multi-window burn-rate alerts from the OTLP rollups, checked against hand-computed values. */

let hub: TestHub;
const call = <T = any>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(hub.url, query, variables, ADMIN_TOKEN);
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

async function traffic(version: string, at: Date, requests: number, errors: number, service = 'pay') {
  const start = BigInt(at.getTime()) * 1_000_000n;
  const spans = Array.from({ length: requests }, (_, i) => ({
    traceId: crypto.randomBytes(16).toString('hex'),
    spanId: crypto.randomBytes(8).toString('hex'),
    name: 'POST /pay',
    kind: 2,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 2_000_000n),
    status: { code: i < errors ? 2 : 1 },
  }));
  const resource = {
    attributes: [
      { key: 'service.name', value: { stringValue: service } },
      { key: 'service.version', value: { stringValue: version } },
      { key: 'deployment.environment.name', value: { stringValue: 'prod' } },
    ],
  };
  const res = await fetch(`${hub.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans }] }] }),
  });
  expect(res.status).toBe(200);
}

describe('SLOs', () => {
  it('computes the budget left, fires the burn-rate alerts whose two windows both burn, names the deployments, and charges the release', async () => {
    const now = Date.now();
    const service = (await call(`mutation { createService(input: { name: "pay" }) { id } }`)).createService.id;
    const env = (await call(`mutation { createEnvironment(input: { name: "prod", tier: PROD }) { id } }`)).createEnvironment.id;
    const release = (await call(`mutation { createRelease(input: { name: "Pay 2.0", version: "2.0.0" }) { id } }`)).createRelease.id;
    const deploy = async (version: string, minutesAgo: number, releaseId: string | null) =>
      (
        await call(`mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }`, {
          i: { serviceId: service, environmentId: env, version, status: 'SUCCEEDED', startedAt: new Date(now - minutesAgo * 60_000), releaseId },
        })
      ).createDeployment.id as string;
    const previous = await deploy('1.9.0', 2 * 24 * 60, null);
    const current = await deploy('2.0.0', 55, release);
    await call(`mutation($s: ID!, $e: ID!) { createSlo(input: { name: "pay availability", serviceId: $s, environmentId: $e, objective: 0.99 }) { id } }`, {
      s: service,
      e: env,
    });
    // 50 minutes ago: 1,000 requests, 150 failed. 2 minutes ago: 100 requests, 20 failed.
    await traffic('2.0.0', new Date(now - 50 * 60_000), 1000, 150);
    await traffic('2.0.0', new Date(now - 2 * 60_000), 100, 20);

    const { slos } = await call(
      `{ slos { name status { budgetRemaining goodEvents badEvents alerts { name severity factor longBurnRate shortBurnRate firing deploymentIds } } } }`,
    );
    const status = slos[0].status;
    // Allowed: 1 % of 1,100 = 11 bad; 170 were bad: 1 − 170/11.
    expect(status.budgetRemaining).toBeCloseTo(1 - 170 / 11, 6);
    expect([status.goodEvents, status.badEvents]).toEqual([930, 170]);
    const byName = Object.fromEntries(status.alerts.map((a: { name: string }) => [a.name, a]));
    // fast: 1 h = 170/1100 = 15.45 % → 15.45×; 5 min = 20/100 → 20×; both ≥ 14.4.
    expect(byName.fast).toMatchObject({ severity: 'page', factor: 14.4, firing: true });
    expect(byName.fast.longBurnRate).toBeCloseTo(15.4545, 3);
    expect(byName.fast.shortBurnRate).toBeCloseTo(20, 6);
    expect(byName.fast.deploymentIds).toEqual([current, previous].sort());
    expect(byName.medium).toMatchObject({ firing: true });
    expect(byName.slow).toMatchObject({ severity: 'ticket', firing: true });

    const charged = await call(`query($id: ID!) { release(id: $id) { errorBudget { slo consumed badEvents } } }`, { id: release });
    expect(charged.release.errorBudget).toEqual([{ slo: 'pay availability', consumed: expect.closeTo(170 / 11, 6), badEvents: 170 }]);

    await hub.domain.slos.evaluate(new Date(now));
    const alerts = await hub.db.query(`SELECT payload->>'name' AS alert, release_id FROM release_event WHERE type = 'slo.burn_alert' ORDER BY id`);
    expect(alerts).toEqual([
      { alert: 'fast', release_id: release },
      { alert: 'medium', release_id: release },
      { alert: 'slow', release_id: release },
    ]);
    await hub.domain.slos.evaluate(new Date(now));
    expect(await hub.db.query(`SELECT count(*)::int AS n FROM release_event WHERE type = 'slo.burn_alert'`)).toEqual([{ n: 3 }]);
  });

  it('measures a KPI SLI from a monitoring source: each sample counts its bad fraction', async () => {
    const now = Date.now();
    const service = (await call(`mutation { createService(input: { name: "ledger" }) { id } }`)).createService.id;
    const env = (await call(`query { environments(first: 10) { edges { node { id name } } } }`)).environments.edges.find(
      (e: { node: { name: string } }) => e.node.name === 'prod',
    ).node.id;
    await call(
      `mutation($s: ID!, $e: ID!) { createSlo(input: { name: "ledger errors", serviceId: $s, environmentId: $e, objective: 0.99, sli: KPI, kpiMetric: "error_rate" }) { id } }`,
      {
        s: service,
        e: env,
      },
    );
    // A Prometheus error rate of 2 % every minute for the last hour (as the Prometheus connector stores it).
    await hub.db.query(
      `INSERT INTO kpi_sample (metric, service, environment, version, at, value, connector_id)
       SELECT 'error_rate', 'ledger', 'prod', '3.0.0', $1::timestamptz - m * interval '1 minute', 0.02, 'prom' FROM generate_series(0, 59) m`,
      [new Date(now - 30_000)],
    );
    const { slos } = await call(`{ slos { name status { budgetRemaining badEvents goodEvents alerts { name longBurnRate shortBurnRate firing } } } }`);
    const status = slos.find((s: { name: string }) => s.name === 'ledger errors').status;
    // 2 % against an allowance of 1 %: burning at 2×, the budget overspent by 100 %.
    expect(status.budgetRemaining).toBeCloseTo(-1, 6);
    expect(status.badEvents).toBeCloseTo(1.2, 6);
    expect(status.goodEvents).toBeCloseTo(58.8, 6);
    const fast = status.alerts.find((a: { name: string }) => a.name === 'fast');
    expect(fast).toMatchObject({ firing: false });
    expect(fast.longBurnRate).toBeCloseTo(2, 6);
    expect(status.alerts.find((a: { name: string }) => a.name === 'slow')).toMatchObject({ firing: true });
  });

  it('refuses an objective that is not a fraction below 1', async () => {
    const r = await gql(hub.url, `mutation { createSlo(input: { name: "x", serviceId: "a", environmentId: "b", objective: 99.9 }) { id } }`, {}, ADMIN_TOKEN);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
  });
});

describe('what SLOs read outlives the telemetry retention', () => {
  const DAY = 86_400_000;
  const prodId = async () =>
    (await call(`query { environments(first: 10) { edges { node { id name } } } }`)).environments.edges.find(
      (e: { node: { name: string } }) => e.node.name === 'prod',
    ).node.id as string;

  it('folds rollups past the retention (7 days) into hours that a 30-day SLO still counts, and drops hours past 90 days', async () => {
    const now = Date.now();
    const service = (await call(`mutation { createService(input: { name: "archive" }) { id } }`)).createService.id;
    await call(`mutation($s: ID!, $e: ID!) { createSlo(input: { name: "archive availability", serviceId: $s, environmentId: $e, objective: 0.99 }) { id } }`, {
      s: service,
      e: await prodId(),
    });
    await traffic('1.0.0', new Date(now - 100 * DAY), 50, 50, 'archive'); // past every retention
    await traffic('1.0.0', new Date(now - 20 * DAY), 200, 10, 'archive'); // past the telemetry retention, inside the SLO window
    await traffic('1.0.0', new Date(now - 20 * DAY + 60_000), 100, 4, 'archive'); // the next minute: the same hour
    await traffic('1.1.0', new Date(now - 5 * 60_000), 100, 0, 'archive');
    const status = async () => {
      const { slos } = await call(`{ slos { name status { budgetRemaining goodEvents badEvents } } }`);
      return slos.find((s: { name: string }) => s.name === 'archive availability').status;
    };
    const before = await status();
    expect([before.goodEvents, before.badEvents]).toEqual([386, 14]);

    // Two instances sweeping at once: every minute row is folded exactly once.
    await Promise.all([hub.domain.telemetry.sweep(new Date(now)), hub.domain.telemetry.sweep(new Date(now))]);
    const rows = (table: string, column: string) =>
      hub.db.query(
        `SELECT ${column} AS at, sum(spans)::int AS spans, sum(errors)::int AS errors FROM ${table} WHERE service = 'archive' GROUP BY 1 ORDER BY 1`,
      );
    expect(await rows('span_rollup', 'minute')).toEqual([{ at: expect.any(Date), spans: 100, errors: 0 }]);
    const hourOf = (ms: number) => new Date(Math.floor(ms / 3_600_000) * 3_600_000);
    const twentyDaysAgo = now - 20 * DAY;
    expect(await rows('span_rollup_hour', 'hour')).toEqual(
      // The two minutes fall in one hour unless they straddle its end.
      hourOf(twentyDaysAgo).getTime() === hourOf(twentyDaysAgo + 60_000).getTime()
        ? [{ at: hourOf(twentyDaysAgo), spans: 300, errors: 14 }]
        : [
            { at: hourOf(twentyDaysAgo), spans: 200, errors: 10 },
            { at: hourOf(twentyDaysAgo + 60_000), spans: 100, errors: 4 },
          ],
    );
    expect(await status()).toEqual(before);
  });

  it('keeps KPI samples for their retention (90 days by default), and deletes older ones in the same round', async () => {
    const now = Date.now();
    const ages = [120, 91, 89, 1];
    await hub.db.query(
      `INSERT INTO kpi_sample (metric, service, environment, version, at, value, connector_id)
       SELECT 'conversion', 'kept-kpi', 'prod', '1.0.0', $1::timestamptz - d * interval '1 day', 0.5, 'prom' FROM unnest($2::int[]) d`,
      [new Date(now), ages],
    );
    await hub.domain.telemetry.sweep(new Date(now));
    const left = (await hub.db.query(
      `SELECT round(extract(epoch FROM $1::timestamptz - at) / 86400)::int AS days FROM kpi_sample WHERE service = 'kept-kpi' ORDER BY at`,
      [new Date(now)],
    )) as Array<{ days: number }>;
    expect(left.map((r) => r.days)).toEqual([89, 1]);
  });
});

describe('KPI retention shorter than a KPI SLO', () => {
  it('never deletes samples inside the window of a KPI SLO, whatever telemetry.kpiRetention says', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-slo-'));
    const file = path.join(dir, 'releasegraph.yaml');
    fs.writeFileSync(file, 'telemetry:\n  kpiRetention: 48h\n');
    const custom = await startTestHub({ env: { RELEASEGRAPH_CONFIG: file } });
    try {
      const q = <T = any>(query: string) => gqlOk<T>(custom.url, query, {}, ADMIN_TOKEN);
      const s = (await q(`mutation { createService(input: { name: "ledger" }) { id } }`)).createService.id;
      const e = (await q(`mutation { createEnvironment(input: { name: "prod", tier: PROD }) { id } }`)).createEnvironment.id;
      const now = Date.now();
      await custom.db.query(
        `INSERT INTO kpi_sample (metric, service, environment, version, at, value, connector_id)
         SELECT 'error_rate', 'ledger', 'prod', '1.0.0', $1::timestamptz - d * interval '1 day', 0.02, 'prom' FROM unnest($2::int[]) d`,
        [new Date(now), [40, 20, 5, 1]],
      );
      const days = async () =>
        (
          (await custom.db.query(`SELECT round(extract(epoch FROM $1::timestamptz - at) / 86400)::int AS days FROM kpi_sample ORDER BY at`, [
            new Date(now),
          ])) as Array<{ days: number }>
        ).map((r) => r.days);
      // Without a KPI SLO the samples stay for the longest success-criterion window (7 days), not 2.
      await custom.domain.telemetry.sweep(new Date(now));
      expect(await days()).toEqual([5, 1]);
      await custom.db.query(
        `INSERT INTO kpi_sample (metric, service, environment, version, at, value, connector_id)
         SELECT 'error_rate', 'ledger', 'prod', '1.0.0', $1::timestamptz - d * interval '1 day', 0.02, 'prom' FROM unnest($2::int[]) d`,
        [new Date(now), [40, 20]],
      );
      await q(
        `mutation { createSlo(input: { name: "ledger errors", serviceId: "${s}", environmentId: "${e}", objective: 0.99, sli: KPI, kpiMetric: "error_rate", windowDays: 30 }) { id } }`,
      );
      await custom.domain.telemetry.sweep(new Date(now));
      expect(await days()).toEqual([20, 5, 1]);
    } finally {
      await custom.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configured burn-rate alerts', () => {
  it('uses the alert rules of the config file instead of the workbook pairs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-slo-'));
    const file = path.join(dir, 'releasegraph.yaml');
    fs.writeFileSync(file, 'slo:\n  burnAlerts:\n    - { name: quick, severity: page, long: 10m, short: 1m, factor: 2 }\n');
    const custom = await startTestHub({ env: { RELEASEGRAPH_CONFIG: file } });
    try {
      const q = <T = any>(query: string) => gqlOk<T>(custom.url, query, {}, ADMIN_TOKEN);
      const s = (await q(`mutation { createService(input: { name: "pay" }) { id } }`)).createService.id;
      const e = (await q(`mutation { createEnvironment(input: { name: "prod", tier: PROD }) { id } }`)).createEnvironment.id;
      await q(`mutation { createSlo(input: { name: "pay", serviceId: "${s}", environmentId: "${e}", objective: 0.9 }) { id } }`);
      const { slos } = await q(`{ slos { status { alerts { name longWindowSeconds shortWindowSeconds factor firing } } } }`);
      expect(slos[0].status.alerts).toEqual([{ name: 'quick', longWindowSeconds: 600, shortWindowSeconds: 60, factor: 2, firing: false }]);
    } finally {
      await custom.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
