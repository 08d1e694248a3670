import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gql, gqlOk, present } from '../src/client.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

const MAX_BODY = 256 * 1024;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-otlp-'));
const configFile = path.join(dir, 'releasegraph.yaml');
fs.writeFileSync(configFile, `telemetry:\n  maxBodyBytes: ${MAX_BODY}\n  retention: 72h\n  grace: 10m\n`);

const TRACE = graphql(`
  query OtlpTrace($id: String!) {
    trace(traceId: $id) {
      traceId
      spans {
        name
        kind
        status
        statusMessage
        service
        version
        environment
        parentSpanId
      }
      logs {
        body
        severityNumber
      }
    }
  }
`);
const MALFORMED_TRACE = graphql(`
  query OtlpMalformedTrace {
    trace(traceId: "xyz") {
      traceId
    }
  }
`);

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ env: { RELEASEGRAPH_CONFIG: configFile } });
});
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A service instrumented with the real OpenTelemetry SDK; finished spans and logs are collected, then exported by a real OTLP exporter. */
function instrumentedService(attributes: Record<string, string>) {
  const resource = resourceFromAttributes(attributes);
  const spans = new InMemorySpanExporter();
  const logs = new InMemoryLogRecordExporter();
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(spans)] });
  const loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logs })] });
  return {
    tracer: tracerProvider.getTracer('checkout-test'),
    logger: loggerProvider.getLogger('checkout-test'),
    finishedSpans: () => spans.getFinishedSpans(),
    finishedLogs: () => logs.getFinishedLogRecords(),
  };
}

/** Runs one request through the service: a server span with a child client span; `fail` marks the server span as an error. */
function handleRequest(service: ReturnType<typeof instrumentedService>, route: string, fail: boolean) {
  const server = service.tracer.startSpan(`POST ${route}`, { kind: SpanKind.SERVER });
  const ctx = trace.setSpan(ROOT_CONTEXT, server);
  const client = service.tracer.startSpan('SELECT payments', { kind: SpanKind.CLIENT }, ctx);
  client.end();
  service.logger.emit({
    body: fail ? 'card authorisation timed out' : 'authorised',
    severityNumber: fail ? SeverityNumber.ERROR : SeverityNumber.INFO,
    context: ctx,
  });
  if (fail) server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timeout' });
  server.end();
  return server.spanContext().traceId;
}

const exportWith = <T>(exporter: { export(items: T[], done: (r: ExportResult) => void): void }, items: T[]) =>
  new Promise<ExportResult>((resolve) => exporter.export(items, resolve));

const spansOfTrace = (traceId: string) =>
  hub.db.query<Array<{ span_id: string; service: string; version: string; environment: string; is_error: boolean; kind: number }>>(
    'SELECT span_id, service, version, environment, is_error, kind FROM span WHERE trace_id = $1 ORDER BY kind',
    [traceId],
  );
const rollupTotals = (service: string, version: string) =>
  hub.db
    .query<Array<{ spans: number | null; errors: number | null }>>(
      'SELECT sum(spans)::int AS spans, sum(errors)::int AS errors FROM span_rollup WHERE service = $1 AND version = $2',
      [service, version],
    )
    .then((rows) => rows[0]);

describe('OTLP/HTTP receiver fed by the OpenTelemetry JS SDK', () => {
  it('stores spans and logs exported as OTLP/JSON, maps service, version and environment, and rolls up server spans', async () => {
    const service = instrumentedService({ 'service.name': 'payments', 'service.version': '3.1.0', 'deployment.environment.name': 'prod' });
    const failed = handleRequest(service, '/authorise', true);
    const healthy = handleRequest(service, '/authorise', false);

    const traces = await exportWith<ReadableSpan>(new JsonTraceExporter({ url: `${hub.url}/v1/traces` }), service.finishedSpans());
    const logs = await exportWith<ReadableLogRecord>(new JsonLogExporter({ url: `${hub.url}/v1/logs` }), service.finishedLogs());
    expect(traces.code).toBe(ExportResultCode.SUCCESS);
    expect(logs.code).toBe(ExportResultCode.SUCCESS);

    const stored = await spansOfTrace(failed);
    expect(stored).toHaveLength(2);
    expect(stored.map((s) => [s.service, s.version, s.environment, s.kind, s.is_error])).toEqual([
      ['payments', '3.1.0', 'prod', 2, true],
      ['payments', '3.1.0', 'prod', 3, false],
    ]);
    expect(await spansOfTrace(healthy)).toHaveLength(2);
    expect(await hub.db.query<{ trace_id: string }[]>('SELECT trace_id FROM error_trace WHERE trace_id = ANY($1)', [[failed, healthy]])).toEqual([
      { trace_id: failed },
    ]);
    // Two server spans, one an error; client spans are not counted twice.
    expect(await rollupTotals('payments', '3.1.0')).toEqual({ spans: 2, errors: 1 });
    const logRows = await hub.db.query<{ trace_id: string; body: string; severity_number: number }[]>(
      'SELECT trace_id, body, severity_number FROM log_record WHERE trace_id = $1',
      [failed],
    );
    expect(logRows).toEqual([{ trace_id: failed, body: 'card authorisation timed out', severity_number: SeverityNumber.ERROR }]);
    const sightings = await hub.db.query<{ version: string | null }[]>(
      `SELECT payload->>'version' AS version FROM release_event WHERE type = 'telemetry.version_observed' AND payload->>'service' = 'payments'`,
    );
    expect(sightings).toEqual([{ version: '3.1.0' }]);

    // An analyst reads the failed trace back: its spans across the service and its log.
    const read = await gqlOk(hub.url, TRACE, { id: failed }, ADMIN_TOKEN);
    expect(read.trace).toEqual({
      traceId: failed,
      spans: expect.arrayContaining([
        {
          name: 'POST /authorise',
          kind: 2,
          status: 'ERROR',
          statusMessage: 'upstream timeout',
          service: 'payments',
          version: '3.1.0',
          environment: 'prod',
          parentSpanId: null,
        },
        {
          name: 'SELECT payments',
          kind: 3,
          status: 'UNSET',
          statusMessage: null,
          service: 'payments',
          version: '3.1.0',
          environment: 'prod',
          parentSpanId: expect.any(String),
        },
      ]),
      logs: [{ body: 'card authorisation timed out', severityNumber: SeverityNumber.ERROR }],
    });
    expect(present(read.trace, 'the trace').spans).toHaveLength(2);
    const bad = await gql(hub.url, MALFORMED_TRACE, {}, ADMIN_TOKEN);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });

  it('stores spans and logs exported as OTLP/protobuf, with the older deployment.environment attribute', async () => {
    const service = instrumentedService({ 'service.name': 'ledger', 'service.version': '1.8.2', 'deployment.environment': 'staging' });
    const failed = handleRequest(service, '/post', true);
    // A log outside any trace is accepted but not kept.
    service.logger.emit({ body: 'cache warmed', severityNumber: SeverityNumber.INFO });

    expect((await exportWith<ReadableSpan>(new ProtoTraceExporter({ url: `${hub.url}/v1/traces` }), service.finishedSpans())).code).toBe(
      ExportResultCode.SUCCESS,
    );
    expect((await exportWith<ReadableLogRecord>(new ProtoLogExporter({ url: `${hub.url}/v1/logs` }), service.finishedLogs())).code).toBe(
      ExportResultCode.SUCCESS,
    );

    expect((await spansOfTrace(failed)).map((s) => [s.service, s.version, s.environment, s.is_error])).toEqual([
      ['ledger', '1.8.2', 'staging', true],
      ['ledger', '1.8.2', 'staging', false],
    ]);
    expect(await hub.db.query<{ body: string }[]>(`SELECT body FROM log_record WHERE service = 'ledger' ORDER BY body`)).toEqual([
      { body: 'card authorisation timed out' },
    ]);
  });

  it('counts a retried export once', async () => {
    const service = instrumentedService({ 'service.name': 'retry-svc', 'service.version': '2.0.0', 'deployment.environment.name': 'prod' });
    handleRequest(service, '/a', true);
    handleRequest(service, '/b', false);
    const exporter = new JsonTraceExporter({ url: `${hub.url}/v1/traces` });
    for (let i = 0; i < 3; i++) expect((await exportWith<ReadableSpan>(exporter, service.finishedSpans())).code).toBe(ExportResultCode.SUCCESS);
    expect(await rollupTotals('retry-svc', '2.0.0')).toEqual({ spans: 2, errors: 1 });
    expect(await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM span WHERE service = 'retry-svc'`)).toEqual([{ n: 4 }]);
  });
});

const hex = (bytes: number) => crypto.randomBytes(bytes).toString('hex');
const nowNs = () => BigInt(Date.now()) * 1_000_000n;
function otlpSpan(overrides: Record<string, unknown> = {}) {
  const start = nowNs();
  return {
    traceId: hex(16),
    spanId: hex(8),
    name: 'GET /health',
    kind: 2,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 2_000_000n),
    ...overrides,
  };
}
function tracesBody(spans: unknown[], service = 'raw-svc') {
  return {
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }],
  };
}
const postTraces = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${hub.url}/v1/traces`, { method: 'POST', headers, body });

describe('OTLP/HTTP status codes', () => {
  it('answers 400 with a Status for a body that is not OTLP, and writes nothing', async () => {
    const bad = await postTraces('{"resourceSpans": [ {');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 3, message: expect.any(String) });
    const wrongShape = await postTraces(JSON.stringify({ resourceSpans: { not: 'a list' } }));
    expect(wrongShape.status).toBe(400);
    expect(await wrongShape.json()).toMatchObject({ message: 'resourceSpans must be an array' });
    const garbage = await postTraces(Buffer.from([0xff, 0xff, 0xff, 0x0f, 0x01]), { 'content-type': 'application/x-protobuf' });
    expect(garbage.status).toBe(400);
  });

  it('answers 415 for another content type and 413 for a body over the limit', async () => {
    expect((await postTraces('resourceSpans', { 'content-type': 'text/plain' })).status).toBe(415);
    const huge = JSON.stringify(tracesBody([otlpSpan({ name: 'x'.repeat(MAX_BODY) })]));
    const tooLarge = await postTraces(huge);
    expect(tooLarge.status).toBe(413);
    // The limit holds after decompression too: a small gzip bomb is refused, not inflated into memory.
    expect((await postTraces(zlib.gzipSync(huge), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(413);
  });

  it('accepts gzip bodies and reports refused spans as a partial success', async () => {
    const good = otlpSpan();
    const body = JSON.stringify(tracesBody([good, otlpSpan({ traceId: 'abc' }), otlpSpan({ spanId: '' })], 'partial-svc'));
    const res = await postTraces(zlib.gzipSync(body), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ partialSuccess: { rejectedSpans: 2, errorMessage: 'traceId must be 16 bytes (32 hex digits)' } });
    expect(await hub.db.query<{ span_id: string }[]>(`SELECT span_id FROM span WHERE service = 'partial-svc'`)).toEqual([{ span_id: good.spanId }]);
  });
});

describe('values PostgreSQL cannot hold', () => {
  it('stores spans with NUL characters or lone surrogates cleaned, and refuses out-of-range kinds and times, without failing the batch', async () => {
    const clean = otlpSpan({ name: 'GET /a\u0000b', attributes: [{ key: 'note\u0000', value: { stringValue: 'half \ud800 pair' } }] });
    const badKind = otlpSpan({ kind: 99_999 });
    const farFuture = otlpSpan({ startTimeUnixNano: '1e30', endTimeUnixNano: '1e30' });
    const res = await postTraces(JSON.stringify(tracesBody([clean, badKind, farFuture], 'odd-svc')));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ partialSuccess: { rejectedSpans: 2, errorMessage: expect.stringMatching(/kind or status.code|year 9999/) } });
    expect(await hub.db.query<{ name: string; attributes: unknown }[]>(`SELECT name, attributes FROM span WHERE service = 'odd-svc'`)).toEqual([
      { name: 'GET /ab', attributes: { note: 'half \ufffd pair' } },
    ]);
  });
});

describe('telemetry retention', () => {
  it('keeps spans of error traces for the retention and drops the others after the grace period', async () => {
    const errorTrace = hex(16);
    const quietTrace = hex(16);
    const body = tracesBody(
      [otlpSpan({ traceId: errorTrace, status: { code: 2 } }), otlpSpan({ traceId: errorTrace, kind: 3 }), otlpSpan({ traceId: quietTrace })],
      'retention-svc',
    );
    expect((await postTraces(JSON.stringify(body))).status).toBe(200);
    const count = async () =>
      hub.db.query<{ trace_id: string; n: number }[]>(
        `SELECT trace_id, count(*)::int AS n FROM span WHERE service = 'retention-svc' GROUP BY trace_id ORDER BY n DESC`,
      );
    const inAnHour = new Date(Date.now() + 3_600_000);
    await hub.domain.telemetry.sweep(inAnHour);
    expect(await count()).toEqual([{ trace_id: errorTrace, n: 2 }]);
    await hub.domain.telemetry.sweep(new Date(Date.now() + 73 * 3_600_000));
    expect(await count()).toEqual([]);
  });
});

describe('an OTLP receiver with a token', () => {
  it('refuses exports without the bearer token (401) and takes them with it', async () => {
    const file = path.join(dir, 'with-token.yaml');
    fs.writeFileSync(file, 'telemetry:\n  token: ${TEST_OTLP_TOKEN}\n');
    const guarded = await startTestHub({ env: { RELEASEGRAPH_CONFIG: file, TEST_OTLP_TOKEN: 'otlp-token-0123456789' } });
    try {
      const body = JSON.stringify(tracesBody([otlpSpan()], 'guarded-svc'));
      const send = (headers: Record<string, string>) =>
        fetch(`${guarded.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect((await send({})).status).toBe(401);
      expect((await send({ authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
      expect(await guarded.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM span`)).toEqual([{ n: 0 }]);
      // The SDK's exporter sends it through its `headers` option.
      const service = instrumentedService({ 'service.name': 'guarded-svc', 'service.version': '1.0.0' });
      handleRequest(service, '/x', false);
      const exporter = new ProtoTraceExporter({ url: `${guarded.url}/v1/traces`, headers: { authorization: 'Bearer otlp-token-0123456789' } });
      expect((await exportWith<ReadableSpan>(exporter, service.finishedSpans())).code).toBe(ExportResultCode.SUCCESS);
      expect(await guarded.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM span`)).toEqual([{ n: 2 }]);
    } finally {
      await guarded.close();
    }
  });
});
