import protobuf from 'protobufjs';
import {
  MalformedOtlpError,
  RefusedItemError,
  identityFromAttributes,
  idHex,
  refuse,
  spanInput,
  storableText,
  type Decoded,
  type SpanFields,
  type SpanInput,
} from './otlp.js';

/*
 * A streaming decoder for ExportTraceServiceRequest (opentelemetry-proto v1), the receiver's hot
 * path: it reads the wire format field by field and builds rows directly (attributes straight to
 * their JSON text), skipping fields it does not keep, instead of materialising protobufjs message
 * objects first. Field numbers are those of trace.proto / common.proto / resource.proto.
 */

const { Reader } = protobuf;
type ProtoReader = protobuf.Reader;

const WIRE = { varint: 0, fixed64: 1, len: 2, fixed32: 5 } as const;

/** The wire type of each Span field the receiver keeps; a field with another wire type is skipped. */
const SPAN_FIELD_WIRE: ReadonlyArray<number | undefined> = [];
Object.assign(SPAN_FIELD_WIRE, {
  1: WIRE.len, // trace_id
  2: WIRE.len, // span_id
  4: WIRE.len, // parent_span_id
  5: WIRE.len, // name
  6: WIRE.varint, // kind
  7: WIRE.fixed64, // start_time_unix_nano
  8: WIRE.fixed64, // end_time_unix_nano
  9: WIRE.len, // attributes
  15: WIRE.len, // status
});

/** The end of the length-delimited message starting at the reader's position. */
function endOf(r: ProtoReader): number {
  const end = r.uint32() + r.pos;
  if (end > r.len) throw new MalformedOtlpError('a message runs past the end of the body');
  return end;
}

function closed(r: ProtoReader, end: number): void {
  if (r.pos !== end) throw new MalformedOtlpError('a field runs past the end of its message');
}

/** A fixed64 of nanoseconds as milliseconds (float); exact to well under a microsecond for current times. */
function fixed64Ms(r: ProtoReader): number {
  const low = r.fixed32();
  const high = r.fixed32();
  return (high * 4294967296 + low) / 1e6;
}

/** An AnyValue as JSON text. */
function anyValueJson(r: ProtoReader): string {
  const end = endOf(r);
  let json = 'null';
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === WIRE.len) json = JSON.stringify(storableText(r.string()));
    else if (field === 2 && wire === WIRE.varint) json = r.bool() ? 'true' : 'false';
    else if (field === 3 && wire === WIRE.varint) {
      const v = r.int64();
      json = String(v.high * 4294967296 + (v.low >>> 0));
    } else if (field === 4 && wire === WIRE.fixed64) {
      const d = r.double();
      json = Number.isFinite(d) ? String(d) : 'null';
    } else if (field === 5 && wire === WIRE.len) {
      const listEnd = endOf(r);
      const items: string[] = [];
      while (r.pos < listEnd) {
        const t = r.uint32();
        if (t >>> 3 === 1 && (t & 7) === WIRE.len) items.push(anyValueJson(r));
        else r.skipType(t & 7);
      }
      closed(r, listEnd);
      json = `[${items.join(',')}]`;
    } else if (field === 6 && wire === WIRE.len) {
      const listEnd = endOf(r);
      const members: string[] = [];
      while (r.pos < listEnd) {
        const t = r.uint32();
        if (t >>> 3 === 1 && (t & 7) === WIRE.len) keyValueJson(r, members, null);
        else r.skipType(t & 7);
      }
      closed(r, listEnd);
      json = `{${members.join(',')}}`;
    } else if (field === 7 && wire === WIRE.len) json = JSON.stringify(Buffer.from(r.bytes()).toString('base64'));
    else r.skipType(wire);
  }
  closed(r, end);
  return json;
}

/**
 * Reads a KeyValue as a JSON member (`"key":value`) into `members`; also into `plain` (string
 * values) when given, for the resource attributes the receiver reads itself.
 */
function keyValueJson(r: ProtoReader, members: string[], plain: Record<string, unknown> | null): void {
  const end = endOf(r);
  let key: string | null = null;
  let value = 'null';
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === WIRE.len) key = storableText(r.string());
    else if (field === 2 && wire === WIRE.len) value = anyValueJson(r);
    else r.skipType(wire);
  }
  closed(r, end);
  if (key === null) return;
  members.push(`${JSON.stringify(key)}:${value}`);
  if (plain) plain[key] = JSON.parse(value) as unknown;
}

/** Reads one Span to its end (a bad id is reported after the whole span is read, so the reader stays aligned). */
function span(r: ProtoReader): SpanFields {
  const end = endOf(r);
  let problem: string | null = null;
  const f: SpanFields = {
    traceId: null,
    spanId: null,
    parentSpanId: null,
    name: '',
    kind: 0,
    startMs: 0,
    endMs: 0,
    statusCode: 0,
    statusMessage: '',
    attributesJson: '{}',
  };
  const members: string[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (SPAN_FIELD_WIRE[field] !== wire) {
      r.skipType(wire);
      continue;
    }
    try {
      switch (field) {
        case 1:
          f.traceId = idHex(r.bytes(), 16, 'traceId');
          break;
        case 2:
          f.spanId = idHex(r.bytes(), 8, 'spanId');
          break;
        case 4:
          f.parentSpanId = idHex(r.bytes(), 8, 'parentSpanId');
          break;
        case 5:
          f.name = r.string();
          break;
        case 6:
          f.kind = r.int32();
          break;
        case 7:
          f.startMs = fixed64Ms(r);
          break;
        case 8:
          f.endMs = fixed64Ms(r);
          break;
        case 9:
          keyValueJson(r, members, null);
          break;
        case 15: {
          const statusEnd = endOf(r);
          while (r.pos < statusEnd) {
            const t = r.uint32();
            if (t >>> 3 === 2 && (t & 7) === WIRE.len) f.statusMessage = r.string();
            else if (t >>> 3 === 3 && (t & 7) === WIRE.varint) f.statusCode = r.int32();
            else r.skipType(t & 7);
          }
          closed(r, statusEnd);
          break;
        }
      }
    } catch (error) {
      if (!(error instanceof RefusedItemError)) throw error;
      problem ??= error.message; // a bad id: its bytes were read, the reader is still aligned
    }
  }
  closed(r, end);
  if (problem) throw new RefusedItemError(problem);
  if (members.length) f.attributesJson = `{${members.join(',')}}`;
  return f;
}

/**
 * The spans of a protobuf ExportTraceServiceRequest. A span that fails its checks is refused
 * (partial success); a body that is not the message throws MalformedOtlpError.
 */
export function decodeSpansProtobuf(body: Uint8Array): Decoded<SpanInput> {
  const out: Decoded<SpanInput> = { rows: [], rejected: 0, firstError: null };
  const r = Reader.create(body);
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 !== 1 || (tag & 7) !== WIRE.len) {
        r.skipType(tag & 7);
        continue;
      }
      // ResourceSpans: the resource may come after its spans on the wire, so spans are read once it is known.
      const resourceEnd = endOf(r);
      const resource: Record<string, unknown> = {};
      const scopes: Array<[number, number]> = [];
      while (r.pos < resourceEnd) {
        const t = r.uint32();
        if (t >>> 3 === 1 && (t & 7) === WIRE.len) {
          const end = endOf(r);
          while (r.pos < end) {
            const a = r.uint32();
            if (a >>> 3 === 1 && (a & 7) === WIRE.len) keyValueJson(r, [], resource);
            else r.skipType(a & 7);
          }
          closed(r, end);
        } else if (t >>> 3 === 2 && (t & 7) === WIRE.len) {
          const end = endOf(r);
          scopes.push([r.pos, end]);
          r.pos = end;
        } else r.skipType(t & 7);
      }
      closed(r, resourceEnd);
      const who = identityFromAttributes(resource);
      for (const [start, end] of scopes) {
        r.pos = start;
        while (r.pos < end) {
          const t = r.uint32();
          if (t >>> 3 !== 2 || (t & 7) !== WIRE.len) {
            r.skipType(t & 7);
            continue;
          }
          try {
            out.rows.push(spanInput(who, span(r)));
          } catch (error) {
            if (!(error instanceof RefusedItemError)) throw error;
            refuse(out, error);
          }
        }
      }
      r.pos = resourceEnd;
    }
  } catch (error) {
    if (error instanceof MalformedOtlpError) throw error;
    // protobufjs' own "index out of range" / "invalid wire type": the body is not this message.
    throw new MalformedOtlpError(`the body is not a protobuf ExportTraceServiceRequest (${(error as Error).message})`);
  }
  return out;
}
