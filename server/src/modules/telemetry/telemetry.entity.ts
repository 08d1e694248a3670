import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/*
 * Telemetry received over OTLP. It is evidence, not graph state: rows are written in bulk by the
 * receiver (no release_event per span) and expire by retention. Spans of traces without an error
 * are kept only for a short grace period, long enough for a late error span of the same trace.
 */

/** One span, keyed by (trace id, span id) so a retried export writes it once. */
@Entity({ name: 'span' })
@Index('span_start_time_idx', ['startTime'])
@Index('span_error_idx', ['service', 'version', 'startTime'], { where: '"is_error"' })
export class SpanRow {
  @PrimaryColumn({ type: 'text' })
  traceId!: string;

  @PrimaryColumn({ type: 'text' })
  spanId!: string;

  @Column({ type: 'text', nullable: true })
  parentSpanId!: string | null;

  @Column({ type: 'text' })
  service!: string;

  /** `service.version`; '' when the resource does not say. */
  @Column({ type: 'text' })
  version!: string;

  /** `deployment.environment.name` (or the older `deployment.environment`); '' when unknown. */
  @Column({ type: 'text' })
  environment!: string;

  @Column({ type: 'text' })
  name!: string;

  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  @Column({ type: 'smallint' })
  kind!: number;

  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  @Column({ type: 'smallint' })
  statusCode!: number;

  @Column({ type: 'text', nullable: true })
  statusMessage!: string | null;

  @Column({ type: 'timestamptz' })
  startTime!: Date;

  @Column({ type: 'double precision' })
  durationMs!: number;

  @Column({ type: 'boolean' })
  isError!: boolean;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes!: Record<string, unknown>;
}

/** Traces that contain an error span: their spans are kept for the full retention. */
@Entity({ name: 'error_trace' })
@Index('error_trace_first_error_idx', ['firstErrorAt'])
export class ErrorTrace {
  @PrimaryColumn({ type: 'text' })
  traceId!: string;

  @Column({ type: 'timestamptz' })
  firstErrorAt!: Date;
}

/**
 * Per-minute RED rollup of server and consumer spans (and root spans), per service, version and
 * environment, split by latency bucket so percentiles can be read from any set of rows (buckets grow
 * by 10 %, see rollup.ts). Rows only ever add up, so concurrent batches merge by addition.
 */
@Entity({ name: 'span_rollup' })
@Index('span_rollup_series_idx', ['service', 'environment', 'version', 'minute'])
export class SpanRollup {
  @PrimaryColumn({ type: 'timestamptz', precision: 0 })
  minute!: Date;

  @PrimaryColumn({ type: 'text' })
  service!: string;

  @PrimaryColumn({ type: 'text' })
  version!: string;

  @PrimaryColumn({ type: 'text' })
  environment!: string;

  @PrimaryColumn({ type: 'smallint' })
  bucket!: number;

  @Column({ type: 'bigint' })
  spans!: string;

  @Column({ type: 'bigint' })
  errors!: string;

  @Column({ type: 'double precision' })
  durationSumMs!: number;
}

/**
 * Hourly RED rollup: per-minute rollups past the telemetry retention are folded into their hour
 * (the same columns, summed), and kept as long as the longest SLO window, so an SLO over 90 days
 * reads every request from 1/60 of the rows. Hours are UTC.
 */
@Entity({ name: 'span_rollup_hour' })
@Index('span_rollup_hour_series_idx', ['service', 'environment', 'version', 'hour'])
export class SpanRollupHour {
  @PrimaryColumn({ type: 'timestamptz', precision: 0 })
  hour!: Date;

  @PrimaryColumn({ type: 'text' })
  service!: string;

  @PrimaryColumn({ type: 'text' })
  version!: string;

  @PrimaryColumn({ type: 'text' })
  environment!: string;

  @PrimaryColumn({ type: 'smallint' })
  bucket!: number;

  @Column({ type: 'bigint' })
  spans!: string;

  @Column({ type: 'bigint' })
  errors!: string;

  @Column({ type: 'double precision' })
  durationSumMs!: number;
}

/** A log record that carries a trace id (others are not kept). Keyed by a hash of its content, so a retried export writes it once. */
@Entity({ name: 'log_record' })
@Index('log_record_trace_idx', ['traceId'])
@Index('log_record_time_idx', ['time'])
export class LogRecordRow {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  traceId!: string;

  @Column({ type: 'text', nullable: true })
  spanId!: string | null;

  @Column({ type: 'text' })
  service!: string;

  @Column({ type: 'text' })
  version!: string;

  @Column({ type: 'text' })
  environment!: string;

  @Column({ type: 'timestamptz' })
  time!: Date;

  @Column({ type: 'smallint' })
  severityNumber!: number;

  @Column({ type: 'text', nullable: true })
  severityText!: string | null;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes!: Record<string, unknown>;
}

/** The first time each (service, version, environment) was seen in telemetry: a new version going live. */
@Entity({ name: 'telemetry_version' })
export class TelemetryVersion {
  @PrimaryColumn({ type: 'text' })
  service!: string;

  @PrimaryColumn({ type: 'text' })
  version!: string;

  @PrimaryColumn({ type: 'text' })
  environment!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  firstSeenAt!: Date;
}
