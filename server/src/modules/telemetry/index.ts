import { ErrorTrace, LogRecordRow, SpanRollup, SpanRollupHour, SpanRow, TelemetryVersion } from './telemetry.entity.js';
import { TelemetryResolver } from './telemetry.resolver.js';

/** Spans, logs and rollups from OTLP; retention. */
export const entities = [SpanRow, ErrorTrace, SpanRollup, SpanRollupHour, LogRecordRow, TelemetryVersion];
export const resolvers = [TelemetryResolver] as const;
