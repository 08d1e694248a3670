import type { DataSource } from 'typeorm';
import type { LogInput, SpanInput } from '../../ingest/otlp/otlp.js';
import type { Logger } from '../../logger.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath } from '../../write/write-path.js';
import { Role } from '../auth/roles.js';
import { LATENCY_BUCKET_SQL } from './rollup.js';

/** How long telemetry is kept. */
export interface TelemetryRetention {
  /** Spans of traces with an error, and logs: kept this long (ms). */
  retentionMs: number;
  /** Spans of traces without an error: kept this long (ms), in case an error span of the trace arrives late. */
  graceMs: number;
}

export const DEFAULT_RETENTION: TelemetryRetention = { retentionMs: 7 * 24 * 3_600_000, graceMs: 15 * 60_000 };

const RECEIVER: Actor = { id: 'otlp', name: 'OTLP receiver', role: Role.INTEGRATION };

/*
 * One statement per batch: insert the spans (a retried export's spans conflict and are skipped),
 * then, from the rows actually inserted, mark error traces and add to the per-minute rollups
 * (sorted, so concurrent batches lock rollup rows in the same order).
 */
const INGEST_SPANS_SQL = `
WITH inserted AS (
  INSERT INTO span (trace_id, span_id, parent_span_id, service, version, environment, name, kind, status_code, status_message,
                    start_time, duration_ms, is_error, attributes)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int2[], $9::int2[],
                       $10::text[], $11::timestamptz[], $12::float8[], $13::bool[], $14::jsonb[])
  ON CONFLICT DO NOTHING
  RETURNING trace_id, parent_span_id, service, version, environment, kind, start_time, duration_ms, is_error
), error_traces AS (
  INSERT INTO error_trace (trace_id, first_error_at)
  SELECT trace_id, min(start_time) FROM inserted WHERE is_error GROUP BY trace_id
  ON CONFLICT DO NOTHING
), rollups AS (
  INSERT INTO span_rollup (minute, service, version, environment, bucket, spans, errors, duration_sum_ms)
  SELECT date_trunc('minute', start_time), service, version, environment, ${LATENCY_BUCKET_SQL('duration_ms')},
         count(*), count(*) FILTER (WHERE is_error), sum(duration_ms)
  FROM inserted
  WHERE kind IN (2, 5) OR parent_span_id IS NULL
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (minute, service, version, environment, bucket) DO UPDATE
    SET spans = span_rollup.spans + excluded.spans,
        errors = span_rollup.errors + excluded.errors,
        duration_sum_ms = span_rollup.duration_sum_ms + excluded.duration_sum_ms
)
SELECT DISTINCT service, version, environment FROM inserted`;

const INGEST_LOGS_SQL = `
INSERT INTO log_record (id, trace_id, span_id, service, version, environment, time, severity_number, severity_text, body, attributes)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::int2[], $9::text[],
                     $10::text[], $11::jsonb[])
ON CONFLICT DO NOTHING`;

type Identity = { service: string; version: string; environment: string };

/**
 * Telemetry received over OTLP: bulk-written spans, logs and rollups. The first sighting of a
 * (service, version, environment) goes through the write path as a `telemetry.version_observed`
 * release event, linked to the matching deployment's release.
 */
export class TelemetryStore {
  /** Identities already recorded (per instance; the table is the truth, this only saves a round trip). */
  private readonly known = new Set<string>();

  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
    private readonly log: Logger,
    readonly retention: TelemetryRetention = DEFAULT_RETENTION,
  ) {}

  async ingestSpans(spans: SpanInput[]): Promise<void> {
    if (!spans.length) return;
    const identities: Identity[] = await this.withDeadlockRetry(() =>
      this.db.query(INGEST_SPANS_SQL, [
        spans.map((s) => s.traceId),
        spans.map((s) => s.spanId),
        spans.map((s) => s.parentSpanId),
        spans.map((s) => s.service),
        spans.map((s) => s.version),
        spans.map((s) => s.environment),
        spans.map((s) => s.name),
        spans.map((s) => s.kind),
        spans.map((s) => s.statusCode),
        spans.map((s) => s.statusMessage),
        spans.map((s) => s.startTime),
        spans.map((s) => s.durationMs),
        spans.map((s) => s.isError),
        spans.map((s) => JSON.stringify(s.attributes)),
      ]),
    );
    await this.observe(identities);
  }

  async ingestLogs(logs: LogInput[]): Promise<void> {
    if (!logs.length) return;
    await this.db.query(INGEST_LOGS_SQL, [
      logs.map((l) => l.id),
      logs.map((l) => l.traceId),
      logs.map((l) => l.spanId),
      logs.map((l) => l.service),
      logs.map((l) => l.version),
      logs.map((l) => l.environment),
      logs.map((l) => l.time),
      logs.map((l) => l.severityNumber),
      logs.map((l) => l.severityText),
      logs.map((l) => l.body),
      logs.map((l) => JSON.stringify(l.attributes)),
    ]);
    await this.observe(logs);
  }

  /** Records identities seen for the first time, each as one release event. */
  private async observe(seen: ReadonlyArray<Identity>): Promise<void> {
    const fresh = new Map<string, Identity>();
    for (const { service, version, environment } of seen) {
      const key = `${service}\u0000${version}\u0000${environment}`;
      if (version && !this.known.has(key)) fresh.set(key, { service, version, environment });
    }
    if (!fresh.size) return;
    await this.writes.run(RECEIVER, async (tx) => {
      for (const id of fresh.values()) {
        const rows: Array<{ first_seen_at: Date }> = await tx.manager.query(
          'INSERT INTO telemetry_version (service, version, environment) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING first_seen_at',
          [id.service, id.version, id.environment],
        );
        if (!rows.length) continue;
        // The deployment this version belongs to, when the graph has it.
        const [deployment] = (await tx.manager.query(
          `SELECT d.id, d.release_id FROM deployment d JOIN service s ON s.id = d.service_id JOIN environment e ON e.id = d.environment_id
           WHERE s.name = $1 AND d.version = $2 AND e.name = $3 ORDER BY d.created_at DESC LIMIT 1`,
          [id.service, id.version, id.environment],
        )) as Array<{ id: string; release_id: string | null }>;
        tx.record({
          type: 'telemetry.version_observed',
          subjectType: deployment ? 'Deployment' : 'Service',
          subjectId: deployment?.id ?? id.service,
          releaseId: deployment?.release_id ?? null,
          payload: { ...id, firstSeenAt: rows[0]!.first_seen_at },
        });
      }
    });
    for (const key of fresh.keys()) this.known.add(key);
  }

  /** Drops telemetry past retention, and spans of error-free traces past the grace period. Returns rows removed. */
  async sweep(now: Date = new Date()): Promise<number> {
    const expired = new Date(now.getTime() - this.retention.retentionMs);
    const graceOver = new Date(now.getTime() - this.retention.graceMs);
    let removed = 0;
    const run = async (sql: string, params: unknown[]) => {
      const [, count] = (await this.db.query(sql, params)) as [unknown, number];
      removed += count;
    };
    await run('DELETE FROM span WHERE start_time < $1', [expired]);
    await run('DELETE FROM span s WHERE s.start_time < $1 AND NOT EXISTS (SELECT 1 FROM error_trace t WHERE t.trace_id = s.trace_id)', [graceOver]);
    await run('DELETE FROM error_trace WHERE first_error_at < $1', [expired]);
    await run('DELETE FROM log_record WHERE time < $1', [expired]);
    await run('DELETE FROM span_rollup WHERE minute < $1', [expired]);
    if (removed) this.log.info({ removed }, 'telemetry past retention removed');
    return removed;
  }

  private async withDeadlockRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt < 3 && (error as { code?: string }).code === '40P01') continue;
        throw error;
      }
    }
  }
}
