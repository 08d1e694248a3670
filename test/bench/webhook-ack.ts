/**
 * Webhook acknowledgement: p99 latency of signed GitHub push deliveries (each a new delivery with a
 * new commit) at a fixed 500 requests/s on loopback, through POST /hooks/github: verify, convert,
 * write rows + event + audit entry, answer 202. The reference, in the same run and at the same rate:
 * a plain node:http server that reads the body, checks the same HMAC and answers 202 without
 * storing anything. Target: hub p99 < 50 ms. Writes test/bench/report-webhook-ack.json.
 */
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase } from '../src/database.js';
import { setup as setupPostgres } from '../src/global-setup.js';
import { startHubProcess } from './process.js';

const here = import.meta.dirname;
const RATE = Number(process.env.BENCH_RATE ?? 500);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const SECRET = 'bench-webhook-secret';

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** Signed pushes, made before the clock starts (so the load generator stays light): each a new delivery with a new commit. */
function deliveries(count: number, salt: string): Delivery[] {
  return Array.from({ length: count }, (_, n) => {
    const sha = crypto.createHash('sha1').update(`${salt}-${n}`).digest('hex');
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { name: 'payments', full_name: 'acme/payments' },
      commits: [{ id: sha, message: `OPS-${n % 500}: change ${n}`, timestamp: new Date().toISOString(), author: { name: 'Bench', username: 'bench' } }],
    });
    const signature = 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex');
    return {
      body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': signature },
    };
  });
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/**
 * Sends the deliveries at a constant rate (open loop: one every 1/RATE s, whether or not earlier ones
 * were answered) over keep-alive connections, and measures each from its scheduled send time, so a
 * stall counts against every request it delays (no coordinated omission).
 */
async function measure(url: string, load: Delivery[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const intervalMs = 1000 / RATE;
  await new Promise<void>((resolve) => {
    let sent = 0;
    let done = 0;
    const tick = () => {
      const due = Math.min(load.length, Math.floor((performance.now() - started) / intervalMs) + 1);
      for (; sent < due; sent++) {
        const scheduledAt = started + sent * intervalMs;
        const d = load[sent]!;
        const req = http.request(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            agent,
            headers: { ...d.headers, 'content-length': Buffer.byteLength(d.body) },
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode !== 202) failures++;
              latencies.push(performance.now() - scheduledAt);
              if (++done === load.length) resolve();
            });
          },
        );
        req.on('error', () => {
          failures++;
          if (++done === load.length) resolve();
        });
        req.end(d.body);
      }
      if (sent < load.length) setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
    };
    tick();
  });
  agent.destroy();
  if (failures) throw new Error(`${url}: ${failures} requests failed`);
  const sorted = latencies.sort((a, b) => a - b);
  const seconds = (performance.now() - started) / 1000;
  const ms = (v: number) => Number(v.toFixed(1));
  return {
    requests: load.length,
    requestsPerSecond: Math.round(load.length / seconds),
    p50Ms: ms(percentile(sorted, 0.5)),
    p99Ms: ms(percentile(sorted, 0.99)),
    maxMs: ms(sorted[sorted.length - 1]!),
  };
}

/** The reference: read, verify, answer. */
function referenceServer(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const expected = 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex');
      const given = String(req.headers['x-hub-signature-256'] ?? '');
      const ok = given.length === expected.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      res.writeHead(ok ? 202 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ outcome: ok ? 'recorded' : 'refused' }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const teardownPostgres = await setupPostgres();
const database = await createTestDatabase();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-bench-hooks-'));
const children: ChildProcess[] = [];
let reference: http.Server | undefined;
try {
  const configFile = path.join(dir, 'releasegraph.yaml');
  fs.writeFileSync(configFile, 'connectors:\n  - { id: github, kind: github, webhookSecret: ${BENCH_GH_SECRET} }\n');
  const hub = await startHubProcess({ DATABASE_URL: database.url, RELEASEGRAPH_CONFIG: configFile, BENCH_GH_SECRET: SECRET });
  children.push(hub.child);
  reference = await referenceServer();
  const referenceUrl = `http://127.0.0.1:${(reference.address() as { port: number }).port}/hooks/github`;

  await measure(`${hub.url}/hooks/github`, deliveries(RATE, 'warm-up')); // warm-up, not reported
  const hubResult = await measure(`${hub.url}/hooks/github`, deliveries(RATE * DURATION, `run-${process.pid}`));
  // The hub writes the acknowledged deliveries right after; the reference runs once it is done (a fair, quiet machine).
  const pending = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_delivery WHERE status = 'pending'`)).rows[0]!.n;
    } finally {
      await client.end();
    }
  };
  const settleStarted = performance.now();
  while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 100));
  const settleMs = performance.now() - settleStarted;
  const referenceResult = await measure(referenceUrl, deliveries(RATE * DURATION, 'reference'));
  const report = {
    benchmark: 'signed GitHub push webhook acknowledgement at a fixed rate',
    at: new Date().toISOString(),
    ratePerSecond: RATE,
    durationSeconds: DURATION,
    hub: { ...hubResult, processedAllWithinMsAfterLoad: Math.round(settleMs) },
    reference: { ...referenceResult, what: 'node:http: read the body, check the HMAC, answer 202 (nothing stored)' },
    target: 'hub p99 < 50 ms',
    meetsTarget: hubResult.p99Ms < 50,
  };
  fs.writeFileSync(path.join(here, 'report-webhook-ack.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`
webhook acknowledgement, ${RATE} deliveries/s for ${DURATION}s (each a new signed push)
  hub /hooks/github         p50 ${hubResult.p50Ms} ms   p99 ${hubResult.p99Ms} ms   max ${hubResult.maxMs} ms   (${hubResult.requestsPerSecond.toFixed(0)} req/s; every delivery written ${Math.round(settleMs)} ms after the load ended)
  reference (verify only)   p50 ${referenceResult.p50Ms} ms   p99 ${referenceResult.p99Ms} ms   max ${referenceResult.maxMs} ms
  ${report.meetsTarget ? 'meets the target (p99 < 50 ms)' : 'DOES NOT meet the target (p99 < 50 ms)'}`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  reference?.close();
  await new Promise((r) => setTimeout(r, 500));
  await database.drop();
  await teardownPostgres();
  fs.rmSync(dir, { recursive: true, force: true });
}
