import type { DataSource } from 'typeorm';
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

interface RollupRow {
  slot: number;
  bucket: number;
  spans: string;
  errors: string;
}

/**
 * Reads KPIs. A metric a monitoring source (Prometheus) reports for the scope wins; else the
 * built-in metrics come from the per-minute RED rollups of the OTLP receiver (error_rate =
 * errors / requests, throughput = requests per second, latency_pNN from the latency buckets,
 * within 10 %). Samples are the requests a rollup value rests on, or the points of a series.
 * Rollups have minute resolution: a window covers the minutes it touches.
 */
export class KpiReader {
  constructor(private readonly db: DataSource) {}

  async observe(metric: string, scope: KpiScope, from: Date, to: Date): Promise<Observation> {
    const seconds = Math.max(1, (to.getTime() - from.getTime()) / 1000);
    const [point] = await this.series(metric, scope, from, to, seconds);
    return point ? { value: point.value, samples: point.samples } : { value: null, samples: 0 };
  }

  /** The metric in steps of `stepSeconds` from `from` to `to` (steps without samples are left out). */
  async series(metric: string, scope: KpiScope, from: Date, to: Date, stepSeconds: number): Promise<KpiPoint[]> {
    const fromMs = from.getTime();
    const stepMs = stepSeconds * 1000;
    const slotStart = (slot: number) => new Date(fromMs + slot * stepMs);
    if (metric === 'synthetic_success') {
      // The share of passing synthetic checks against deployments of this version.
      const runs = (await this.db.query(
        `SELECT floor(extract(epoch FROM r.at - $4::timestamptz) * 1000 / $6)::int AS slot, avg(CASE WHEN r.ok THEN 1 ELSE 0 END) AS value, count(*)::int AS samples
           FROM synthetic_result r JOIN deployment d ON d.id = r.deployment_id JOIN service s ON s.id = d.service_id JOIN environment e ON e.id = d.environment_id
          WHERE s.name = $1 AND e.name = $2 AND d.version = $3 AND r.at >= $4 AND r.at <= $5
          GROUP BY 1 ORDER BY 1`,
        [scope.service, scope.environment, scope.version, from, to, stepMs],
      )) as Array<{ slot: number; value: number; samples: number }>;
      return runs.map((r) => ({ at: slotStart(r.slot), value: Number(r.value), samples: r.samples }));
    }
    const sampled = (await this.db.query(
      `SELECT floor(extract(epoch FROM at - $5::timestamptz) * 1000 / $7)::int AS slot, avg(value) AS value, count(*)::int AS samples
         FROM kpi_sample WHERE metric = $1 AND service = $2 AND environment = $3 AND version = $4 AND at >= $5 AND at < $6
        GROUP BY 1 ORDER BY 1`,
      [metric, scope.service, scope.environment, scope.version, from, to, stepMs],
    )) as Array<{ slot: number; value: number; samples: number }>;
    if (sampled.length || !ROLLUP_METRICS.has(metric)) return sampled.map((s) => ({ at: slotStart(s.slot), value: s.value, samples: s.samples }));

    const rows = (await this.db.query(
      `SELECT greatest(0, floor(extract(epoch FROM minute - $4::timestamptz) * 1000 / $6))::int AS slot, bucket, sum(spans) AS spans, sum(errors) AS errors
         FROM span_rollup WHERE service = $1 AND environment = $2 AND version = $3 AND minute >= date_trunc('minute', $4::timestamptz) AND minute < $5
        GROUP BY 1, 2 ORDER BY 1`,
      [scope.service, scope.environment, scope.version, from, to, stepMs],
    )) as RollupRow[];
    const slots = new Map<number, RollupRow[]>();
    for (const r of rows) slots.set(r.slot, [...(slots.get(r.slot) ?? []), r]);
    const windowSeconds = (slot: number) =>
      Math.max(1, (Math.min(to.getTime(), fromMs + (slot + 1) * stepMs) - Math.max(fromMs, fromMs + slot * stepMs)) / 1000);
    return [...slots].map(([slot, buckets]) => {
      const spans = buckets.reduce((n, b) => n + Number(b.spans), 0);
      const errors = buckets.reduce((n, b) => n + Number(b.errors), 0);
      let value: number | null;
      if (metric === 'error_rate') value = spans ? errors / spans : null;
      else if (metric === 'throughput') value = spans / windowSeconds(slot);
      else
        value = quantileFromBuckets(
          buckets.map((b) => ({ bucket: b.bucket, count: Number(b.spans) })),
          QUANTILE[metric]!,
        );
      return { at: slotStart(slot), value, samples: spans };
    });
  }
}
