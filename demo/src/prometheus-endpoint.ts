import http from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * The demo's monitoring: a Prometheus-compatible HTTP API on loopback, answering the range queries
 * the hub's real `prometheus` connector sends, from counters the demo's simulated traffic keeps.
 */

/** The business KPI: the share of sessions that convert, per service, environment and version, over a minute. */
export const CONVERSION_METRIC = 'conversion_rate';
export const CONVERSION_QUERY =
  'sum by (service, environment, version) (increase(shop_conversions_total[1m])) / sum by (service, environment, version) (increase(shop_sessions_total[1m]))';
/** The `[1m]` of the query, in seconds. */
const RANGE_SECONDS = 60;
/** How long counters are kept (the connector's first poll reads back this far at most). */
const KEEP_SECONDS = 3600;
/** Prometheus' own limit. */
const MAX_POINTS = 11_000;

type Second = { sessions: number; conversions: number };

/** Sessions and conversions per second of each service version — what a scrape of the shop would give Prometheus. */
export class KpiCounters {
  private readonly series = new Map<string, { labels: Record<string, string>; seconds: Map<number, Second> }>();
  private lastPrune = 0;

  record(labels: { service: string; environment: string; version: string }, converted: boolean, at = Date.now()): void {
    const key = `${labels.service}|${labels.environment}|${labels.version}`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels: { ...labels }, seconds: new Map() }));
    const second = Math.floor(at / 1000);
    // Pruned here too (once a minute), not only when queried: nothing may be querying (no connector, a stopped one).
    if (second - this.lastPrune >= 60) {
      this.lastPrune = second;
      this.prune(at);
    }
    const bucket = s.seconds.get(second) ?? { sessions: 0, conversions: 0 };
    bucket.sessions++;
    if (converted) bucket.conversions++;
    s.seconds.set(second, bucket);
  }

  /** Drops what is older than an hour. */
  prune(now = Date.now()): void {
    const oldest = Math.floor(now / 1000) - KEEP_SECONDS;
    for (const [key, s] of this.series) {
      for (const second of s.seconds.keys()) if (second < oldest) s.seconds.delete(second);
      if (!s.seconds.size) this.series.delete(key);
    }
  }

  /** The conversion rate at each step from start to end (unix seconds): conversions / sessions over the minute before it. */
  conversionRange(start: number, end: number, step: number): Array<{ metric: Record<string, string>; values: Array<[number, string]> }> {
    const result = [];
    for (const { labels, seconds } of this.series.values()) {
      const values: Array<[number, string]> = [];
      for (let t = start; t <= end; t += step) {
        let sessions = 0;
        let conversions = 0;
        for (let second = Math.ceil(t) - RANGE_SECONDS; second < t; second++) {
          const b = seconds.get(second);
          if (!b) continue;
          sessions += b.sessions;
          conversions += b.conversions;
        }
        // No sessions: no sample (Prometheus' 0/0 is NaN, which it leaves out of a sum's result).
        if (sessions) values.push([t, String(Math.round((conversions / sessions) * 10_000) / 10_000)]);
      }
      if (values.length) result.push({ metric: { ...labels }, values });
    }
    return result;
  }
}

/** A Prometheus time parameter: unix seconds (with a fraction) or RFC 3339. */
function parseTime(text: string | null): number | null {
  if (!text) return null;
  const n = Number(text);
  if (Number.isFinite(n)) return n;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at / 1000;
}

/** A Prometheus duration parameter: seconds (`15`, `0.5`) or `15s`, `1m`, `1h`. */
function parseStep(text: string | null): number | null {
  if (!text) return null;
  const n = Number(text);
  if (Number.isFinite(n)) return n > 0 ? n : null;
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'] || null;
}

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
const badData = (res: http.ServerResponse, error: string) => answer(res, 400, { status: 'error', errorType: 'bad_data', error });

/** Starts the API on a free loopback port; returns its base URL and how to stop it. */
export async function startPrometheusEndpoint(counters: KpiCounters): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://prometheus');
      // Prometheus takes the parameters in the query string (GET) or a form body (POST).
      const params = req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString('utf8')) : url.searchParams;
      if (url.pathname === '/api/v1/status/buildinfo') {
        return answer(res, 200, { status: 'success', data: { version: '3.5.0', revision: 'releasegraph-demo', branch: 'demo', goVersion: 'n/a' } });
      }
      if (url.pathname !== '/api/v1/query_range')
        return answer(res, 404, { status: 'error', errorType: 'not_found', error: `${url.pathname} is not served here` });
      const query = params.get('query');
      const start = parseTime(params.get('start'));
      const end = parseTime(params.get('end'));
      const step = parseStep(params.get('step'));
      if (start === null || end === null) return badData(res, 'invalid parameter "start" or "end": cannot parse to a valid timestamp');
      if (step === null) return badData(res, 'invalid parameter "step": zero or negative query resolution step widths are not accepted');
      if (end < start) return badData(res, 'invalid parameter "end": end timestamp must not be before start time');
      if ((end - start) / step + 1 > MAX_POINTS)
        return badData(res, 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
      // The demo's shop exports two counters; the one expression over them the demo's connector asks for is all it evaluates.
      if (query?.replace(/\s+/g, ' ').trim() !== CONVERSION_QUERY)
        return badData(res, `the demo Prometheus evaluates only ${JSON.stringify(CONVERSION_QUERY)}`);
      counters.prune();
      answer(res, 200, { status: 'success', data: { resultType: 'matrix', result: counters.conversionRange(start, end, step) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
