import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';
import { SeverityNumber, type Logger as OtelLogger } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from './logger.js';
import type { KpiCounters } from './prometheus-endpoint.js';
import { ENVIRONMENTS, SHOP, type ServiceName, type ShopService } from './shop.js';

/*
 * The shop's services in production, instrumented with the OpenTelemetry JS SDK like any Node
 * service: a tracer and a logger provider per running version (the resource carries
 * `service.version`), exporting OTLP/HTTP to the hub's /v1/traces and /v1/logs. Requests are
 * simulated — spans get their start and end times from the simulation instead of a real wait —
 * and feed the counters the demo's Prometheus serves.
 */

/** How often a burst of requests is served, and how many per service (checkout also calls payments). */
const TICK_MS = 500;
const REQUESTS_PER_TICK: Record<'checkout' | 'search', number> = { checkout: 10, search: 6 };
/** A healthy version fails now and then; a broken one fails a third of checkouts. */
const NOISE_ERROR_RATE = 0.005;
const BROKEN_ERROR_RATE = 0.3;

interface Running {
  version: string;
  /** Whether this version is the broken one. */
  broken: boolean;
  tracer: Tracer;
  logger: OtelLogger;
  shutdown(): Promise<void>;
}

const between = (min: number, max: number) => min + Math.random() * (max - min);

/** One service of the shop: the SDK providers of its running version. */
class InstrumentedService {
  running: Running | null = null;

  constructor(
    readonly spec: ShopService,
    private readonly otlp: { url: string; headers: Record<string, string> },
  ) {}

  /** A new version starts: a new resource, so new providers; the old version's are shut down (which flushes them). */
  async deploy(version: string, broken: boolean): Promise<void> {
    const resource = resourceFromAttributes({
      'service.name': this.spec.name,
      'service.namespace': 'demo-shop',
      'service.version': version,
      'deployment.environment.name': ENVIRONMENTS.production,
    });
    const tracerProvider = new BasicTracerProvider({
      resource,
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${this.otlp.url}/v1/traces`, headers: this.otlp.headers }), { scheduledDelayMillis: 1000 }),
      ],
    });
    const loggerProvider = new LoggerProvider({
      resource,
      processors: [
        new BatchLogRecordProcessor({
          exporter: new OTLPLogExporter({ url: `${this.otlp.url}/v1/logs`, headers: this.otlp.headers }),
          scheduledDelayMillis: 1000,
        }),
      ],
    });
    const previous = this.running;
    this.running = {
      version,
      broken,
      tracer: tracerProvider.getTracer('demo-shop', version),
      logger: loggerProvider.getLogger('demo-shop', version),
      shutdown: async () => {
        await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
      },
    };
    await previous?.shutdown();
  }
}

/** The shop's production traffic, and the instrumented services that serve it. */
export class ShopTraffic {
  private readonly services: Record<ServiceName, InstrumentedService>;
  private timer?: NodeJS.Timeout;

  constructor(
    otlp: { url: string; token?: string },
    private readonly counters: KpiCounters,
    private readonly log: Logger,
  ) {
    const headers: Record<string, string> = otlp.token ? { authorization: `Bearer ${otlp.token}` } : {};
    const target = { url: otlp.url, headers };
    this.services = {
      checkout: new InstrumentedService(SHOP.checkout, target),
      search: new InstrumentedService(SHOP.search, target),
      payments: new InstrumentedService(SHOP.payments, target),
    };
  }

  /** The version a service runs in production. */
  live(service: ServiceName): { version: string; broken: boolean } | null {
    const r = this.services[service].running;
    return r ? { version: r.version, broken: r.broken } : null;
  }

  /** Rolls a service to a version (a deployment finished); traffic moves to it at once. */
  deploy(service: ServiceName, version: string, broken = false): Promise<void> {
    return this.services[service].deploy(version, broken);
  }

  async start(versions: Record<ServiceName, string>): Promise<void> {
    for (const [service, version] of Object.entries(versions)) await this.deploy(service as ServiceName, version);
    this.timer = setInterval(() => {
      try {
        this.serveBurst();
      } catch (err) {
        this.log.warn({ err }, 'demo traffic failed');
      }
    }, TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(Object.values(this.services).map((s) => s.running?.shutdown()));
  }

  /** The requests of one tick, spread over it. */
  private serveBurst(): void {
    const now = Date.now();
    for (let i = 0; i < REQUESTS_PER_TICK.checkout; i++) this.checkout(now - Math.random() * TICK_MS);
    for (let i = 0; i < REQUESTS_PER_TICK.search; i++) this.search(now - Math.random() * TICK_MS);
  }

  private countSession(service: ServiceName, version: string, converted: boolean, at: number): void {
    this.counters.record({ service, environment: ENVIRONMENTS.production, version }, converted, at);
  }

  /** POST /checkout: checkout calls payments to authorise the card. A broken checkout times out waiting for it (and is slow when it does not). */
  private checkout(end: number): void {
    const checkout = this.services.checkout.running;
    if (!checkout || !this.services.payments.running) return;
    const fails = Math.random() < (checkout.broken ? BROKEN_ERROR_RATE : NOISE_ERROR_RATE);
    const duration = fails ? between(1500, 3000) : between(60, 180) * (checkout.broken ? 2.5 : 1) + (Math.random() < 0.05 ? 400 : 0);
    const start = end - duration;
    const server = checkout.tracer.startSpan(
      SHOP.checkout.route,
      { kind: SpanKind.SERVER, startTime: start, attributes: { 'http.request.method': 'POST', 'http.route': '/checkout' } },
      ROOT_CONTEXT,
    );
    const ctx = trace.setSpan(ROOT_CONTEXT, server);
    const call = checkout.tracer.startSpan(
      'POST payments /authorise',
      { kind: SpanKind.CLIENT, startTime: start + 5, attributes: { 'server.address': 'payments' } },
      ctx,
    );
    const authorised = this.payments(trace.setSpan(ROOT_CONTEXT, call), start + 7);
    if (fails) {
      call.setStatus({ code: SpanStatusCode.ERROR, message: 'deadline exceeded' });
      server.setStatus({ code: SpanStatusCode.ERROR, message: 'card authorisation timed out' });
      server.setAttribute('http.response.status_code', 504);
      checkout.logger.emit({
        severityNumber: SeverityNumber.ERROR,
        severityText: 'ERROR',
        body: `card authorisation timed out after ${Math.round(duration)} ms`,
        context: ctx,
        timestamp: end,
      });
    } else {
      server.setAttribute('http.response.status_code', 200);
    }
    call.end(end - 3);
    server.end(end);
    // A slow checkout loses buyers too: a broken version converts less even when it answers.
    const converted = !fails && authorised && Math.random() < SHOP.checkout.conversion * (checkout.broken ? 0.7 : 1);
    this.countSession('checkout', checkout.version, converted, end);
  }

  /** POST /authorise on payments, as the child of checkout's call; whether the card was authorised. */
  private payments(parent: Context, start: number): boolean {
    const payments = this.services.payments.running!;
    const fails = Math.random() < (payments.broken ? BROKEN_ERROR_RATE : NOISE_ERROR_RATE);
    const end = start + between(30, 90);
    const span = payments.tracer.startSpan(
      SHOP.payments.route,
      { kind: SpanKind.SERVER, startTime: start, attributes: { 'http.request.method': 'POST', 'http.route': '/authorise' } },
      parent,
    );
    if (fails) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'card network unavailable' });
      payments.logger.emit({
        severityNumber: SeverityNumber.ERROR,
        severityText: 'ERROR',
        body: 'card network unavailable',
        context: trace.setSpan(parent, span),
        timestamp: end,
      });
    }
    span.end(end);
    const authorised = !fails && Math.random() < SHOP.payments.conversion;
    this.countSession('payments', payments.version, authorised, end);
    return authorised;
  }

  /** GET /search with its database query; a session converts when a result is clicked. */
  private search(end: number): void {
    const search = this.services.search.running;
    if (!search) return;
    const fails = Math.random() < (search.broken ? BROKEN_ERROR_RATE : NOISE_ERROR_RATE);
    const duration = between(20, 80) + (Math.random() < 0.05 ? 150 : 0);
    const start = end - duration;
    const server = search.tracer.startSpan(
      SHOP.search.route,
      { kind: SpanKind.SERVER, startTime: start, attributes: { 'http.request.method': 'GET', 'http.route': '/search' } },
      ROOT_CONTEXT,
    );
    const ctx = trace.setSpan(ROOT_CONTEXT, server);
    const query = search.tracer.startSpan(
      'SELECT products',
      { kind: SpanKind.CLIENT, startTime: start + 2, attributes: { 'db.system.name': 'postgresql' } },
      ctx,
    );
    query.end(end - 2);
    if (fails) {
      server.setStatus({ code: SpanStatusCode.ERROR, message: 'index shard unavailable' });
      search.logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: 'index shard unavailable', context: ctx, timestamp: end });
    }
    server.end(end);
    this.countSession('search', search.version, !fails && Math.random() < SHOP.search.conversion, end);
  }
}
