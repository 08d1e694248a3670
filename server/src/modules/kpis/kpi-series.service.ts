import type { DataSource } from 'typeorm';
import { syntheticRunsOfScopes, syntheticSteps } from '../synthetics/synthetic-reads.js';
import { rollupSteps, rollupsOfScopes } from '../telemetry/rollup-reads.js';
import { quantileFromBuckets } from '../telemetry/rollup.js';

/** Where a KPI is measured: a service's version in an environment (names, as telemetry carries them). */
export interface KpiScope {
  service: string;
  environment: string;
  version: string;
}

/** A KPI over a window: its value (null without samples) and how many samples it rests on. */
export interface Observation {
  value: number | null;
  samples: number;
}

export interface KpiPoint extends Observation {
  at: Date;
}

/** Metrics the hub computes from the OTLP rollups; others come only from monitoring sources (Prometheus). */
const ROLLUP_METRICS = new Set(['error_rate', 'throughput', 'latency_p50', 'latency_p95', 'latency_p99']);
const QUANTILE: Record<string, number> = { latency_p50: 0.5, latency_p95: 0.95, latency_p99: 0.99 };

/** A built-in metric from rollup rows (latency buckets with their request and error counts) over a window of `seconds`. */
export function rollupObservation(metric: string, buckets: ReadonlyArray<{ bucket: number; spans: number; errors: number }>, seconds: number): Observation {
  const spans = buckets.reduce((n, b) => n + b.spans, 0);
  const errors = buckets.reduce((n, b) => n + b.errors, 0);
  let value: number | null;
  if (metric === 'error_rate') value = spans ? errors / spans : null;
  else if (metric === 'throughput') value = spans / Math.max(1, seconds);
  else
    value = quantileFromBuckets(
      buckets.map((b) => ({ bucket: b.bucket, count: b.spans })),
      QUANTILE[metric]!,
    );
  return { value, samples: spans };
}

const scopeKey = (s: KpiScope) => `${s.service}\u0000${s.version}\u0000${s.environment}`;
const MINUTE_MS = 60_000;

/**
 * The KPI data of many scopes over one span of time, read in three statements, then observed in
 * memory: an evaluation round over a thousand deployments reads the database three times, not
 * ten thousand. Same rules as KpiSeriesService.
 */
export class KpiSnapshot {
  private constructor(
    private readonly rollups: Map<string, Array<{ minuteMs: number; bucket: number; spans: number; errors: number }>>,
    private readonly samples: Map<string, Array<{ metric: string; atMs: number; value: number }>>,
    private readonly synthetics: Map<string, Array<{ atMs: number; ok: boolean }>>,
  ) {}

  static async load(db: DataSource, scopes: KpiScope[], from: Date, to: Date): Promise<KpiSnapshot> {
    const unique = [...new Map(scopes.map((s) => [scopeKey(s), s])).values()];
    const params = [unique.map((s) => s.service), unique.map((s) => s.version), unique.map((s) => s.environment), from, to];
    const scoped = `unnest($1::text[], $2::text[], $3::text[]) AS scope(service, version, environment)`;
    const [rollups, samples, synthetics] = await Promise.all([
      rollupsOfScopes(db, unique, from, to),
      db.query(
        `SELECT k.metric, k.service, k.version, k.environment, (extract(epoch FROM k.at) * 1000)::float8 AS at_ms, k.value
           FROM kpi_sample k JOIN ${scoped} USING (service, version, environment) WHERE k.at >= $4 AND k.at < $5`,
        params,
      ) as Promise<Array<{ metric: string; service: string; version: string; environment: string; at_ms: number; value: number }>>,
      syntheticRunsOfScopes(db, unique, from, to),
    ]);
    const group = <T, R>(rows: T[], key: (r: T) => string, map: (r: T) => R) => {
      const out = new Map<string, R[]>();
      for (const r of rows) {
        const k = key(r);
        const list = out.get(k);
        if (list) list.push(map(r));
        else out.set(k, [map(r)]);
      }
      return out;
    };
    return new KpiSnapshot(
      group(rollups, scopeKey, (r) => ({ minuteMs: r.minuteMs, bucket: r.bucket, spans: r.spans, errors: r.errors })),
      group(samples, scopeKey, (r) => ({ metric: r.metric, atMs: r.at_ms, value: r.value })),
      group(synthetics, scopeKey, (r) => ({ atMs: r.atMs, ok: r.ok })),
    );
  }

  /** The metric of a scope from `from` to `to` (inside the snapshot's span). */
  observe(metric: string, scope: KpiScope, from: Date, to: Date): Observation {
    const key = scopeKey(scope);
    const fromMs = from.getTime();
    const toMs = to.getTime();
    if (metric === 'synthetic_success') {
      const runs = (this.synthetics.get(key) ?? []).filter((r) => r.atMs >= fromMs && r.atMs <= toMs);
      return runs.length ? { value: runs.filter((r) => r.ok).length / runs.length, samples: runs.length } : { value: null, samples: 0 };
    }
    const points = (this.samples.get(key) ?? []).filter((p) => p.metric === metric && p.atMs >= fromMs && p.atMs < toMs);
    if (points.length) return { value: points.reduce((n, p) => n + p.value, 0) / points.length, samples: points.length };
    if (!ROLLUP_METRICS.has(metric)) return { value: null, samples: 0 };
    const firstMinute = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
    const buckets = new Map<number, { bucket: number; spans: number; errors: number }>();
    for (const r of this.rollups.get(key) ?? []) {
      if (r.minuteMs < firstMinute || r.minuteMs >= toMs) continue;
      const b = buckets.get(r.bucket) ?? { bucket: r.bucket, spans: 0, errors: 0 };
      b.spans += r.spans;
      b.errors += r.errors;
      buckets.set(r.bucket, b);
    }
    if (!buckets.size) return { value: null, samples: 0 };
    // Rollups count whole minutes: a rate divides by the time they cover.
    return rollupObservation(metric, [...buckets.values()], (toMs - firstMinute) / 1000);
  }
}

/**
 * Reads KPIs. A metric a monitoring source (Prometheus) reports for the scope wins; else the
 * built-in metrics come from the per-minute RED rollups of the OTLP receiver (error_rate =
 * errors / requests, throughput = requests per second, latency_pNN from the latency buckets,
 * within 10 %). Samples are the requests a rollup value rests on, or the points of a series.
 * Rollups have minute resolution: a window covers the minutes it touches.
 */
export class KpiSeriesService {
  constructor(private readonly db: DataSource) {}

  /** The metric in steps of `stepSeconds` from `from` to `to` (steps without samples are left out). */
  async series(metric: string, scope: KpiScope, from: Date, to: Date, stepSeconds: number): Promise<KpiPoint[]> {
    const fromMs = from.getTime();
    const stepMs = stepSeconds * 1000;
    const slotStart = (slot: number) => new Date(fromMs + slot * stepMs);
    if (metric === 'synthetic_success') {
      // The share of passing synthetic checks against deployments of this version.
      const runs = await syntheticSteps(this.db, scope, from, to, stepMs);
      return runs.map((r) => ({ at: slotStart(r.slot), value: r.value, samples: r.samples }));
    }
    const sampled = (await this.db.query(
      `SELECT floor(extract(epoch FROM at - $5::timestamptz) * 1000 / $7)::int AS slot, avg(value) AS value, count(*)::int AS samples
         FROM kpi_sample WHERE metric = $1 AND service = $2 AND environment = $3 AND version = $4 AND at >= $5 AND at < $6
        GROUP BY 1 ORDER BY 1`,
      [metric, scope.service, scope.environment, scope.version, from, to, stepMs],
    )) as Array<{ slot: number; value: number; samples: number }>;
    if (sampled.length || !ROLLUP_METRICS.has(metric)) return sampled.map((s) => ({ at: slotStart(s.slot), value: s.value, samples: s.samples }));

    const rows = await rollupSteps(this.db, scope, from, to, stepMs);
    const slots = new Map<number, typeof rows>();
    for (const r of rows) slots.set(r.slot, [...(slots.get(r.slot) ?? []), r]);
    const windowSeconds = (slot: number) =>
      Math.max(1, (Math.min(to.getTime(), fromMs + (slot + 1) * stepMs) - Math.max(fromMs, fromMs + slot * stepMs)) / 1000);
    return [...slots].map(([slot, buckets]) => ({
      at: slotStart(slot),
      ...rollupObservation(
        metric,
        buckets.map((b) => ({ bucket: b.bucket, spans: b.spans, errors: b.errors })),
        windowSeconds(slot),
      ),
    }));
  }
}
