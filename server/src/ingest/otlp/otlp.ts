import crypto from 'node:crypto';
import type { LogInput, SpanInput } from '../../modules/telemetry/telemetry-input.js';

/*
 * OTLP export requests → rows. The same code reads both encodings: OTLP/JSON (hex ids, int64 as
 * strings or numbers) and protobuf decoded by protobufjs (ids as bytes, int64 as Long). Problems of
 * one span or log record reject that item (partial success); a request whose shape is wrong is
 * refused as a whole (400).
 */

/** A request whose structure is not OTLP: answered 400, nothing is written. */
export class MalformedOtlpError extends Error {}

/** One span or log record that cannot be stored (a bad id, missing times): refused, the rest of the request is accepted. */
export class RefusedItemError extends Error {}

export type { LogInput, SpanInput };

export interface Decoded<T> {
  rows: T[];
  /** Items refused (bad ids, times); the rest of the request is accepted. */
  rejected: number;
  /** Why the first refused item was refused. */
  firstError: string | null;
}

const STATUS_ERROR = 2;
/** Past this, a time is no time (and PostgreSQL's timestamptz ends in 294276). */
const LATEST_MS = Date.UTC(9999, 11, 31);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Text PostgreSQL can store: no NUL characters, no lone UTF-16 surrogates. */
export function storableText(text: string): string {
  const withoutNul = text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
  return LONE_SURROGATE.test(withoutNul) ? withoutNul.replace(LONE_SURROGATES, '\uFFFD') : withoutNul;
}

const isSmallInt = (n: number) => Number.isInteger(n) && n >= 0 && n <= 32767;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function list(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MalformedOtlpError(`${where} must be an array`);
  return v;
}

function obj(v: unknown, where: string): Obj {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new MalformedOtlpError(`${where} must be an object`);
  return v;
}

/** A trace or span id as lower-case hex, or null when absent; throws when present but wrong. */
export function idHex(v: unknown, bytes: number, what: string): string | null {
  if (v instanceof Uint8Array) {
    // Bytes (protobuf): always hex-able; only the length and the all-zero id are wrong.
    if (v.byteLength === 0) return null;
    if (v.byteLength !== bytes) throw new RefusedItemError(`${what} must be ${bytes} bytes (${bytes * 2} hex digits)`);
    const hex = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
    if (hex === ZERO_IDS[bytes]) throw new RefusedItemError(`${what} is all zeros`);
    return hex;
  }
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return null; // protobufjs' default for absent bytes is []
  if (typeof v !== 'string') throw new RefusedItemError(`${what} is not an id`);
  const hex = v.toLowerCase();
  if (hex === '') return null;
  if (hex.length !== bytes * 2 || !/^[0-9a-f]+$/.test(hex)) throw new RefusedItemError(`${what} must be ${bytes} bytes (${bytes * 2} hex digits)`);
  if (hex === ZERO_IDS[bytes]) throw new RefusedItemError(`${what} is all zeros`);
  return hex;
}

const ZERO_IDS: Readonly<Record<number, string>> = { 8: '0'.repeat(16), 16: '0'.repeat(32) };

/** Nanoseconds since the epoch (string, number or protobufjs Long) as milliseconds (float). */
function nanosToMs(v: unknown): number {
  if (typeof v === 'string') return v === '' ? 0 : Number(v) / 1e6;
  if (typeof v === 'number') return v / 1e6;
  if (isObj(v) && typeof v.low === 'number' && typeof v.high === 'number') return ((v.high >>> 0) * 4294967296 + (v.low >>> 0)) / 1e6;
  return 0;
}

function int(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  if (isObj(v) && typeof v.low === 'number' && typeof v.high === 'number') return v.high * 4294967296 + (v.low >>> 0);
  return 0;
}

/** An OTLP AnyValue as a plain JSON value. */
function anyValue(v: unknown): unknown {
  if (!isObj(v)) return null;
  for (const key of Object.keys(v)) {
    const x = v[key];
    switch (key) {
      case 'stringValue':
        return typeof x === 'string' ? storableText(x) : x;
      case 'boolValue':
        return x;
      case 'doubleValue':
        return typeof x === 'number' && !Number.isFinite(x) ? null : x;
      case 'intValue':
        return int(x);
      case 'bytesValue':
        return x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x;
      case 'arrayValue':
        return list(obj(x, 'arrayValue').values, 'arrayValue.values').map(anyValue);
      case 'kvlistValue':
        return attributes(obj(x, 'kvlistValue').values);
    }
  }
  return null;
}

function attributes(v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list(v, 'attributes')) {
    if (isObj(kv) && typeof kv.key === 'string') out[storableText(kv.key)] = anyValue(kv.value);
  }
  return out;
}

export interface ResourceIdentity {
  service: string;
  version: string;
  environment: string;
}

/** service.name, service.version and deployment.environment.name (or the older deployment.environment) of a resource's attributes. */
export function identityFromAttributes(attrs: Record<string, unknown>): ResourceIdentity {
  const text = (v: unknown) => storableText(typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
  return {
    service: text(attrs['service.name']) || 'unknown_service',
    version: text(attrs['service.version']),
    environment: text(attrs['deployment.environment.name']) || text(attrs['deployment.environment']),
  };
}

const identityOf = (resource: unknown) => identityFromAttributes(attributes(obj(resource, 'resource').attributes));

/** A span's fields as decoded, before the checks. */
export interface SpanFields {
  traceId: string | null;
  spanId: string | null;
  parentSpanId: string | null;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  statusCode: number;
  statusMessage: string;
  attributesJson: string;
}

/** Checks a decoded span and makes it a row; throws a RefusedItemError (the span is refused) when it cannot be one. */
export function spanInput(who: ResourceIdentity, f: SpanFields): SpanInput {
  if (!f.traceId || !f.spanId) throw new RefusedItemError('a span needs a traceId and a spanId');
  if (!(f.startMs > 0) || !(f.endMs >= f.startMs))
    throw new RefusedItemError(`span ${f.spanId}: startTimeUnixNano/endTimeUnixNano are missing or out of order`);
  if (f.endMs > LATEST_MS) throw new RefusedItemError(`span ${f.spanId}: its times lie after the year 9999`);
  if (!isSmallInt(f.kind) || !isSmallInt(f.statusCode)) throw new RefusedItemError(`span ${f.spanId}: kind or status.code is not an OTLP enum value`);
  return {
    traceId: f.traceId,
    spanId: f.spanId,
    parentSpanId: f.parentSpanId,
    service: who.service,
    version: who.version,
    environment: who.environment,
    name: storableText(f.name),
    kind: f.kind,
    statusCode: f.statusCode,
    statusMessage: f.statusMessage === '' ? null : storableText(f.statusMessage),
    startMs: f.startMs,
    durationMs: f.endMs - f.startMs,
    isError: f.statusCode === STATUS_ERROR,
    attributesJson: f.attributesJson,
  };
}

export function refuse<T>(out: Decoded<T>, error: unknown): void {
  out.rejected++;
  out.firstError ??= error instanceof Error ? error.message : String(error);
}

/** Spans of an ExportTraceServiceRequest (JSON-parsed or protobuf-decoded). */
export function spansOf(request: unknown): Decoded<SpanInput> {
  if (!isObj(request)) throw new MalformedOtlpError('the body is not an ExportTraceServiceRequest');
  const out: Decoded<SpanInput> = { rows: [], rejected: 0, firstError: null };
  for (const [r, rs] of list(request.resourceSpans, 'resourceSpans').entries()) {
    const resourceSpans = obj(rs, `resourceSpans[${r}]`);
    const who = identityOf(resourceSpans.resource);
    for (const [s, ss] of list(resourceSpans.scopeSpans, `resourceSpans[${r}].scopeSpans`).entries()) {
      for (const span of list(obj(ss, `resourceSpans[${r}].scopeSpans[${s}]`).spans, 'spans')) {
        try {
          if (!isObj(span)) throw new RefusedItemError('a span must be an object');
          const status = obj(span.status, 'status');
          out.rows.push(
            spanInput(who, {
              traceId: idHex(span.traceId, 16, 'traceId'),
              spanId: idHex(span.spanId, 8, 'spanId'),
              parentSpanId: idHex(span.parentSpanId, 8, 'parentSpanId'),
              name: typeof span.name === 'string' ? span.name : '',
              kind: int(span.kind),
              startMs: nanosToMs(span.startTimeUnixNano),
              endMs: nanosToMs(span.endTimeUnixNano),
              statusCode: int(status.code),
              statusMessage: typeof status.message === 'string' ? status.message : '',
              attributesJson: JSON.stringify(attributes(span.attributes)),
            }),
          );
        } catch (error) {
          if (error instanceof MalformedOtlpError) throw error;
          refuse(out, error);
        }
      }
    }
  }
  return out;
}

function bodyText(v: unknown): string | null {
  const value = anyValue(v);
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value); // strings were made storable by anyValue
}

/** Log records of an ExportLogsServiceRequest; records without a trace id are accepted but not kept. */
export function logsOf(request: unknown): Decoded<LogInput> {
  if (!isObj(request)) throw new MalformedOtlpError('the body is not an ExportLogsServiceRequest');
  const out: Decoded<LogInput> = { rows: [], rejected: 0, firstError: null };
  for (const [r, rl] of list(request.resourceLogs, 'resourceLogs').entries()) {
    const resourceLogs = obj(rl, `resourceLogs[${r}]`);
    const who = identityOf(resourceLogs.resource);
    for (const [s, sl] of list(resourceLogs.scopeLogs, `resourceLogs[${r}].scopeLogs`).entries()) {
      for (const record of list(obj(sl, `resourceLogs[${r}].scopeLogs[${s}]`).logRecords, 'logRecords')) {
        try {
          if (!isObj(record)) throw new RefusedItemError('a log record must be an object');
          const traceId = idHex(record.traceId, 16, 'traceId');
          const spanId = idHex(record.spanId, 8, 'spanId');
          if (!traceId) continue;
          const ms = nanosToMs(record.timeUnixNano) || nanosToMs(record.observedTimeUnixNano);
          if (!(ms > 0) || ms > LATEST_MS) throw new RefusedItemError('a log record needs a timeUnixNano or observedTimeUnixNano before the year 9999');
          const body = bodyText(record.body);
          const severityNumber = int(record.severityNumber);
          if (!isSmallInt(severityNumber)) throw new RefusedItemError(`severityNumber ${severityNumber} is not an OTLP severity`);
          const id = crypto
            .createHash('sha1')
            .update(`${traceId}|${spanId ?? ''}|${ms}|${severityNumber}|${who.service}|${body ?? ''}`)
            .digest('hex');
          out.rows.push({
            id,
            traceId,
            spanId,
            ...who,
            time: new Date(ms),
            severityNumber,
            severityText: typeof record.severityText === 'string' && record.severityText !== '' ? storableText(record.severityText) : null,
            body,
            attributes: attributes(record.attributes),
          });
        } catch (error) {
          if (error instanceof MalformedOtlpError) throw error;
          refuse(out, error);
        }
      }
    }
  }
  return out;
}
