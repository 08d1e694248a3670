import type { DataSource } from 'typeorm';

/* Reads of synthetic check results for other modules (the synthetic_success KPI): synthetics owns the table. */

export interface SyntheticScope {
  service: string;
  version: string;
  environment: string;
}

/** Every run against deployments of the scopes' versions in [from, to] (one statement). */
export async function syntheticRunsOfScopes(
  db: DataSource,
  scopes: readonly SyntheticScope[],
  from: Date,
  to: Date,
): Promise<Array<SyntheticScope & { atMs: number; ok: boolean }>> {
  const rows = (await db.query(
    `SELECT s.name AS service, d.version, e.name AS environment, (extract(epoch FROM r.at) * 1000)::float8 AS at_ms, r.ok
       FROM synthetic_result r JOIN deployment d ON d.id = r.deployment_id JOIN service s ON s.id = d.service_id JOIN environment e ON e.id = d.environment_id
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS scope(service, version, environment)
         ON scope.service = s.name AND scope.version = d.version AND scope.environment = e.name
      WHERE r.at >= $4 AND r.at <= $5`,
    [scopes.map((s) => s.service), scopes.map((s) => s.version), scopes.map((s) => s.environment), from, to],
  )) as Array<{ service: string; version: string; environment: string; at_ms: number; ok: boolean }>;
  return rows.map((r) => ({ service: r.service, version: r.version, environment: r.environment, atMs: r.at_ms, ok: r.ok }));
}

/** One scope's runs in [from, to], as the share passing per step of `stepMs` from `from`. */
export async function syntheticSteps(
  db: DataSource,
  scope: SyntheticScope,
  from: Date,
  to: Date,
  stepMs: number,
): Promise<Array<{ slot: number; value: number; samples: number }>> {
  const rows = (await db.query(
    `SELECT floor(extract(epoch FROM r.at - $4::timestamptz) * 1000 / $6)::int AS slot, avg(CASE WHEN r.ok THEN 1 ELSE 0 END) AS value, count(*)::int AS samples
       FROM synthetic_result r JOIN deployment d ON d.id = r.deployment_id JOIN service s ON s.id = d.service_id JOIN environment e ON e.id = d.environment_id
      WHERE s.name = $1 AND e.name = $2 AND d.version = $3 AND r.at >= $4 AND r.at <= $5
      GROUP BY 1 ORDER BY 1`,
    [scope.service, scope.environment, scope.version, from, to, stepMs],
  )) as Array<{ slot: number; value: string; samples: number }>;
  return rows.map((r) => ({ slot: r.slot, value: Number(r.value), samples: r.samples }));
}
