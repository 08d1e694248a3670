/**
 * Incident correlation over 1 million stored spans: the time to rank an incident's suspects
 * (IncidentCorrelator, as Incident.suspects runs it), median and p95 of repeated runs, next to the
 * simplest question over the same data as a reference (counting the window's error spans).
 * Target: ranking < 200 ms. Writes test/bench/report-incident-correlation.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createLogger, loadConfig, startHub } from '@releasegraph/server';
import { createTestDatabase } from '../src/database.js';
import { setup as setupPostgres } from '../src/global-setup.js';
import { ADMIN_TOKEN } from '../src/hub.js';

const SPANS = Number(process.env.BENCH_SPANS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
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
    // 20 services × 3 versions over the last 6 hours; 2 % error spans, traces of 4 spans across services.
    await db.query(`INSERT INTO service (id, name) SELECT 'rg:service:s' || i, 'svc-' || i FROM generate_series(0, 19) i`);
    await db.query(`INSERT INTO environment (id, name, tier) VALUES ('rg:environment:prod', 'prod', 'PROD')`);
    await db.query(
      `INSERT INTO deployment (id, service_id, environment_id, version, status, started_at)
       SELECT 'rg:deployment:' || s || '-' || v, 'rg:service:s' || s, 'rg:environment:prod', '1.' || v || '.0', 'SUCCEEDED',
              $1::timestamptz - ((3 - v) * interval '2 hours') - (s * interval '3 minutes')
         FROM generate_series(0, 19) s, generate_series(0, 2) v`,
      [now],
    );
    const started = performance.now();
    await db.query(
      `INSERT INTO span (trace_id, span_id, parent_span_id, service, version, environment, name, kind, status_code, status_message, start_time, duration_ms, is_error, attributes)
       SELECT md5('t' || (i / 4)), substr(md5('s' || i), 1, 16), NULL, 'svc-' || ((i / 4 + i % 4) % 20),
              '1.' || (CASE WHEN (i / 4) % 600 < 200 THEN 0 WHEN (i / 4) % 600 < 400 THEN 1 ELSE 2 END) || '.0', 'prod', 'GET /x',
              2, CASE WHEN i % 50 = 0 THEN 2 ELSE 1 END, NULL,
              $1::timestamptz - (((i::bigint * 7919) % 21600) * interval '1 second'), 12.5, i % 50 = 0, '{}'::jsonb
         FROM generate_series(1, $2) i`,
      [now, SPANS],
    );
    await db.query(
      `INSERT INTO error_trace (trace_id, first_error_at) SELECT trace_id, min(start_time) FROM span WHERE is_error GROUP BY trace_id ON CONFLICT DO NOTHING`,
    );
    await db.query('ANALYZE span; ANALYZE error_trace; ANALYZE deployment');
    const loadSeconds = (performance.now() - started) / 1000;
    await db.query(
      `INSERT INTO incident (id, key, source, title, severity, status, opened_at, trace_ids)
       VALUES ('rg:incident:bench', 'BENCH-1', 'api', 'errors', 'SEV2', 'TRIGGERED', $1, ARRAY(SELECT trace_id FROM error_trace ORDER BY first_error_at DESC LIMIT 10))`,
      [new Date(now.getTime() - 10 * 60_000)],
    );

    const { IncidentCorrelator } = await import('../../server/dist/modules/incidents/incident-correlation.js');
    const correlator = new IncidentCorrelator(db);
    const timings: number[] = [];
    const reference: number[] = [];
    let suspects = 0;
    for (let i = 0; i < RUNS + 2; i++) {
      const t0 = performance.now();
      const result = await correlator.correlate('rg:incident:bench');
      const t1 = performance.now();
      await db.query(`SELECT count(*) FROM span WHERE is_error AND start_time BETWEEN $1 AND $2`, [new Date(now.getTime() - 40 * 60_000), now]);
      const t2 = performance.now();
      if (i >= 2) {
        timings.push(t1 - t0);
        reference.push(t2 - t1);
      }
      suspects = result.suspects.length;
    }
    const stat = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return { medianMs: Number(s[Math.floor(s.length / 2)]!.toFixed(1)), p95Ms: Number(s[Math.ceil(s.length * 0.95) - 1]!.toFixed(1)) };
    };
    const report = {
      benchmark: 'incident suspects over stored spans',
      at: new Date().toISOString(),
      spans: SPANS,
      loadSeconds: Number(loadSeconds.toFixed(1)),
      runs: RUNS,
      suspects,
      correlation: stat(timings),
      reference: { ...stat(reference), what: "count of the window's error spans (one indexed aggregate)" },
      target: 'correlation p95 < 200 ms',
      meetsTarget: stat(timings).p95Ms < 200,
    };
    fs.writeFileSync(path.join(here, 'report-incident-correlation.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`
incident correlation over ${SPANS} spans (${RUNS} runs, ${suspects} suspects ranked)
  suspects ranked          median ${report.correlation.medianMs} ms   p95 ${report.correlation.p95Ms} ms
  reference (one count)    median ${report.reference.medianMs} ms   p95 ${report.reference.p95Ms} ms
  ${report.meetsTarget ? 'meets the target (p95 < 200 ms)' : 'DOES NOT meet the target (p95 < 200 ms)'}`);
  } finally {
    await hub.stop();
  }
} finally {
  await database.drop();
  await teardownPostgres();
}
