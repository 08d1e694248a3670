import type { DataSource } from 'typeorm';

/*
 * Reads of the per-minute span rollups for other modules (KPIs, verification): telemetry owns the
 * table and its shape; readers get rows, not SQL.
 */

/** A service version in an environment, by the names telemetry carries. */
export interface RollupScope {
  service: string;
  version: string;
  environment: string;
}

/** One latency bucket of one minute of one scope. */
export interface ScopedRollup extends RollupScope {
  minuteMs: number;
  bucket: number;
  spans: number;
  errors: number;
}

/** The rollups of many scopes over [from, to), the minute `from` falls in included (one statement). */
export async function rollupsOfScopes(db: DataSource, scopes: readonly RollupScope[], from: Date, to: Date): Promise<ScopedRollup[]> {
  const rows = (await db.query(
    `SELECT r.service, r.version, r.environment, (extract(epoch FROM r.minute) * 1000)::float8 AS minute_ms, r.bucket, r.spans::int AS spans, r.errors::int AS errors
       FROM span_rollup r JOIN unnest($1::text[], $2::text[], $3::text[]) AS scope(service, version, environment) USING (service, version, environment)
      WHERE r.minute >= date_trunc('minute', $4::timestamptz) AND r.minute < $5`,
    [scopes.map((s) => s.service), scopes.map((s) => s.version), scopes.map((s) => s.environment), from, to],
  )) as Array<{ service: string; version: string; environment: string; minute_ms: number; bucket: number; spans: number; errors: number }>;
  return rows.map((r) => ({
    service: r.service,
    version: r.version,
    environment: r.environment,
    minuteMs: r.minute_ms,
    bucket: r.bucket,
    spans: r.spans,
    errors: r.errors,
  }));
}

/** One scope's rollups over [from, to) summed per step of `stepMs` from `from` and per latency bucket. */
export async function rollupSteps(
  db: DataSource,
  scope: RollupScope,
  from: Date,
  to: Date,
  stepMs: number,
): Promise<Array<{ slot: number; bucket: number; spans: number; errors: number }>> {
  const rows = (await db.query(
    `SELECT greatest(0, floor(extract(epoch FROM minute - $4::timestamptz) * 1000 / $6))::int AS slot, bucket, sum(spans) AS spans, sum(errors) AS errors
       FROM span_rollup WHERE service = $1 AND environment = $2 AND version = $3 AND minute >= date_trunc('minute', $4::timestamptz) AND minute < $5
      GROUP BY 1, 2 ORDER BY 1`,
    [scope.service, scope.environment, scope.version, from, to, stepMs],
  )) as Array<{ slot: number; bucket: number; spans: string; errors: string }>;
  return rows.map((r) => ({ slot: r.slot, bucket: r.bucket, spans: Number(r.spans), errors: Number(r.errors) }));
}
