/**
 * pnpm bench: the Live KPIs view of the built dashboard in headless Chromium (Debian's) against a
 * hub on loopback, next to a reference page that draws the same ECharts chart from the same hub
 * over a raw WebSocket (kpi-reference.html). Both set the same performance marks.
 *  - first paint: navigation to the first chart painted with its data (target <= 1.5 s);
 *  - event to repaint at 10 events/s: an OTLP span is sent, the hub's kpiUpdated pushes the changed
 *    step, the chart repaints it (target p95 <= 150 ms);
 *  - JavaScript per route, gzip (from Vite's manifest).
 * Writes test/bench/report-dashboard.json.
 */
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase } from '../src/database.js';
import { setup as setupPostgres } from '../src/global-setup.js';
import { ADMIN_TOKEN } from '../src/hub.js';
import { startProcess } from './process.js';

const here = import.meta.dirname;
const dashboardDir = path.resolve(here, '../../dashboard');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const EVENT_SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const EVENTS_PER_SECOND = 10;
/** Points on the chart: both versions together. */
const POINTS = Number(process.env.BENCH_POINTS ?? 100_000);
const STEP_SECONDS = 60;
/** The view's look-back covering the seeded points (100k minutes ≈ 69 days). */
const RANGE = '90d';
const RANGE_MS = 90 * 24 * 3_600_000;

const SCOPE = { service: 'checkout', environment: 'production', metric: 'throughput' };
const VERSIONS = { previous: '1.0.0', current: '2.0.0' };

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const median = (values: number[]): number => quantile(values, 0.5);
const round = (n: number): number => Math.round(n * 10) / 10;

async function graphql<T>(hubUrl: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${hubUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * The estate: checkout 1.0.0 then 2.0.0 in production, and a minute rollup per step for each, so
 * the chart holds POINTS points. The rollups are written straight into the table: they are the
 * benchmark's fixture, not what it measures.
 */
async function seed(hubUrl: string, databaseUrl: string): Promise<void> {
  const perVersion = Math.floor(POINTS / 2);
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const from = new Date(now - 2 * perVersion * STEP_SECONDS * 1000);
  const switchAt = new Date(now - perVersion * STEP_SECONDS * 1000);
  const { createService } = await graphql<{ createService: { id: string } }>(
    hubUrl,
    `
      mutation {
        createService(input: { name: "checkout" }) {
          id
        }
      }
    `,
  );
  const { createEnvironment } = await graphql<{ createEnvironment: { id: string } }>(
    hubUrl,
    `
      mutation {
        createEnvironment(input: { name: "production", tier: PROD }) {
          id
        }
      }
    `,
  );
  for (const [version, startedAt] of [
    [VERSIONS.previous, from],
    [VERSIONS.current, switchAt],
  ] as const) {
    await graphql(
      hubUrl,
      `
        mutation ($i: CreateDeploymentInput!) {
          createDeployment(input: $i) {
            id
          }
        }
      `,
      {
        i: { serviceId: createService.id, environmentId: createEnvironment.id, version, status: 'SUCCEEDED', startedAt: startedAt.toISOString() },
      },
    );
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const [version, start] of [
      [VERSIONS.previous, from],
      [VERSIONS.current, switchAt],
    ] as const) {
      // The previous version until the switch, the current one since; traffic rises and falls over the day.
      await client.query(
        `INSERT INTO span_rollup (minute, service, version, environment, bucket, spans, errors, duration_sum_ms)
         SELECT m, 'checkout', $1, 'production', 5, 600 + (300 * sin(extract(epoch FROM m) / 13751))::int, 0, 12000
         FROM generate_series($2::timestamptz, $3::timestamptz - interval '1 minute', interval '1 minute') AS m`,
        [version, version === VERSIONS.previous ? from : start, version === VERSIONS.previous ? switchAt : new Date(now)],
      );
    }
  } finally {
    await client.end();
  }
}

/** One OTLP/JSON span of checkout 2.0.0 in production, now. */
function span(): unknown {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: SCOPE.service } },
            { key: 'service.version', value: { stringValue: VERSIONS.current } },
            { key: 'deployment.environment.name', value: { stringValue: SCOPE.environment } },
          ],
        },
        scopeSpans: [
          {
            spans: [
              {
                traceId: crypto.randomBytes(16).toString('hex'),
                spanId: crypto.randomBytes(8).toString('hex'),
                name: 'GET /cart',
                kind: 2,
                startTimeUnixNano: String(now - 5_000_000n),
                endTimeUnixNano: String(now),
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  };
}

interface Repaint {
  version: string;
  at: string;
  samples?: number;
  value: number | null;
  paintedAt: number;
}

const repaintsOf = (page: Page): Promise<Repaint[]> =>
  page.evaluate(() =>
    performance.getEntriesByName('releasegraph:kpi:repaint').map((m) => ({
      ...(m as unknown as { detail: Omit<Repaint, 'paintedAt'> }).detail,
      paintedAt: performance.timeOrigin + m.startTime,
    })),
  );

/** Navigation to the first painted chart, in ms (the mark's time is relative to the navigation). */
async function firstPaint(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  try {
    const handle = await page.waitForFunction(() => performance.getEntriesByName('releasegraph:kpi:first-paint')[0]?.startTime, null, {
      timeout: 60_000,
      polling: 20,
    });
    return (await handle.jsonValue()) as number;
  } catch (error) {
    const shot = path.resolve(here, '../artifacts/bench-dashboard-failure.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    throw new Error(`${url} never painted its chart (screenshot: ${shot})`, { cause: error });
  }
}

/**
 * Sends one span every 100 ms for EVENT_SECONDS (open loop) and measures, for each, the time until
 * the chart painted a step that counts it: the n-th span of a minute is painted when the repaint of
 * that minute shows at least n samples.
 */
async function eventToRepaint(page: Page, hubUrl: string): Promise<number[]> {
  const sent: Array<{ minute: number; nth: number; at: number }> = [];
  const perMinute = new Map<number, number>();
  const baseline = (await repaintsOf(page)).length;
  const total = EVENT_SECONDS * EVENTS_PER_SECOND;
  // Spans already counted in the current minute (an earlier run's): the n-th span of this run is n + that.
  const current = Math.floor(Date.now() / 60_000) * 60_000;
  const { kpiSeries } = await graphql<{ kpiSeries: Array<{ at: string; samples: number }> }>(
    hubUrl,
    `query($from: DateTime!, $to: DateTime!) { kpiSeries(service: "checkout", environment: "production", version: "${VERSIONS.current}", metric: "${SCOPE.metric}", from: $from, to: $to, step: 60) { at samples } }`,
    { from: new Date(current).toISOString(), to: new Date(current + 60_000).toISOString() },
  );
  perMinute.set(current, kpiSeries.find((p) => Date.parse(p.at) === current)?.samples ?? 0);
  const started = Date.now();
  const posts: Promise<unknown>[] = [];
  let failure: unknown = null;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / EVENTS_PER_SECOND;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    const at = Date.now();
    const minute = Math.floor(at / 60_000) * 60_000;
    posts.push(
      fetch(`${hubUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(span()) })
        .then((r) => {
          if (r.status !== 200) throw new Error(`OTLP answered ${r.status}`);
        })
        // Kept for after the loop: an unhandled rejection would end the process before its clean-up.
        .catch((error: unknown) => (failure ??= error)),
    );
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    sent.push({ minute, nth: perMinute.get(minute)!, at });
  }
  await Promise.all(posts);
  if (failure) throw failure;
  await new Promise((r) => setTimeout(r, 2000));
  const repaints = (await repaintsOf(page)).slice(baseline).filter((r) => r.version === VERSIONS.current);
  const latencies: number[] = [];
  for (const event of sent) {
    const painted = repaints.find((r) => Date.parse(r.at) === event.minute && (r.samples ?? 0) >= event.nth && r.paintedAt >= event.at);
    if (!painted) throw new Error(`span ${event.nth} of minute ${new Date(event.minute).toISOString()} was never painted`);
    latencies.push(painted.paintedAt - event.at);
  }
  return latencies;
}

/** The gzip size of the JavaScript each route loads: the entry and its imports, then the route's chunk and its imports. */
function bundlePerRoute(): Record<string, { files: number; gzipBytes: number }> {
  const dist = path.join(dashboardDir, 'dist');
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8')) as Record<
    string,
    { file: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[] }
  >;
  const closure = (key: string, into: Set<string>): Set<string> => {
    const chunk = manifest[key];
    if (!chunk || into.has(chunk.file)) return into;
    into.add(chunk.file);
    for (const imported of chunk.imports ?? []) closure(imported, into);
    return into;
  };
  const gzip = (files: Set<string>) =>
    [...files].filter((f) => f.endsWith('.js')).reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length, 0);
  const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
  const routes: Record<string, string> = {
    '/ (status board)': 'src/views/StatusBoardView.vue',
    '/releases/:id': 'src/views/ReleaseView.vue',
    '/kpis': 'src/views/KpisView.vue',
    '/incidents': 'src/views/IncidentsView.vue',
    '/stabilization': 'src/views/StabilizationView.vue',
    '/connectors': 'src/views/ConnectorsView.vue',
  };
  const report: Record<string, { files: number; gzipBytes: number }> = {};
  const base = closure(entry, new Set());
  report['entry (sign-in, layout)'] = { files: base.size, gzipBytes: gzip(base) };
  for (const [route, view] of Object.entries(routes)) {
    if (!manifest[view]) throw new Error(`${view} is not in the build manifest`);
    const files = closure(view, new Set(base));
    report[route] = { files: files.size, gzipBytes: gzip(files) };
  }
  return report;
}

const teardownPostgres = await setupPostgres();
const database = await createTestDatabase();
const children: ChildProcess[] = [];
const closers: Array<() => Promise<void>> = [];
let browser: Browser | undefined;
try {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
  const hub = await startProcess(
    'node',
    ['--max-semi-space-size=64', path.resolve(here, '../../server/dist/main.js')],
    {
      DATABASE_URL: database.url,
      PORT: '0',
      RELEASEGRAPH_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'info',
      RELEASEGRAPH_CONFIG: '/dev/null',
      NODE_ENV: 'production',
    },
    /"url":"(http:\/\/[^"]+)"/,
  );
  children.push(hub.child);
  const hubUrl = hub.match[1]!;
  await seed(hubUrl, database.url);
  const viewer = await graphql<{ viewer: unknown }>(hubUrl, '{ viewer { name role permissions } }');

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Signed in, as after the sign-in form: the token in session storage.
  await context.addInitScript(
    ({ token, viewer }) => {
      // Runs in the page (the test package has no DOM typings).
      const storage = (globalThis as any).sessionStorage as { setItem(key: string, value: string): void };
      storage.setItem('releasegraph.token', token);
      storage.setItem('releasegraph.viewer', JSON.stringify(viewer));
    },
    { token: ADMIN_TOKEN, viewer: viewer.viewer },
  );
  const echartsBundle = createRequire(path.join(dashboardDir, 'package.json')).resolve('echarts/dist/echarts.min.js');
  // The reference page and ECharts' prebuilt bundle, from a plain static server on loopback.
  const files: Record<string, [string, string]> = {
    '/kpis': [path.join(here, 'kpi-reference.html'), 'text/html'],
    '/echarts.min.js': [echartsBundle, 'text/javascript'],
  };
  const statics = http.createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[1], 'cache-control': 'max-age=3600' }).end(fs.readFileSync(file[0]));
  });
  await new Promise<void>((resolve) => statics.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => statics.close(() => resolve())));
  const staticsUrl = `http://127.0.0.1:${(statics.address() as AddressInfo).port}`;
  const problems: string[] = [];
  context.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  context.on('console', (m) => process.env.BENCH_VERBOSE && console.log(`[page] ${m.text()}`));

  // The seeded span is longer than any default range: the view is asked for the last 90 days.
  const dashboardUrl = `${hubUrl}/kpis?${new URLSearchParams({ ...SCOPE, version: VERSIONS.current, range: RANGE })}`;
  // The same range as the view's (it starts at "now - 90 days" and ends after the current step).
  const rangeEnd = new Date((Math.floor(Date.now() / 60_000) + 1) * 60_000);
  const referenceUrl = `${staticsUrl}/kpis?${new URLSearchParams({
    hub: hubUrl,
    ...SCOPE,
    version: VERSIONS.current,
    previous: VERSIONS.previous,
    from: new Date(rangeEnd.getTime() - 60_000 - RANGE_MS).toISOString(),
    to: rangeEnd.toISOString(),
    step: String(STEP_SECONDS),
    token: ADMIN_TOKEN,
  })}`;

  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(String(e)));
  // Warm-up (caches, JIT), then alternating rounds so a noisy neighbour hits both alike.
  await firstPaint(page, dashboardUrl);
  await firstPaint(page, referenceUrl);
  const paints = { dashboard: [] as number[], reference: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    paints.dashboard.push(await firstPaint(page, dashboardUrl));
    paints.reference.push(await firstPaint(page, referenceUrl));
  }

  await firstPaint(page, dashboardUrl);
  if (process.env.BENCH_VERBOSE) {
    const timings = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map(
          (e) => `${Math.round(e.startTime)}→${Math.round((e as unknown as { responseEnd: number }).responseEnd)} ${e.name.replace(/^https?:\/\/[^/]+/, '')}`,
        ),
    );
    console.log(timings.join('\n'));
  }
  const dashboardLatencies = await eventToRepaint(page, hubUrl);
  await firstPaint(page, referenceUrl);
  const referenceLatencies = await eventToRepaint(page, hubUrl);
  if (problems.length) throw new Error(`the pages reported errors:\n${problems.join('\n')}`);

  const bundles = bundlePerRoute();
  const firstPaintMs = { dashboard: round(median(paints.dashboard)), reference: round(median(paints.reference)) };
  const repaintP95 = { dashboard: round(quantile(dashboardLatencies, 0.95)), reference: round(quantile(referenceLatencies, 0.95)) };
  const report = {
    benchmark: 'Live KPIs view in headless Chromium vs a raw-WebSocket ECharts page (same hub, same data)',
    at: new Date().toISOString(),
    points: POINTS,
    firstPaint: {
      medianMs: firstPaintMs,
      roundsMs: paints,
      ratio: Number((firstPaintMs.dashboard / firstPaintMs.reference).toFixed(2)),
      target: 'dashboard <= 1500 ms',
    },
    eventToRepaint: {
      eventsPerSecond: EVENTS_PER_SECOND,
      events: dashboardLatencies.length,
      p50Ms: { dashboard: round(quantile(dashboardLatencies, 0.5)), reference: round(quantile(referenceLatencies, 0.5)) },
      p95Ms: repaintP95,
      ratio: Number((repaintP95.dashboard / repaintP95.reference).toFixed(2)),
      target: 'dashboard p95 <= 150 ms',
    },
    javascriptGzipPerRoute: bundles,
    meetsTarget: firstPaintMs.dashboard <= 1500 && repaintP95.dashboard <= 150,
  };
  fs.writeFileSync(path.join(here, 'report-dashboard.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`
Live KPIs view, ${POINTS.toLocaleString('en')} points (median of ${ROUNDS} rounds; event to repaint over ${dashboardLatencies.length} events at ${EVENTS_PER_SECOND}/s)
                        dashboard   reference
  first paint          ${String(firstPaintMs.dashboard).padStart(7)} ms  ${String(firstPaintMs.reference).padStart(7)} ms   (target <= 1500 ms)
  event to repaint p95 ${String(repaintP95.dashboard).padStart(7)} ms  ${String(repaintP95.reference).padStart(7)} ms   (target <= 150 ms)
  JavaScript per route (gzip):
${Object.entries(bundles)
  .map(([route, b]) => `    ${route.padEnd(26)} ${(b.gzipBytes / 1024).toFixed(1).padStart(7)} KiB in ${b.files} files`)
  .join('\n')}
  ${report.meetsTarget ? 'meets the targets' : 'MISSES a target'}
`);
} finally {
  await browser?.close();
  for (const close of closers) await close();
  for (const child of children) child.kill();
  await database.drop();
  await teardownPostgres();
}
