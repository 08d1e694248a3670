import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk } from '../src/client.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

/* Synthetic checks after a deployment: a W3C traceparent on each request, results as events and as verdict input. */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-synthetics-'));
const seen: Array<{ path: string; traceparent: string | undefined }> = [];
let target: http.Server;
let hub: TestHub;
const call = <T = any>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(hub.url, query, variables, ADMIN_TOKEN);

beforeAll(async () => {
  target = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', traceparent: req.headers.traceparent as string | undefined });
    res.writeHead(req.url === '/broken' ? 503 : 200).end('ok');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(target.address() as { port: number }).port}`;
  const file = path.join(dir, 'releasegraph.yaml');
  fs.writeFileSync(
    file,
    `verification: { interval: 1h }
synthetics:
  - { id: web-home, service: web, environment: prod, url: "${base}/health", interval: 5m }
  - { id: api-orders, service: api, environment: prod, url: "${base}/broken", interval: 5m }
`,
  );
  hub = await startTestHub({ env: { RELEASEGRAPH_CONFIG: file } });
});
afterAll(async () => {
  await hub?.close();
  target?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function succeededDeployment(service: string, env: string): Promise<string> {
  const serviceId = (await call(`mutation($n: String!) { createService(input: { name: $n }) { id } }`, { n: service })).createService.id;
  return (
    await call(`mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }`, {
      i: { serviceId, environmentId: env, version: '1.0.0', status: 'SUCCEEDED', startedAt: new Date(Date.now() - 60_000) },
    })
  ).createDeployment.id;
}

describe('synthetic checks', () => {
  it('checks a deployment that succeeded, with a traceparent, and feeds the result to its success criteria', async () => {
    const env = (await call(`mutation { createEnvironment(input: { name: "prod", tier: PROD }) { id } }`)).createEnvironment.id;
    await call(
      `mutation { createSuccessCriterion(input: { metric: "synthetic_success", comparator: GTE, threshold: 1, windowSeconds: 600, minSamples: 1 }) { id } }`,
    );
    const web = await succeededDeployment('web', env);
    const api = await succeededDeployment('api', env);

    const now = Date.now();
    await hub.domain.synthetics.tick(new Date(now)); // (the hub's own round may have run them already: once either way)
    // Not again before the interval (and without a stabilization window, not again at all).
    expect(await hub.domain.synthetics.tick(new Date(now + 60_000))).toBe(0);
    expect(await hub.db.query(`SELECT check_id, count(*)::int AS runs FROM synthetic_result GROUP BY 1 ORDER BY 1`)).toEqual([
      { check_id: 'api-orders', runs: 1 },
      { check_id: 'web-home', runs: 1 },
    ]);

    const health = seen.find((s) => s.path === '/health')!;
    expect(health.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const results = await call(`query($id: ID!) { node(id: $id) { ... on Deployment { syntheticResults { checkId ok status traceId error } } } }`, { id: web });
    expect(results.node.syntheticResults).toEqual([{ checkId: 'web-home', ok: true, status: 200, traceId: health.traceparent!.split('-')[1], error: null }]);

    await hub.domain.verifier.evaluate(new Date(now + 1000));
    const verdicts = async (id: string) =>
      (await call(`query($id: ID!) { node(id: $id) { ... on Deployment { verdicts { outcome observed samples } } } }`, { id })).node.verdicts;
    expect(await verdicts(web)).toEqual([{ outcome: 'PASS', observed: 1, samples: 1 }]);
    expect(await verdicts(api)).toEqual([{ outcome: 'FAIL', observed: 0, samples: 1 }]);
    const events = await hub.db.query(`SELECT type, payload->>'error' AS error FROM release_event WHERE type LIKE 'synthetic.%' ORDER BY id`);
    expect(events).toEqual(
      expect.arrayContaining([
        { type: 'synthetic.passed', error: null },
        { type: 'synthetic.failed', error: 'answered 503, expected 200' },
      ]),
    );
  });
});
