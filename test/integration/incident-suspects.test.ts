import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk } from '../src/client.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

/*
 * Trace-correlated incidents: a PagerDuty incident (signed webhook) meets the spans the OTLP
 * receiver kept, and the deployments behind them are ranked by the errors their versions carry.
 */

const SECRET = 'pagerduty-secret-for-suspects';
const FIXTURES = path.resolve(import.meta.dirname, '../../connectors/src');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-suspects-'));
let hub: TestHub;
const ids: Record<string, string> = {};
const call = <T = any>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(hub.url, query, variables, ADMIN_TOKEN);

beforeAll(async () => {
  const file = path.join(dir, 'releasegraph.yaml');
  fs.writeFileSync(file, `connectors:\n  - { id: pagerduty, kind: pagerduty, webhookSecret: ${SECRET} }\n`);
  hub = await startTestHub({ env: { RELEASEGRAPH_CONFIG: file } });
  for (const name of ['web', 'checkout', 'search'])
    ids[name] = (await call(`mutation($n: String!) { createService(input: { name: $n }) { id } }`, { n: name })).createService.id;
  ids.prod = (await call(`mutation { createEnvironment(input: { name: "prod", tier: PROD }) { id } }`)).createEnvironment.id;
});
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const minutesAgo = (m: number, from = Date.now()) => new Date(from - m * 60_000);

async function deploy(service: string, version: string, startedAt: Date, releaseId: string | null = null): Promise<string> {
  const input = { serviceId: ids[service], environmentId: ids.prod, version, status: 'SUCCEEDED', startedAt, releaseId };
  return (await call(`mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }`, { i: input })).createDeployment.id;
}

interface SpanSpec {
  service: string;
  version: string;
  error: boolean;
}

/** Sends traces; each trace is a chain of spans across services (the first is the root), at `at`. */
async function sendTraces(traces: SpanSpec[][], at: Date): Promise<string[]> {
  const byService = new Map<string, { version: string; spans: unknown[] }>();
  const traceIds: string[] = [];
  const start = BigInt(at.getTime()) * 1_000_000n;
  for (const chain of traces) {
    const traceId = crypto.randomBytes(16).toString('hex');
    traceIds.push(traceId);
    let parent: string | undefined;
    for (const s of chain) {
      const spanId = crypto.randomBytes(8).toString('hex');
      const entry = byService.get(s.service) ?? { version: s.version, spans: [] };
      entry.spans.push({
        traceId,
        spanId,
        ...(parent ? { parentSpanId: parent } : {}),
        name: `${s.service} call`,
        kind: 2,
        startTimeUnixNano: String(start),
        endTimeUnixNano: String(start + 5_000_000n),
        status: { code: s.error ? 2 : 1 },
      });
      byService.set(s.service, entry);
      parent = spanId;
    }
  }
  const resourceSpans = [...byService].map(([service, { version, spans }]) => ({
    resource: {
      attributes: [
        { key: 'service.name', value: { stringValue: service } },
        { key: 'service.version', value: { stringValue: version } },
        { key: 'deployment.environment.name', value: { stringValue: 'prod' } },
      ],
    },
    scopeSpans: [{ scope: { name: 't' }, spans }],
  }));
  const res = await fetch(`${hub.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans }) });
  expect(res.status).toBe(200);
  return traceIds;
}

/** A PagerDuty incident.triggered for `service`, opened at `at`. */
async function page(number: number, service: string, at: Date): Promise<string> {
  const payload = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pagerduty/fixtures/incident-triggered-high-urgency.json'), 'utf8'));
  payload.event.id = `EVT-SUSPECT-${number}`;
  Object.assign(payload.event.data, { id: `PSUS${number}`, number, title: `${service} errors`, created_at: at.toISOString() });
  payload.event.data.service = { ...payload.event.data.service, summary: service };
  payload.event.occurred_at = at.toISOString();
  const body = JSON.stringify(payload);
  const signature = 'v1=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex');
  const res = await fetch(`${hub.url}/hooks/pagerduty`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signature },
    body,
  });
  expect(res.status).toBe(202);
  await hub.domain.connectors.settled();
  return `pagerduty:incident:PSUS${number}`;
}

const suspectsOf = (id: string) =>
  call(
    `query($id: ID!) { node(id: $id) { ... on Incident { correlationSummary suspects { service version confidence errorSpans errorTraces changeKeys evidence } } } }`,
    {
      id,
    },
  ).then((r) => r.node);

describe('incident suspects', () => {
  it('ranks first the deployment whose new version carries the errors, not the last one before the incident', async () => {
    const now = Date.now();
    const release = (await call(`mutation { createRelease(input: { name: "Checkout 2.0", version: "2.0.0" }) { id } }`)).createRelease.id as string;
    await call(`mutation($r: ID!) { createChange(input: { key: "CHG0080001", title: "Retry card authorisation", releaseId: $r }) { id } }`, { r: release });
    await deploy('web', '7.0.0', minutesAgo(3 * 24 * 60, now));
    await deploy('checkout', '1.9.0', minutesAgo(2 * 24 * 60, now));
    await deploy('checkout', '2.0.0', minutesAgo(6, now), release);
    await deploy('search', '5.1.0', minutesAgo(2, now)); // the last deployment before the incident, and healthy
    // Web requests fail where checkout 2.0.0 fails underneath; search answers fine.
    const failing = Array.from({ length: 30 }, () => [
      { service: 'web', version: '7.0.0', error: true },
      { service: 'checkout', version: '2.0.0', error: true },
    ]);
    const healthy = Array.from({ length: 60 }, (_, i) => [
      { service: 'web', version: '7.0.0', error: false },
      i % 2 ? { service: 'checkout', version: '2.0.0', error: false } : { service: 'search', version: '5.1.0', error: false },
    ]);
    await sendTraces([...failing, ...healthy], minutesAgo(1, now));
    const incident = await page(9001, 'web', new Date(now));

    const { suspects, correlationSummary } = await suspectsOf(incident);
    expect(suspects.map((s: { service: string; version: string }) => `${s.service} ${s.version}`)).toEqual(['checkout 2.0.0']);
    expect(suspects[0]).toMatchObject({ errorSpans: 30, errorTraces: 30, changeKeys: ['CHG0080001'], confidence: expect.any(Number) });
    expect(suspects[0].confidence).toBeGreaterThan(0.9);
    expect(suspects[0].evidence[0]).toMatch(/^30 error span\(s\) of checkout 2.0.0 in prod/);
    expect(correlationSummary).toMatch(/^checkout 2.0.0 in prod carries 100 % of the errors on new versions/);
  });

  it('splits the blame by evidence when two new versions both fail, the one with more errors first', async () => {
    const now = Date.now() - 6 * 3_600_000; // an earlier, separate hour
    await deploy('search', '5.2.0', minutesAgo(10, now));
    await deploy('checkout', '2.1.0', minutesAgo(4, now));
    await sendTraces(
      [
        ...Array.from({ length: 8 }, () => [{ service: 'checkout', version: '2.1.0', error: true }]),
        ...Array.from({ length: 24 }, () => [{ service: 'search', version: '5.2.0', error: true }]),
      ],
      minutesAgo(1, now),
    );
    const { suspects } = await suspectsOf(await page(9002, 'web', new Date(now)));
    expect(suspects.map((s: { service: string; version: string; errorSpans: number }) => [s.service, s.version, s.errorSpans])).toEqual([
      ['search', '5.2.0', 24],
      ['checkout', '2.1.0', 8],
    ]);
    expect(suspects[0].confidence).toBeGreaterThan(suspects[1].confidence);
  });

  it('attributes nothing when no new version carries errors, and says so', async () => {
    const now = Date.now() - 30 * 3_600_000;
    await deploy('checkout', '2.2.0', minutesAgo(5, now));
    await deploy('search', '5.3.0', minutesAgo(3, now));
    // Only an old, undeployed-recently version errors (web 7.0.0 has run for days).
    await sendTraces(
      [
        ...Array.from({ length: 20 }, () => [{ service: 'web', version: '7.0.0', error: true }]),
        ...Array.from({ length: 20 }, () => [
          { service: 'web', version: '7.0.0', error: false },
          { service: 'checkout', version: '2.2.0', error: false },
        ]),
      ],
      minutesAgo(1, now),
    );
    const { suspects, correlationSummary } = await suspectsOf(await page(9003, 'web', new Date(now)));
    expect(suspects).toEqual([]);
    expect(correlationSummary).toMatch(/^No errors on any of the \d+ version\(s\) deployed in the 24 h before the incident/);
  });
});

describe('incidents Releasegraph opens itself', () => {
  it('opens an incident on an error spike of a new version beyond the service baseline, with failing traces that point at it', async () => {
    const now = Date.now() - 60 * 3_600_000; // a separate, quiet hour
    await deploy('search', '6.0.0', minutesAgo(90, now));
    await deploy('search', '6.1.0', minutesAgo(4, now));
    // The last hour: 6.0.0 at 1 % errors. The last minutes: 6.1.0 at 30 %.
    await sendTraces(
      Array.from({ length: 300 }, (_, i) => [{ service: 'search', version: '6.0.0', error: i < 3 }]),
      minutesAgo(30, now),
    );
    await sendTraces(
      Array.from({ length: 100 }, (_, i) => [{ service: 'search', version: '6.1.0', error: i < 30 }]),
      minutesAgo(1, now),
    );
    await hub.domain.spikes.tick(new Date(now));
    const [incident] = await hub.db.query(`SELECT id, title, severity, status, cardinality(trace_ids) AS traces FROM incident WHERE source = 'releasegraph'`);
    expect(incident).toMatchObject({
      id: expect.stringMatching(/^releasegraph:incident:search@6\.1\.0@prod@\d{8}T\d{6}$/),
      title: 'Error spike on search 6.1.0 in prod: 30 % of requests fail (baseline 1 %)',
      severity: 'SEV1',
      status: 'TRIGGERED',
      traces: 10,
    });
    const { suspects } = await suspectsOf(incident.id);
    expect(suspects[0]).toMatchObject({ service: 'search', version: '6.1.0', errorSpans: 30 });
    expect(suspects[0].evidence).toContain("10 of the incident's 10 trace(s) pass through search 6.1.0");
    // A second round opens nothing new; a healthy version opens nothing at all.
    await hub.domain.spikes.tick(new Date(now));
    expect(await hub.db.query(`SELECT count(*)::int AS n FROM incident WHERE source = 'releasegraph'`)).toEqual([{ n: 1 }]);
  });
});
