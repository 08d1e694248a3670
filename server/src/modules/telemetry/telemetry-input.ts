/* What the telemetry store takes: spans and log records decoded from OTLP (by ingest/otlp). */

/** A span ready to store. */
export interface SpanInput {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  version: string;
  environment: string;
  name: string;
  kind: number;
  statusCode: number;
  statusMessage: string | null;
  /** Milliseconds since the epoch (fractional). */
  startMs: number;
  durationMs: number;
  isError: boolean;
  /** The span's attributes as a JSON object text. */
  attributesJson: string;
}

/** A log record ready to store (only those with a trace id are kept). */
export interface LogInput {
  id: string;
  traceId: string;
  spanId: string | null;
  service: string;
  version: string;
  environment: string;
  time: Date;
  severityNumber: number;
  severityText: string | null;
  body: string | null;
  attributes: Record<string, unknown>;
}
