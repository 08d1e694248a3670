import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk } from '../src/client.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';
import { waitFor } from '../src/processes.js';

/*
 * Notifications: a rollback decision goes out to Slack and Teams incoming webhooks (in the formats
 * they accept) and to signed generic webhooks, retried with backoff when the receiver fails.
 */

const SECRET = 'notification-signing-secret';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-notify-'));
const received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: string; status: number }> = [];
let flakyFailures = 2;
let receiver: http.Server;
let hub: TestHub;
const call = <T = any>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(hub.url, query, variables, ADMIN_TOKEN);

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = req.url === '/flaky' && flakyFailures-- > 0 ? 503 : 200;
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString(), status });
      res.writeHead(status, status === 503 ? { 'retry-after': '0' } : {}).end(status === 200 ? 'ok' : 'busy');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  const file = path.join(dir, 'releasegraph.yaml');
  fs.writeFileSync(
    file,
    `notifications:
  - { id: ops-slack, kind: slack, url: "${base}/slack" }
  - { id: ops-teams, kind: teams, url: "${base}/teams", events: ["rollback.*"] }
  - { id: automation, kind: webhook, url: "${base}/hook", secret: ${SECRET}, events: ["rollback.decided"] }
  - { id: flaky, kind: webhook, url: "${base}/flaky", secret: ${SECRET}, events: ["rollback.decided"], retry: { base: 20ms, cap: 200ms, attempts: 5 } }
`,
  );
  hub = await startTestHub({ env: { RELEASEGRAPH_CONFIG: file } });
});
afterAll(async () => {
  await hub?.close();
  receiver?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A staging deployment failing its error-rate criterion: a recommended rollback. */
async function failingDeployment(): Promise<string> {
  const service = (await call(`mutation { createService(input: { name: "orders" }) { id } }`)).createService.id;
  const env = (await call(`mutation { createEnvironment(input: { name: "staging", tier: STAGING }) { id } }`)).createEnvironment.id;
  await call(
    `mutation { createSuccessCriterion(input: { metric: "error_rate", comparator: LT, threshold: 0.01, windowSeconds: 300, minSamples: 10 }) { id } }`,
  );
  const deployment = (
    await call(`mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }`, {
      i: { serviceId: service, environmentId: env, version: '9.0.0', status: 'IN_PROGRESS', startedAt: new Date(Date.now() - 60_000) },
    })
  ).createDeployment.id as string;
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: 40 }, (_, i) => ({
    traceId: crypto.randomBytes(16).toString('hex'),
    spanId: crypto.randomBytes(8).toString('hex'),
    name: 'POST /orders',
    kind: 2,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 1_000_000n),
    status: { code: i % 2 ? 2 : 1 },
  }));
  const resource = {
    attributes: [
      { key: 'service.name', value: { stringValue: 'orders' } },
      { key: 'service.version', value: { stringValue: '9.0.0' } },
      { key: 'deployment.environment.name', value: { stringValue: 'staging' } },
    ],
  };
  await fetch(`${hub.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans }] }] }),
  });
  await hub.domain.verifier.evaluate(new Date(Date.now() + 1000));
  return deployment;
}

describe('notifications', () => {
  it('sends a rollback decision to Slack, Teams and signed webhooks, retrying a failing receiver', async () => {
    const deployment = await failingDeployment();
    await waitFor(
      'every channel to receive the decision',
      async () => ['/slack', '/teams', '/hook', '/flaky'].every((p) => received.some((r) => r.path === p && r.status === 200)),
      15_000,
    );

    const slack = JSON.parse(received.find((r) => r.path === '/slack')!.body);
    expect(slack.text).toMatch(/^Rollback recommended: orders 9.0.0 in staging: error_rate 0.5 is not LT 0.01/);
    expect(slack.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'context']);

    const teams = JSON.parse(received.find((r) => r.path === '/teams')!.body);
    expect(teams).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }],
    });
    expect(teams.attachments[0].content.body[0]).toMatchObject({ type: 'TextBlock', text: 'Rollback recommended' });

    const hook = received.find((r) => r.path === '/hook')!;
    const event = JSON.parse(hook.body);
    expect(event).toMatchObject({ type: 'rollback.decided', subjectType: 'Deployment', subjectId: deployment, payload: { mode: 'RECOMMENDED' } });
    const expected = 'sha256=' + crypto.createHmac('sha256', SECRET).update(`${hook.headers['x-releasegraph-timestamp']}.${hook.body}`).digest('hex');
    expect(hook.headers['x-releasegraph-signature']).toBe(expected);
    expect(hook.headers['x-releasegraph-event']).toBe('rollback.decided');

    // The flaky receiver answered 503 twice; the third attempt got through, once.
    expect(received.filter((r) => r.path === '/flaky').map((r) => r.status)).toEqual([503, 503, 200]);
    const deliveries = await hub.db.query(`SELECT channel_id, status, attempts FROM notification_delivery ORDER BY channel_id`);
    expect(deliveries).toEqual([
      { channel_id: 'automation', status: 'sent', attempts: 1 },
      { channel_id: 'flaky', status: 'sent', attempts: 3 },
      { channel_id: 'ops-slack', status: 'sent', attempts: 1 },
      { channel_id: 'ops-teams', status: 'sent', attempts: 1 },
    ]);
    // Verdicts and other events were not for these channels.
    expect(received.filter((r) => r.path === '/slack')).toHaveLength(1);
  });
});
