/**
 * Post-deploy evaluation: wall time of one verification round over 1,000 active deployments × 5
 * success criteria (KPIs read, verdicts written, events for changes), against one SQL aggregate per
 * round over the same rollups as the reference. Rounds after the first (which inserts every
 * verdict) are the steady state. Writes test/bench/report-evaluation-round.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createLogger, loadConfig, startHub } from '@releasegraph/server';
import { createTestDatabase } from '../src/database.js';
import { setup as setupPostgres } from '../src/global-setup.js';
import { ADMIN_TOKEN } from '../src/hub.js';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 200);
const ENVIRONMENTS = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const here = import.meta.dirname;

const teardownPostgres = await setupPostgres();
const database = await createTestDatabase();
try {
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: database.url,
    RELEASEGRAPH_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    RELEASEGRAPH_CONFIG: '/dev/null',
  });
  const hub = await startHub(config, createLogger('warn'));
  try {
    const db = hub.db;
    const now = new Date();
    await db.query(`INSERT INTO service (id, name) SELECT 'rg:service:s' || i, 'svc-' || i FROM generate_series(1, $1) i`, [SERVICES]);
    await db.query(`INSERT INTO environment (id, name, tier) SELECT 'rg:environment:e' || i, 'env-' || i, 'PROD' FROM generate_series(1, $1) i`, [
      ENVIRONMENTS,
    ]);
    // The running version 2.0.0 (active) and the version it replaced (finished four days ago: not evaluated, the baseline).
    await db.query(
      `INSERT INTO deployment (id, service_id, environment_id, version, status, started_at, finished_at)
       SELECT 'rg:deployment:' || s || '-' || e || '-' || v, 'rg:service:s' || s, 'rg:environment:e' || e, v, 'SUCCEEDED',
              CASE v WHEN '2.0.0' THEN $1::timestamptz - interval '20 minutes' ELSE $1::timestamptz - interval '5 days' END,
              CASE v WHEN '2.0.0' THEN NULL ELSE $1::timestamptz - interval '4 days' END
         FROM generate_series(1, $2) s, generate_series(1, $3) e, unnest(ARRAY['1.0.0', '2.0.0']) v`,
      [now, SERVICES, ENVIRONMENTS],
    );
    // Ten minutes of rollups per version: five latency buckets a minute, 2 % errors.
    await db.query(
      `INSERT INTO span_rollup (minute, service, version, environment, bucket, spans, errors, duration_sum_ms)
       SELECT date_trunc('minute', $1::timestamptz) - m * interval '1 minute', 'svc-' || s, v, 'env-' || e, 100 + b * 3, 40, CASE WHEN b = 0 THEN 4 ELSE 0 END, 40 * 20
         FROM generate_series(1, $2) s, generate_series(1, $3) e, unnest(ARRAY['1.0.0', '2.0.0']) v, generate_series(0, 9) m, generate_series(0, 4) b`,
      [now, SERVICES, ENVIRONMENTS],
    );
    await db.query('ANALYZE');
    const criteria = [
      '{ metric: "error_rate", comparator: LTE, threshold: 0.05, windowSeconds: 600, minSamples: 100 }',
      '{ metric: "latency_p95", comparator: LTE, threshold: 500, windowSeconds: 600, minSamples: 100 }',
      '{ metric: "latency_p99", comparator: LTE, threshold: 1000, windowSeconds: 600, minSamples: 100 }',
      '{ metric: "throughput", comparator: GTE, threshold: 0.1, windowSeconds: 600, minSamples: 100 }',
      '{ metric: "error_rate", comparator: LTE, threshold: 1.5, windowSeconds: 600, minSamples: 100, relativeToPrevious: true }',
    ];
    for (const c of criteria) {
      const res = await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ query: `mutation { createSuccessCriterion(input: ${c}) { id } }` }),
      });
      if (!res.ok) throw new Error(await res.text());
    }

    const rounds: number[] = [];
    let deployments = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      const r = await hub.domain.verifier.evaluate(new Date(now.getTime() + i * 1000));
      rounds.push(performance.now() - t0);
      deployments = r?.deployments ?? 0;
    }
    const reference: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      await db.query(
        `SELECT service, version, environment, sum(errors)::float8 / sum(spans) AS error_rate, sum(spans) / 600.0 AS throughput, max(bucket) AS worst_bucket
           FROM span_rollup WHERE minute >= date_trunc('minute', $1::timestamptz - interval '600 seconds') GROUP BY 1, 2, 3`,
        [now],
      );
      reference.push(performance.now() - t0);
    }
    const verdicts = (await db.query('SELECT count(*)::int AS n FROM verdict'))[0].n as number;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const steady = median(rounds.slice(1));
    const ref = median(reference);
    const report = {
      benchmark: 'one verification round: active deployments × success criteria',
      at: new Date().toISOString(),
      activeDeployments: deployments,
      criteria: criteria.length,
      verdicts,
      firstRoundMs: Math.round(rounds[0]!),
      steadyRoundMs: Math.round(steady),
      reference: { medianMs: Number(ref.toFixed(1)), what: 'one SQL aggregate over the same rollups (error rate, throughput, worst bucket per version)' },
      ratio: Number((ref / steady).toFixed(3)),
    };
    fs.writeFileSync(path.join(here, 'report-evaluation-round.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`
verification round, ${deployments} active deployments × ${criteria.length} criteria (${verdicts} verdicts)
  first round (inserts every verdict)   ${report.firstRoundMs} ms
  steady round (median)                 ${report.steadyRoundMs} ms
  reference: one SQL aggregate          ${report.reference.medianMs} ms   (reference / round = ${report.ratio})`);
  } finally {
    await hub.stop();
  }
} finally {
  await database.drop();
  await teardownPostgres();
}
