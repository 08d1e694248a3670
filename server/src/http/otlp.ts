import express from 'express';
import { constantTimeEqual } from '@releasegraph/connectors';
import type { Type } from 'protobufjs';
import { MalformedOtlpError, logsOf, spansOf, type Decoded } from '../ingest/otlp/otlp.js';
import { otlpTypes } from '../ingest/otlp/otlp-proto.js';
import { decodeSpansProtobuf } from '../ingest/otlp/otlp-span-decoder.js';
import type { Logger } from '../logger.js';
import { TelemetryDataError, type TelemetryService } from '../modules/telemetry/telemetry.service.js';

const JSON_TYPE = 'application/json';
const PROTOBUF_TYPE = 'application/x-protobuf';
/** google.rpc.Code INVALID_ARGUMENT, RESOURCE_EXHAUSTED, UNAVAILABLE, UNAUTHENTICATED. */
const RPC = { invalidArgument: 3, resourceExhausted: 8, unavailable: 14, unauthenticated: 16 } as const;

type Encoding = 'json' | 'protobuf';

function encodingOf(req: express.Request): Encoding | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === JSON_TYPE) return 'json';
  if (type === PROTOBUF_TYPE) return 'protobuf';
  return null;
}

/** Answers in the request's encoding, as the OTLP/HTTP spec asks. */
function answer(res: express.Response, encoding: Encoding, status: number, message: object, type: Type) {
  if (encoding === 'json') res.status(status).type(JSON_TYPE).send(JSON.stringify(message));
  else
    res
      .status(status)
      .type(PROTOBUF_TYPE)
      .send(Buffer.from(type.encode(type.fromObject(message)).finish()));
}

function failure(res: express.Response, encoding: Encoding, status: number, code: number, message: string) {
  answer(res, encoding, status, { code, message }, otlpTypes.status);
}

interface Signal<T> {
  path: '/v1/traces' | '/v1/logs';
  response: Type;
  /** Rows of a JSON-parsed request. */
  fromJson(request: unknown): Decoded<T>;
  /** Rows of a protobuf body. */
  fromProtobuf(body: Buffer): Decoded<T>;
  store(rows: T[]): Promise<void>;
  /** The response's partial-success message. */
  partial(rejected: number, message: string): object;
}

/**
 * OTLP/HTTP receiver: `POST /v1/traces` and `POST /v1/logs`, JSON or protobuf (gzip or deflate
 * encoded too). 200 once the batch is stored, with `partialSuccess` naming refused items; 400 for a
 * body that is not OTLP, 413 over the size limit, 415 for other content types, 503 (retryable, with
 * Retry-After) when the database cannot take the batch.
 */
export function otlpRouter(telemetry: TelemetryService, log: Logger, { maxBytes, token }: { maxBytes: number; token?: string | undefined }): express.Router {
  const router = express.Router();
  if (token) {
    // Checked before the body is read: an exporter without the token costs us nothing.
    const expected = `Bearer ${token}`;
    router.use(['/v1/traces', '/v1/logs'], (req, res, next) => {
      if (constantTimeEqual(req.headers.authorization ?? '', expected)) return next();
      res
        .status(401)
        .type(JSON_TYPE)
        .send(JSON.stringify({ code: RPC.unauthenticated, message: 'OTLP exports to this hub need Authorization: Bearer <telemetry.token>' }));
    });
  }
  const paths = ['/v1/traces', '/v1/logs'];
  mount(router, log, maxBytes, {
    path: '/v1/traces',
    response: otlpTypes.traceResponse,
    fromJson: spansOf,
    fromProtobuf: decodeSpansProtobuf,
    store: (rows) => telemetry.ingestSpans(rows),
    partial: (rejectedSpans, errorMessage) => ({ partialSuccess: { rejectedSpans, errorMessage } }),
  });
  mount(router, log, maxBytes, {
    path: '/v1/logs',
    response: otlpTypes.logsResponse,
    fromJson: logsOf,
    fromProtobuf: (body) => logsOf(otlpTypes.logsRequest.decode(body)),
    store: (rows) => telemetry.ingestLogs(rows),
    partial: (rejectedLogRecords, errorMessage) => ({ partialSuccess: { rejectedLogRecords, errorMessage } }),
  });

  // body-parser's own refusals (too large, bad Content-Encoding, aborted uploads), in the OTLP shape.
  router.use((error: { status?: number; type?: string; message?: string }, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!paths.includes(req.path)) return next(error);
    const encoding = encodingOf(req) ?? 'json';
    if (error.type === 'entity.too.large') return failure(res, encoding, 413, RPC.resourceExhausted, `the body is larger than ${maxBytes} bytes`);
    if (error.status && error.status < 500) return failure(res, encoding, error.status, RPC.invalidArgument, error.message ?? 'bad request');
    next(error);
  });
  return router;
}

function mount<T>(router: express.Router, log: Logger, maxBytes: number, signal: Signal<T>): void {
  router.post(
    signal.path,
    (req, res, next) => {
      if (encodingOf(req)) return next();
      res
        .status(415)
        .type(JSON_TYPE)
        .send(JSON.stringify({ code: RPC.invalidArgument, message: `Content-Type must be ${JSON_TYPE} or ${PROTOBUF_TYPE}` }));
    },
    express.raw({ type: () => true, limit: maxBytes, inflate: true }),
    async (req, res) => {
      const encoding = encodingOf(req)!;
      let decoded: Decoded<T>;
      try {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        decoded = encoding === 'json' ? signal.fromJson(JSON.parse(body.toString('utf8'))) : signal.fromProtobuf(body);
      } catch (error) {
        const reason = error instanceof MalformedOtlpError ? error.message : `the body is not a valid OTLP ${encoding} message`;
        return failure(res, encoding, 400, RPC.invalidArgument, reason);
      }
      try {
        await signal.store(decoded.rows);
      } catch (err) {
        if (err instanceof TelemetryDataError) return failure(res, encoding, 400, RPC.invalidArgument, err.message);
        log.error({ err, path: signal.path }, 'OTLP batch could not be stored');
        res.setHeader('Retry-After', '5');
        return failure(res, encoding, 503, RPC.unavailable, 'the hub cannot store telemetry right now; retry later');
      }
      const partial = decoded.rejected ? signal.partial(decoded.rejected, decoded.firstError ?? 'rejected') : {};
      answer(res, encoding, 200, partial, signal.response);
    },
  );
}
