import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceDataError, type SourceIO, type SourceRequest } from '../kit/connector.js';
import { records } from '../kit/records.js';
import { prometheus, type PrometheusConfig } from './prometheus.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const stream = prometheus.streams![0]!;

/** A SourceIO that answers from fixtures by the requested path and records every request. */
function fakeIO(answer: (url: URL) => string, now: string) {
  const requests: SourceRequest[] = [];
  const io: SourceIO = {
    async http(request) {
      requests.push(request);
      const body = answer(new URL(request.url));
      return { status: 200, headers: { 'content-type': 'application/json' }, body, json: () => JSON.parse(body) as unknown };
    },
    git: () => Promise.reject(new Error('no git here')),
    workDir: '/nonexistent',
    now: () => new Date(now),
  };
  const ranges = () => requests.map((r) => Object.fromEntries(new URL(r.url).searchParams));
  return { io, requests, ranges };
}

const config = (extra: Record<string, unknown> = {}): PrometheusConfig =>
  prometheus.config.parse({
    id: 'prom',
    kind: 'prometheus',
    baseUrl: 'https://prometheus.example.com/',
    bearerToken: 'prom-token',
    kpis: [{ metric: 'error_rate', query: 'sum by (service, environment, version) (rate(http_requests_total{code=~"5.."}[5m]))' }],
    ...extra,
  });

// 2026-11-26T10:00:30Z: the last complete 60s step is 09:59:00 (1795687140); one hour back is 09:00:00.
const NOW = '2026-11-26T10:00:30Z';

describe('Prometheus query_range stream', () => {
  it('reads the lookback window on the first poll, up to the last complete step, and turns series into samples', async () => {
    const { io, requests, ranges } = fakeIO(() => fixture('query-range-error-rate.json'), NOW);
    const page = await stream.read(config(), null, io);

    expect(requests).toHaveLength(1);
    expect(requests[0]!.url.startsWith('https://prometheus.example.com/api/v1/query_range?')).toBe(true);
    expect(requests[0]!.headers).toMatchObject({ authorization: 'Bearer prom-token' });
    expect(ranges()).toEqual([
      { query: 'sum by (service, environment, version) (rate(http_requests_total{code=~"5.."}[5m]))', start: '1795683600', end: '1795687140', step: '60' },
    ]);
    const sample = (service: string, environment: string, version: string, at: string, value: number) => ({
      metric: 'error_rate',
      service,
      environment,
      version,
      at: new Date(at),
      value,
      connector: 'prom',
    });
    // NaN and +Inf points are left out; OpenTelemetry-style label names are understood.
    expect(page).toEqual({
      records: records({
        kpiSamples: [
          sample('payments', 'production', '2.4.0', '2026-11-26T09:57:00Z', 0.0123),
          sample('payments', 'production', '2.4.0', '2026-11-26T09:59:00Z', 0.02),
          sample('checkout', 'staging', '1.9.3', '2026-11-26T09:59:00Z', 0),
        ],
      }),
      cursor: JSON.stringify({ error_rate: 1795687140 }),
      more: false,
      newestAt: new Date('2026-11-26T09:59:00Z'),
    });
  });

  it('moves on step by step: nothing until the next step is complete, then exactly that step', async () => {
    const cursor = JSON.stringify({ error_rate: 1795687140 });
    const early = fakeIO(() => fixture('query-range-empty.json'), '2026-11-26T10:00:59Z');
    expect(await stream.read(config(), cursor, early.io)).toMatchObject({ cursor, more: false, records: records({}) });
    expect(early.requests).toHaveLength(0);

    const onTime = fakeIO(() => fixture('query-range-empty.json'), '2026-11-26T10:01:00Z');
    const page = await stream.read(config(), cursor, onTime.io);
    expect(onTime.ranges()).toMatchObject([{ start: '1795687200', end: '1795687200', step: '60' }]);
    // An empty answer still covers the step that was asked for.
    expect(page.cursor).toBe(JSON.stringify({ error_rate: 1795687200 }));
  });

  it('keeps a cursor per KPI, starts a new KPI at the lookback, and accepts a single time as the cursor', async () => {
    const twoKpis = config({
      lookback: '10m',
      kpis: [
        { metric: 'error_rate', query: 'errors' },
        { metric: 'latency_p95', query: 'latency', labels: { service: 'app' } },
      ],
    });
    const { io, ranges } = fakeIO(() => fixture('query-range-empty.json'), NOW);
    const page = await stream.read(twoKpis, JSON.stringify({ error_rate: 1795687020 }), io);
    expect(ranges()).toEqual([
      { query: 'errors', start: '1795687080', end: '1795687140', step: '60' },
      { query: 'latency', start: '1795686600', end: '1795687140', step: '60' },
    ]);
    expect(JSON.parse(page.cursor!)).toEqual({ error_rate: 1795687140, latency_p95: 1795687140 });

    const fromTime = fakeIO(() => fixture('query-range-empty.json'), NOW);
    await stream.read(twoKpis, '2026-11-26T09:58:00Z', fromTime.io);
    expect(fromTime.ranges().map((r) => r.start)).toEqual(['1795687140', '1795687140']);
  });

  it('caps a page at 11,000 points per series and says there is more, without gaps or overlaps', async () => {
    const fine = config({ step: '1s', lookback: '4h' });
    const first = fakeIO(() => fixture('query-range-empty.json'), NOW);
    const page1 = await stream.read(fine, null, first.io);
    const start = 1795687230 - 4 * 3600;
    expect(first.ranges()).toMatchObject([{ start: String(start), end: String(start + 10_999), step: '1' }]);
    expect(page1.more).toBe(true);
    expect(page1.cursor).toBe(JSON.stringify({ error_rate: start + 10_999 }));

    const second = fakeIO(() => fixture('query-range-empty.json'), NOW);
    const page2 = await stream.read(fine, page1.cursor, second.io);
    expect(second.ranges()).toMatchObject([{ start: String(start + 11_000), end: String(1795687230 - 1) }]);
    expect(page2.more).toBe(false);
  });

  it("throws Prometheus' own error for an error body and moves no cursor", async () => {
    const { io } = fakeIO(() => fixture('query-range-parse-error.json'), NOW);
    await expect(stream.read(config(), JSON.stringify({ error_rate: 1795687020 }), io)).rejects.toThrow(
      'Prometheus /api/v1/query_range: bad_data: invalid parameter "query": 1:40: parse error: unexpected right parenthesis \')\'',
    );
    const vector = fakeIO(() => fixture('query-vector.json'), NOW);
    await expect(stream.read(config(), null, vector.io)).rejects.toThrow('returned a vector, not a matrix');
  });

  it('dead-letters series without a service label with a clear error, keeps the rest, and replays them once labels are configured', async () => {
    const { io } = fakeIO(() => fixture('query-range-series-without-service.json'), NOW);
    const page = await stream.read(
      config({ kpis: [{ metric: 'throughput', query: 'sum by (job, instance, environment) (rate(http_requests[5m]))' }] }),
      null,
      io,
    );
    expect(page.records.kpiSamples).toEqual([]);
    expect(page.cursor).toBe(JSON.stringify({ throughput: 1795687140 }));
    expect(page.rejected).toHaveLength(2);
    expect(page.rejected![0]!.error).toBe(
      'throughput: a series has no "service" or "service_name" label (labels: {"job":"payments-api","instance":"10.2.0.14:9102","environment":"production"}); aggregate the query by the service label or set kpis[].labels.service',
    );

    const relabelled = config({ kpis: [{ metric: 'throughput', query: 'q', labels: { service: 'app' } }] });
    expect(prometheus.replay!(relabelled, 'query_range', page.rejected![1]!.payload).kpiSamples).toEqual([
      {
        metric: 'throughput',
        service: 'payments',
        environment: 'production',
        version: null,
        at: new Date('2026-11-26T09:59:00Z'),
        value: 37.25,
        connector: 'prom',
      },
    ]);
    expect(() => prometheus.replay!(relabelled, 'query_range', page.rejected![0]!.payload)).toThrow(SourceDataError);
    expect(() => prometheus.replay!(config(), 'query_range', page.rejected![1]!.payload)).toThrow(/no longer configured/);
  });
});

describe('Prometheus config and check', () => {
  it('refuses configs that would misbehave', () => {
    const parse = (extra: Record<string, unknown>) =>
      prometheus.config.safeParse({ id: 'prom', kind: 'prometheus', baseUrl: 'http://prom:9090', kpis: [{ metric: 'error_rate', query: 'q' }], ...extra });
    expect(parse({}).success).toBe(true);
    expect(parse({ step: '1500ms' }).success).toBe(false);
    expect(parse({ step: '5m', lookback: '1m' }).success).toBe(false);
    expect(parse({ username: 'grafana' }).success).toBe(false);
    expect(
      parse({
        kpis: [
          { metric: 'error_rate', query: 'a' },
          { metric: 'error_rate', query: 'b' },
        ],
      }).success,
    ).toBe(false);
    expect(parse({ baseUrl: 'prom:9090' }).success).toBe(false);
  });

  it('checks the build info endpoint with basic auth, and explains failures', async () => {
    const basic = config({ bearerToken: undefined, username: 'grafana', password: 's3cret' });
    const ok = fakeIO(() => fixture('buildinfo.json'), NOW);
    expect(await prometheus.check!(basic, ok.io)).toBeNull();
    expect(ok.requests[0]).toMatchObject({
      url: 'https://prometheus.example.com/api/v1/status/buildinfo',
      headers: { authorization: `Basic ${Buffer.from('grafana:s3cret').toString('base64')}` },
    });

    const notPrometheus = fakeIO(() => '<html>login</html>', NOW);
    expect(await prometheus.check!(basic, notPrometheus.io)).toMatch(/^cannot reach the Prometheus API at https:\/\/prometheus.example.com\/: /);
  });
});
