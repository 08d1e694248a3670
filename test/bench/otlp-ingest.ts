/**
 * OTLP ingest: spans/s the hub accepts over POST /v1/traces (protobuf, as the OpenTelemetry SDK
 * sends them) and persists with its production indexes and rollups, against the physical
 * reference: a binary COPY of the same rows into the same table from Node, in the same run.
 * Alternating rounds on emptied tables; the median ratio is reported (target >= 0.5).
 * Writes test/bench/report-otlp-ingest.json.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createTestDatabase } from '../src/database.js';
import { setup as setupPostgres } from '../src/global-setup.js';
import { startHubProcess } from './process.js';

const here = import.meta.dirname;
const SPANS = Number(process.env.BENCH_SPANS ?? 100_000);
const BATCH = 512; // the SDK's BatchSpanProcessor default
/** Exports in flight at once: a hub receives from many services' exporters (and collectors) together. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Spans of a few services as the SDK records them: traces of one server span and three children, 5 % failing. */
function recordSpans(): ReadableSpan[][] {
  const services = ['payments', 'checkout', 'ledger', 'search'].map((name, i) => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': name, 'service.version': `2.${i}.0`, 'deployment.environment.name': 'prod' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    return { tracer: provider.getTracer('bench'), exporter };
  });
  for (let t = 0; t < SPANS / 4; t++) {
    const { tracer } = services[t % services.length]!;
    const root = tracer.startSpan('POST /api/orders', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'POST', 'http.route': '/api/orders', 'url.path': `/api/orders/${t}`, 'http.response.status_code': 200 },
    });
    const ctx = trace.setSpan(ROOT_CONTEXT, root);
    for (const name of ['SELECT orders', 'GET inventory', 'publish order.created']) {
      tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'server.address': 'db.internal' } }, ctx).end();
    }
    if (t % 20 === 0) root.setStatus({ code: SpanStatusCode.ERROR, message: 'inventory timeout' });
    root.end();
  }
  const all = services.flatMap((s) => s.exporter.getFinishedSpans());
  const batches: ReadableSpan[][] = [];
  for (let i = 0; i < all.length; i += BATCH) batches.push(all.slice(i, i + BATCH));
  return batches;
}

// ---- the reference: a binary COPY of the same rows ----

const PG_EPOCH_MICROS = 946_684_800_000_000n;
const field = {
  text: (v: string | null) => (v === null ? null : Buffer.from(v, 'utf8')),
  int2: (v: number) => Buffer.from([(v >> 8) & 0xff, v & 0xff]),
  float8: (v: number) => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return b;
  },
  bool: (v: boolean) => Buffer.from([v ? 1 : 0]),
  timestamptz: (micros: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(micros - PG_EPOCH_MICROS);
    return b;
  },
  jsonb: (json: string) => Buffer.concat([Buffer.from([1]), Buffer.from(json, 'utf8')]),
};

function copyRow(fields: Array<Buffer | null>): Buffer {
  const count = Buffer.alloc(2);
  count.writeInt16BE(fields.length);
  const parts: Buffer[] = [count];
  for (const f of fields) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(f === null ? -1 : f.length);
    parts.push(len);
    if (f) parts.push(f);
  }
  return Buffer.concat(parts);
}

const micros = (t: [number, number]) => BigInt(t[0]) * 1_000_000n + BigInt(Math.floor(t[1] / 1000));

/** The rows the receiver stores for these spans, in COPY binary format. */
function copyRows(batches: ReadableSpan[][]): Buffer[] {
  const rows: Buffer[] = [];
  for (const batch of batches) {
    for (const s of batch) {
      const res = s.resource.attributes;
      const start = micros(s.startTime);
      const duration = s.duration[0] * 1000 + s.duration[1] / 1e6;
      rows.push(
        copyRow([
          field.text(s.spanContext().traceId),
          field.text(s.spanContext().spanId),
          field.text(s.parentSpanContext?.spanId ?? null),
          field.text(String(res['service.name'])),
          field.text(String(res['service.version'])),
          field.text(String(res['deployment.environment.name'])),
          field.text(s.name),
          field.int2(s.kind + 1),
          field.int2(s.status.code),
          field.text(s.status.message ?? null),
          field.timestamptz(start),
          field.float8(duration),
          field.bool(s.status.code === SpanStatusCode.ERROR),
          field.jsonb(JSON.stringify(s.attributes)),
        ]),
      );
    }
  }
  return rows;
}

async function copyReference(client: pg.Client, rows: Buffer[]): Promise<number> {
  const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
  const trailer = Buffer.from([0xff, 0xff]);
  const started = performance.now();
  const stream = client.query(
    copyFrom(
      'COPY span (trace_id, span_id, parent_span_id, service, version, environment, name, kind, status_code, status_message, start_time, duration_ms, is_error, attributes) FROM STDIN (FORMAT binary)',
    ),
  );
  await pipeline(Readable.from([header, ...rows, trailer]), stream);
  return performance.now() - started;
}

/** Posts every batch as an exporter would, CONCURRENCY at a time, over keep-alive connections (node:http: the client should cost little). */
async function ingestThroughHub(url: string, bodies: Uint8Array[]): Promise<number> {
  const target = new URL(`${url}/v1/traces`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const post = (body: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`/v1/traces answered ${res.statusCode}: ${Buffer.concat(chunks).toString()}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) await post(bodies[next++]!);
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  return elapsed;
}

const teardownPostgres = await setupPostgres();
const database = await createTestDatabase();
const children: ChildProcess[] = [];
const client = new pg.Client({ connectionString: database.url });
try {
  const hub = await startHubProcess({ DATABASE_URL: database.url, RELEASEGRAPH_CONFIG: '/dev/null' });
  children.push(hub.child);
  await client.connect();
  const batches = recordSpans();
  const spans = batches.reduce((n, b) => n + b.length, 0);
  const bodies = batches.map((b) => ProtobufTraceSerializer.serializeRequest(b)!);
  const rows = copyRows(batches);
  const empty = () => client.query('TRUNCATE span, span_rollup, error_trace');
  const stored = async () => Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM span')).rows[0]!.n);

  await empty();
  await ingestThroughHub(hub.url, bodies.slice(0, 20)); // warm-up, not reported
  const rounds: Array<{ hubSpansPerSecond: number; copySpansPerSecond: number; ratio: number }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    await empty();
    const hubMs = await ingestThroughHub(hub.url, bodies);
    if ((await stored()) !== spans) throw new Error(`the hub stored ${await stored()} of ${spans} spans`);
    await empty();
    const copyMs = await copyReference(client, rows);
    if ((await stored()) !== spans) throw new Error(`COPY stored ${await stored()} of ${spans} spans`);
    const hubRate = spans / (hubMs / 1000);
    const copyRate = spans / (copyMs / 1000);
    rounds.push({ hubSpansPerSecond: Math.round(hubRate), copySpansPerSecond: Math.round(copyRate), ratio: Number((hubRate / copyRate).toFixed(3)) });
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
  const report = {
    benchmark: 'OTLP/HTTP protobuf span ingest vs binary COPY of the same rows',
    at: new Date().toISOString(),
    spans,
    batchSize: BATCH,
    concurrency: CONCURRENCY,
    rounds,
    reported: 'the round with the median ratio',
    hubSpansPerSecond: median.hubSpansPerSecond,
    copySpansPerSecond: median.copySpansPerSecond,
    ratio: median.ratio,
    target: 'ratio >= 0.5',
    meetsTarget: median.ratio >= 0.5,
  };
  fs.writeFileSync(path.join(here, 'report-otlp-ingest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`
OTLP ingest, ${spans} spans in batches of ${BATCH}, ${CONCURRENCY} concurrent exports, ${ROUNDS} alternating rounds (median)
  hub /v1/traces (protobuf)   ${String(median.hubSpansPerSecond).padStart(8)} spans/s
  binary COPY (reference)     ${String(median.copySpansPerSecond).padStart(8)} spans/s
  ratio                       ${median.ratio}  (target >= 0.5; rounds: ${rounds.map((r) => r.ratio).join(', ')})
  ${report.meetsTarget ? 'meets the target' : 'DOES NOT meet the target'}`);
} finally {
  await client.end().catch(() => undefined);
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await database.drop();
  await teardownPostgres();
}
