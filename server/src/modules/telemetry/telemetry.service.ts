import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { BinaryCopyWriter } from '../../db/pg-copy-binary.js';
import type { LogInput, SpanInput } from './telemetry-input.js';
import type { RollupSignal } from '../kpis/rollup-signal.js';
import type { Logger } from '../../logger.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import { telemetryVersionId } from '../../events/subjects.js';
import { Role } from '../auth/roles.js';
import { LATENCY_BUCKET_SQL, latencyBucket } from './rollup.js';
import type { Trace } from './telemetry.types.js';
import { BadUserInputError } from '../../domain-errors.js';

/** How long telemetry is kept (every table of it: see `sweep`). */
export interface TelemetryRetention {
  /** Spans of traces with an error, logs and per-minute rollups: kept this long (ms). */
  retentionMs: number;
  /** Spans of traces without an error: kept this long (ms), in case an error span of the trace arrives late. */
  graceMs: number;
  /** Hourly rollups (minute rollups past `retentionMs`, folded): kept this long (ms), at least the longest SLO window. */
  rollupRetentionMs: number;
  /** KPI samples of monitoring sources: kept this long (ms), or as long as a reader needs them (see the constructor). */
  kpiRetentionMs: number;
}

const DAY_MS = 24 * 3_600_000;

export const DEFAULT_RETENTION: TelemetryRetention = {
  retentionMs: 7 * DAY_MS,
  graceMs: 15 * 60_000,
  rollupRetentionMs: 90 * DAY_MS,
  kpiRetentionMs: 90 * DAY_MS,
};

const STATUS_NAMES: Readonly<Record<number, string>> = { 0: 'UNSET', 1: 'OK', 2: 'ERROR' };

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

/** A batch PostgreSQL refuses for its values (SQLSTATE class 22): the sender's retry would not help (400, not 503). */
export class TelemetryDataError extends Error {}

const isDataError = (error: unknown) => /^22/.test(String((error as { code?: unknown }).code ?? ''));

/** Writers working at once: two, so one encodes and commits while the other's COPY runs. */
const SPAN_WRITERS = 2;
/** The most spans one group commit writes. */
const GROUP_COMMIT_MAX_SPANS = 8192;

const SPAN_COLUMNS =
  'trace_id, span_id, parent_span_id, service, version, environment, name, kind, status_code, status_message, start_time, duration_ms, is_error, attributes';

const UPSERT_ROLLUPS_SQL = `
INSERT INTO span_rollup (minute, service, version, environment, bucket, spans, errors, duration_sum_ms)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::int2[], $6::int8[], $7::int8[], $8::float8[])
ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (minute, service, version, environment, bucket) DO UPDATE
  SET spans = span_rollup.spans + excluded.spans,
      errors = span_rollup.errors + excluded.errors,
      duration_sum_ms = span_rollup.duration_sum_ms + excluded.duration_sum_ms`;

interface Rollup extends Identity {
  minute: Date;
  bucket: number;
  spans: number;
  errors: number;
  durationSumMs: number;
}

/*
 * Per-minute rollups older than `$1` (whole UTC hours only) move into their hour: deleted and
 * added to the hourly rows in one statement, so a row is never counted twice or lost, even when two
 * instances sweep at once (the second's DELETE waits for the first and finds the rows gone).
 */
const FOLD_ROLLUPS_SQL = `
WITH folded AS (
  DELETE FROM span_rollup WHERE minute < date_trunc('hour', $1::timestamptz, 'UTC')
  RETURNING date_trunc('hour', minute, 'UTC') AS hour, service, version, environment, bucket, spans, errors, duration_sum_ms
), hourly AS (
  INSERT INTO span_rollup_hour (hour, service, version, environment, bucket, spans, errors, duration_sum_ms)
  SELECT hour, service, version, environment, bucket, sum(spans), sum(errors), sum(duration_sum_ms)
  FROM folded
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (hour, service, version, environment, bucket) DO UPDATE
    SET spans = span_rollup_hour.spans + excluded.spans,
        errors = span_rollup_hour.errors + excluded.errors,
        duration_sum_ms = span_rollup_hour.duration_sum_ms + excluded.duration_sum_ms
)
SELECT count(*)::int AS folded FROM folded`;

/** Per-minute RED of a batch's server, consumer and root spans (the same rule as the SQL path). */
/** A batch's spans as binary COPY rows of the span table (SPAN_COLUMNS, in order). */
function encodeSpans(spans: SpanInput[]): Buffer {
  const copy = new BinaryCopyWriter(spans.length * 400);
  for (const s of spans) {
    copy
      .row(14)
      .text(s.traceId)
      .text(s.spanId)
      .text(s.parentSpanId)
      .text(s.service)
      .text(s.version)
      .text(s.environment)
      .text(s.name)
      .int2(s.kind)
      .int2(s.statusCode)
      .text(s.statusMessage)
      .timestamptz(s.startMs)
      .float8(s.durationMs)
      .bool(s.isError)
      .jsonb(s.attributesJson);
  }
  return copy.rows();
}

function rollupsOf(spans: SpanInput[]): Rollup[] {
  const groups = new Map<string, Rollup>();
  for (const s of spans) {
    if (!(s.kind === 2 || s.kind === 5 || s.parentSpanId === null)) continue;
    const minute = Math.floor(s.startMs / 60_000) * 60_000;
    const bucket = latencyBucket(s.durationMs);
    const key = `${minute}\u0000${s.service}\u0000${s.version}\u0000${s.environment}\u0000${bucket}`;
    let g = groups.get(key);
    if (!g) {
      g = { minute: new Date(minute), service: s.service, version: s.version, environment: s.environment, bucket, spans: 0, errors: 0, durationSumMs: 0 };
      groups.set(key, g);
    }
    g.spans++;
    if (s.isError) g.errors++;
    g.durationSumMs += s.durationMs;
  }
  return [...groups.values()];
}

const rollupColumns = (rows: Rollup[]) => [
  rows.map((r) => r.minute),
  rows.map((r) => r.service),
  rows.map((r) => r.version),
  rows.map((r) => r.environment),
  rows.map((r) => r.bucket),
  rows.map((r) => r.spans),
  rows.map((r) => r.errors),
  rows.map((r) => r.durationSumMs),
];

function errorTracesOf(spans: SpanInput[]): Array<{ traceId: string; at: Date }> {
  const first = new Map<string, number>();
  for (const s of spans) {
    if (!s.isError) continue;
    const at = first.get(s.traceId);
    if (at === undefined || s.startMs < at) first.set(s.traceId, s.startMs);
  }
  return [...first].map(([traceId, at]) => ({ traceId, at: new Date(at) }));
}

function distinctIdentities(rows: ReadonlyArray<Identity>): Identity[] {
  const seen = new Map<string, Identity>();
  for (const { service, version, environment } of rows) seen.set(`${service}\u0000${version}\u0000${environment}`, { service, version, environment });
  return [...seen.values()];
}

/**
 * Telemetry received over OTLP: bulk-written spans, logs and rollups. The first sighting of a
 * (service, version, environment) goes through the write path as a `telemetry.version_observed`
 * release event, linked to the matching deployment's release.
 */
export class TelemetryService {
  /** Identities already recorded (per instance; the table is the truth, this only saves a round trip). */
  private readonly known = new Set<string>();
  /** Span batches waiting for a writer, and how many writers run. */
  private readonly pendingSpans: Array<{ spans: SpanInput[]; copyRows: Buffer; resolve: () => void; reject: (error: unknown) => void }> = [];
  private spanWriters = 0;

  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
    private readonly log: Logger,
    readonly retention: TelemetryRetention = DEFAULT_RETENTION,
    /** Tells live KPI charts which rollups a commit changed. */
    private readonly rollups?: RollupSignal,
    /** KPI samples are telemetry too, swept in the same round by their owner. */
    private readonly kpis?: { sweep(now: Date): Promise<number> },
  ) {}

  /**
   * Stores a batch of spans; resolves once they are committed. Batches that arrive while the
   * writers are busy are grouped into the next write (group commit): few, large COPYs instead of
   * one small transaction per export. A group that meets the primary key (an exporter's retry) is
   * written again batch by batch the careful way.
   */
  ingestSpans(spans: SpanInput[]): Promise<void> {
    if (!spans.length) return Promise.resolve();
    // Encoded now, on the request's turn, so the writer only concatenates while the database works.
    const copyRows = encodeSpans(spans);
    return new Promise((resolve, reject) => {
      this.pendingSpans.push({ spans, copyRows, resolve, reject });
      this.writeSpans();
    });
  }

  private writeSpans(): void {
    if (this.spanWriters >= SPAN_WRITERS) return;
    this.spanWriters++;
    void this.drainSpans()
      .catch((err: unknown) => this.log.error({ err }, 'span writer failed'))
      .finally(() => {
        this.spanWriters--;
        if (this.pendingSpans.length) this.writeSpans();
      });
  }

  private async drainSpans(): Promise<void> {
    while (this.pendingSpans.length) {
      let rows = 0;
      let take = 0;
      while (take < this.pendingSpans.length && (take === 0 || rows + this.pendingSpans[take]!.spans.length <= GROUP_COMMIT_MAX_SPANS)) {
        rows += this.pendingSpans[take]!.spans.length;
        take++;
      }
      const group = this.pendingSpans.splice(0, take);
      const all = group.length === 1 ? group[0]!.spans : group.flatMap((g) => g.spans);
      try {
        if (
          await this.copySpans(
            all,
            group.map((g) => g.copyRows),
          )
        ) {
          const touched = distinctIdentities(all);
          this.rollups?.announce(touched);
          await this.observe(touched);
          for (const g of group) g.resolve();
          continue;
        }
      } catch (error) {
        if (!isDataError(error)) {
          for (const g of group) g.reject(error);
          continue;
        }
        // PostgreSQL refused a value: write the batches one by one; only the one it came from fails.
      }
      for (const g of group) {
        await this.insertSpansCarefully(g.spans).then(g.resolve, (error: unknown) =>
          g.reject(isDataError(error) ? new TelemetryDataError(`PostgreSQL cannot store a value of this batch: ${(error as Error).message}`) : error),
        );
      }
    }
  }

  /** INSERT ... ON CONFLICT DO NOTHING: only the spans not stored before count in the rollups. */
  private async insertSpansCarefully(spans: SpanInput[]): Promise<void> {
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
        spans.map((s) => new Date(s.startMs)),
        spans.map((s) => s.durationMs),
        spans.map((s) => s.isError),
        spans.map((s) => s.attributesJson),
      ]),
    );
    this.rollups?.announce(distinctIdentities(identities));
    await this.observe(identities);
  }

  /** The fast path: COPY, then rollups and error traces from the batch itself. False when a span was already stored. */
  private async copySpans(spans: SpanInput[], copyRows: Buffer[]): Promise<boolean> {
    const runner = this.db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      // Telemetry is evidence, not graph state: its commits do not wait for the WAL flush (a crash of
      // PostgreSQL itself can lose the last fraction of a second of spans; nothing is ever half-written).
      await client.query('BEGIN; SET LOCAL synchronous_commit = off');
      const stream = [BinaryCopyWriter.HEADER, ...copyRows, BinaryCopyWriter.TRAILER];
      await pipeline(Readable.from(stream), client.query(copyFrom(`COPY span (${SPAN_COLUMNS}) FROM STDIN (FORMAT binary)`)));
      const rollups = rollupsOf(spans);
      if (rollups.length) await client.query(UPSERT_ROLLUPS_SQL, rollupColumns(rollups));
      const errorTraces = errorTracesOf(spans);
      if (errorTraces.length) {
        await client.query(
          'INSERT INTO error_trace (trace_id, first_error_at) SELECT * FROM unnest($1::text[], $2::timestamptz[]) ORDER BY 1 ON CONFLICT DO NOTHING',
          [errorTraces.map((e) => e.traceId), errorTraces.map((e) => e.at)],
        );
      }
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (code === '23505' || code === '40P01') return false; // a retried batch (or a deadlock): the careful path
      throw error;
    } finally {
      await runner.release();
    }
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
        tx.record('telemetry.version_observed', {
          subjectId: telemetryVersionId(id.service, id.environment, id.version),
          releaseId: deployment?.release_id ?? null,
          payload: { ...id, firstSeenAt: rows[0]!.first_seen_at, deploymentId: deployment?.id ?? null },
        });
      }
    });
    for (const key of fresh.keys()) this.known.add(key);
  }

  /**
   * A new deployment whose version telemetry already saw (a canary, a slow webhook) says so, linked
   * to the deployment and its release: the same event as the first sighting, now with its deployment.
   */
  async deploymentArrived(
    tx: WriteTx,
    service: string,
    version: string,
    environment: string,
    deployment: { id: string; releaseId: string | null },
  ): Promise<void> {
    const [seen] = (await tx.manager.query('SELECT first_seen_at FROM telemetry_version WHERE service = $1 AND version = $2 AND environment = $3', [
      service,
      version,
      environment,
    ])) as Array<{ first_seen_at: Date }>;
    if (!seen) return;
    tx.record('telemetry.version_observed', {
      subjectId: telemetryVersionId(service, environment, version),
      releaseId: deployment.releaseId,
      payload: { service, version, environment, firstSeenAt: seen.first_seen_at, deploymentId: deployment.id },
    });
  }

  /** The kept spans and logs of a trace; null when there are none. */
  async trace(traceId: string): Promise<Trace | null> {
    const id = traceId.trim().toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(id)) throw new BadUserInputError('traceId', 'a trace id is 32 hex digits');
    const [spans, logs] = await Promise.all([
      this.db.query(
        `SELECT trace_id, span_id, parent_span_id, service, version, environment, name, kind, status_code, status_message, start_time, duration_ms, attributes
           FROM span WHERE trace_id = $1 ORDER BY start_time, span_id`,
        [id],
      ) as Promise<Array<Record<string, unknown>>>,
      this.db.query(`SELECT span_id, service, time, severity_number, severity_text, body, attributes FROM log_record WHERE trace_id = $1 ORDER BY time, id`, [
        id,
      ]) as Promise<Array<Record<string, unknown>>>,
    ]);
    if (!spans.length && !logs.length) return null;
    return {
      traceId: id,
      spans: spans.map((s) => ({
        traceId: s.trace_id as string,
        spanId: s.span_id as string,
        parentSpanId: s.parent_span_id as string | null,
        service: s.service as string,
        version: (s.version as string) || null,
        environment: (s.environment as string) || null,
        name: s.name as string,
        kind: s.kind as number,
        status: STATUS_NAMES[s.status_code as number] ?? 'UNSET',
        statusMessage: s.status_message as string | null,
        startTime: s.start_time as Date,
        durationMs: s.duration_ms as number,
        attributes: s.attributes,
      })),
      logs: logs.map((l) => ({
        spanId: l.span_id as string | null,
        service: l.service as string,
        time: l.time as Date,
        severityNumber: l.severity_number as number,
        severityText: l.severity_text as string | null,
        body: l.body as string | null,
        attributes: l.attributes,
      })),
    };
  }

  /**
   * One retention round over every telemetry table:
   * - `span`: error-free traces after the grace period, the others after the retention;
   * - `error_trace`, `log_record`: after the retention;
   * - `span_rollup` (per minute): after the retention, folded into `span_rollup_hour`;
   * - `span_rollup_hour`: after the rollup retention (at least the longest SLO window);
   * - `kpi_sample`: after the KPI retention, never inside the window a KPI reader looks at.
   * Not swept: `telemetry_version` (a row per version ever seen; its first-seen time is evidence, and
   * without it a version seen again would be announced as new). Synthetic results belong to their
   * deployment (deleted with it).
   * Returns the rows removed (folded minute rollups count).
   */
  async sweep(now: Date = new Date()): Promise<number> {
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const expired = ago(this.retention.retentionMs);
    const graceOver = ago(this.retention.graceMs);
    let removed = 0;
    const run = async (sql: string, params: unknown[]) => {
      const [, count] = (await this.db.query(sql, params)) as [unknown, number];
      removed += count;
    };
    await run('DELETE FROM span WHERE start_time < $1', [expired]);
    await run('DELETE FROM span s WHERE s.start_time < $1 AND NOT EXISTS (SELECT 1 FROM error_trace t WHERE t.trace_id = s.trace_id)', [graceOver]);
    await run('DELETE FROM error_trace WHERE first_error_at < $1', [expired]);
    await run('DELETE FROM log_record WHERE time < $1', [expired]);
    const [fold] = (await this.db.query(FOLD_ROLLUPS_SQL, [expired])) as Array<{ folded: number }>;
    removed += fold?.folded ?? 0;
    await run(`DELETE FROM span_rollup_hour WHERE hour < date_trunc('hour', $1::timestamptz, 'UTC')`, [ago(this.retention.rollupRetentionMs)]);
    removed += (await this.kpis?.sweep(now)) ?? 0;
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
