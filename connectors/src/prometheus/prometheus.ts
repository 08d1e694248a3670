import { z } from 'zod';
import { connectorId, duration, pollingFields, secret } from '../kit/config.js';
import { type ConnectorKind, type SourceIO, SourceDataError, type Stream, type StreamPage } from '../kit/connector.js';
import { type DomainRecords, type KpiSampleRecord, records } from '../kit/records.js';

/** Prometheus refuses a range query with more than 11,000 steps per series; one page stays under it. */
export const MAX_POINTS_PER_SERIES = 11_000;

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name');

const kpi = z.object({
  /** The KPI the query measures: `error_rate`, `latency_p95`, `throughput` or a name of your own. */
  metric: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _'),
  /** PromQL returning one series per service (and environment/version), e.g. `sum by (service, environment) (rate(...))`. */
  query: z.string().min(1),
  /** Names of the result labels that carry the service, environment and version (see DEFAULT_LABELS). */
  labels: z.object({ service: labelName.optional(), environment: labelName.optional(), version: labelName.optional() }).optional(),
});
export type PrometheusKpi = z.infer<typeof kpi>;

export const prometheusConfig = z
  .object({
    id: connectorId,
    kind: z.literal('prometheus'),
    /** The Prometheus (or compatible: Thanos, Mimir, VictoriaMetrics) base URL, before `/api/v1`. */
    baseUrl: z.url({ protocol: /^https?$/ }),
    /** Sent as `Authorization: Bearer <token>`. */
    bearerToken: secret.optional(),
    /** Basic auth user; goes with `password`. */
    username: z.string().min(1).optional(),
    password: secret.optional(),
    ...pollingFields,
    /** The resolution of the samples, a whole number of seconds. @default 60s */
    step: duration.default(60_000),
    /** How far back the first poll starts. @default 1h */
    lookback: duration.default(3_600_000),
    kpis: z.array(kpi).min(1),
  })
  .superRefine((config, ctx) => {
    if (config.step % 1000 !== 0) ctx.addIssue({ code: 'custom', path: ['step'], message: 'must be a whole number of seconds' });
    if (config.lookback < config.step) ctx.addIssue({ code: 'custom', path: ['lookback'], message: 'must be at least one step' });
    if (config.bearerToken && (config.username || config.password))
      ctx.addIssue({ code: 'custom', path: ['bearerToken'], message: 'use a bearer token or basic auth, not both' });
    if (Boolean(config.username) !== Boolean(config.password))
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'basic auth needs both username and password' });
    const seen = new Set<string>();
    config.kpis.forEach((k, i) => {
      // The cursor is kept per metric, so two queries for one metric would share (and corrupt) it.
      if (seen.has(k.metric)) ctx.addIssue({ code: 'custom', path: ['kpis', i, 'metric'], message: `${k.metric} is configured twice` });
      seen.add(k.metric);
    });
  });
export type PrometheusConfig = z.infer<typeof prometheusConfig>;

/** Result labels tried, in order, when a KPI does not name its own. */
export const DEFAULT_LABELS = {
  service: ['service', 'service_name'],
  environment: ['environment', 'deployment_environment'],
  version: ['version', 'service_version'],
} as const;

/** One series of a `matrix` result: its labels and `[<unix seconds>, "<value>"]` pairs. */
const matrixSeries = z.object({
  metric: z.record(z.string(), z.string()),
  values: z.array(z.tuple([z.number(), z.string()])).default([]),
});
export type PrometheusSeries = z.infer<typeof matrixSeries>;

/** The API envelope; `data` is checked separately once `status` says success. */
const envelope = z.object({
  status: z.enum(['success', 'error']),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
});
const matrixData = z.object({ resultType: z.literal('matrix'), result: z.array(matrixSeries) });

/** A series the stream could not convert, kept in the dead-letter table for `replay`. */
const rejectedSeries = z.object({ metric: z.string(), series: matrixSeries });

const firstLabel = (labels: Record<string, string>, names: readonly string[]): string | null => {
  for (const name of names) if (labels[name]) return labels[name];
  return null;
};

/**
 * Converts one result series of a KPI's range query to samples (pure). NaN and ±Inf points (a rate
 * over no traffic) are skipped. A series without a service label cannot be attributed: it throws a
 * SourceDataError carrying the series, so the page dead-letters it and keeps the rest.
 */
export function convertPrometheusSeries(connector: string, kpiSpec: PrometheusKpi, series: PrometheusSeries): KpiSampleRecord[] {
  const serviceLabels = kpiSpec.labels?.service ? [kpiSpec.labels.service] : DEFAULT_LABELS.service;
  const service = firstLabel(series.metric, serviceLabels);
  if (!service) {
    throw new SourceDataError(
      `${kpiSpec.metric}: a series has no ${serviceLabels.map((l) => `"${l}"`).join(' or ')} label (labels: ${JSON.stringify(series.metric)}); aggregate the query by the service label or set kpis[].labels.service`,
      { metric: kpiSpec.metric, series },
    );
  }
  const environment = firstLabel(series.metric, kpiSpec.labels?.environment ? [kpiSpec.labels.environment] : DEFAULT_LABELS.environment);
  const version = firstLabel(series.metric, kpiSpec.labels?.version ? [kpiSpec.labels.version] : DEFAULT_LABELS.version);
  const samples: KpiSampleRecord[] = [];
  for (const [at, text] of series.values) {
    const value = Number(text);
    if (!Number.isFinite(value)) continue;
    samples.push({ metric: kpiSpec.metric, service, environment, version, at: new Date(Math.round(at * 1000)), value, connector });
  }
  return samples;
}

/** Per-metric position: the unix second of the last step read. */
type RangeCursor = Record<string, number>;

/**
 * Reads the cursor: `{ "<metric>": <unix seconds> }`, or one time for every KPI (unix seconds or an
 * ISO date, e.g. set by hand to re-read a range).
 */
function parseCursor(cursor: string | null, config: PrometheusConfig): RangeCursor {
  if (cursor === null || cursor.trim() === '') return {};
  let parsed: unknown = cursor;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    // Not JSON: an ISO date, handled below.
  }
  const single = typeof parsed === 'number' ? parsed : typeof parsed === 'string' && !Number.isNaN(Date.parse(parsed)) ? Date.parse(parsed) / 1000 : null;
  if (single !== null && Number.isFinite(single)) return Object.fromEntries(config.kpis.map((k) => [k.metric, single]));
  const perMetric = z.record(z.string(), z.number()).safeParse(parsed);
  if (!perMetric.success) throw new Error(`prometheus cursor ${JSON.stringify(cursor)} is neither {"<metric>": <unix seconds>} nor a time`);
  return perMetric.data;
}

function authHeaders(config: PrometheusConfig): Record<string, string> {
  if (config.bearerToken) return { authorization: `Bearer ${config.bearerToken}` };
  if (config.username && config.password) return { authorization: `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}` };
  return {};
}

const apiUrl = (config: PrometheusConfig, path: string, params?: Record<string, string>) =>
  `${config.baseUrl.replace(/\/+$/, '')}${path}${params ? `?${new URLSearchParams(params).toString()}` : ''}`;

/** The `data` of a Prometheus API answer; a `status: "error"` answer throws with Prometheus' own message. */
async function apiGet(config: PrometheusConfig, io: SourceIO, path: string, params?: Record<string, string>): Promise<unknown> {
  const response = await io.http({ url: apiUrl(config, path, params), method: 'GET', headers: { accept: 'application/json', ...authHeaders(config) } });
  const body = envelope.safeParse(response.json());
  if (!body.success) throw new Error(`Prometheus ${path} did not answer with the API envelope ({status, data})`);
  if (body.data.status === 'error') throw new Error(`Prometheus ${path}: ${body.data.errorType ?? 'error'}: ${body.data.error ?? '(no message)'}`);
  return body.data.data;
}

/** The range one poll reads for one KPI, in unix seconds (both ends are evaluation steps), or null when no step is complete yet. */
export function rangeToRead(
  lastRead: number | undefined,
  config: Pick<PrometheusConfig, 'step' | 'lookback'>,
  now: Date,
): { start: number; end: number; capped: boolean } | null {
  const step = config.step / 1000;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const alignDown = (t: number) => Math.floor(t / step) * step;
  // A step is complete once a whole step has passed since it, so late scrapes are in.
  const lastComplete = alignDown(nowSeconds - step);
  const start = lastRead === undefined ? alignDown(nowSeconds - config.lookback / 1000) : alignDown(lastRead) + step;
  if (start > lastComplete) return null;
  const furthest = start + (MAX_POINTS_PER_SERIES - 1) * step;
  return furthest < lastComplete ? { start, end: furthest, capped: true } : { start, end: lastComplete, capped: false };
}

/**
 * Every KPI's query over the complete steps since its cursor (the first poll: `lookback`), at most
 * MAX_POINTS_PER_SERIES steps per page (`more` while behind). The cursor never passes what was read;
 * one failing query fails the page, so no KPI moves on without the others' data being written.
 */
const queryRange: Stream<PrometheusConfig> = {
  name: 'query_range',
  async read(config, cursor, io): Promise<StreamPage> {
    const positions = parseCursor(cursor, config);
    const now = io.now();
    const next: RangeCursor = { ...positions };
    const samples: KpiSampleRecord[] = [];
    const rejected: NonNullable<StreamPage['rejected']> = [];
    let more = false;
    let newest: number | null = null;
    for (const k of config.kpis) {
      const range = rangeToRead(positions[k.metric], config, now);
      if (!range) continue;
      const data = await apiGet(config, io, '/api/v1/query_range', {
        query: k.query,
        start: String(range.start),
        end: String(range.end),
        step: String(config.step / 1000),
      });
      const matrix = matrixData.safeParse(data);
      if (!matrix.success) {
        const resultType = z.object({ resultType: z.string() }).safeParse(data);
        throw new Error(`Prometheus query for ${k.metric} returned ${resultType.success ? `a ${resultType.data.resultType}` : 'no result'}, not a matrix`);
      }
      for (const series of matrix.data.result) {
        try {
          for (const sample of convertPrometheusSeries(config.id, k, series)) {
            samples.push(sample);
            newest = Math.max(newest ?? 0, sample.at.getTime());
          }
        } catch (error) {
          if (!(error instanceof SourceDataError)) throw error;
          rejected.push({ error: error.message, payload: error.payload });
        }
      }
      next[k.metric] = range.end;
      more ||= range.capped;
    }
    return {
      records: records({ kpiSamples: samples }),
      cursor: Object.keys(next).length > 0 ? JSON.stringify(next) : cursor,
      more,
      newestAt: newest === null ? null : new Date(newest),
      ...(rejected.length > 0 ? { rejected } : {}),
    };
  },
};

/** Converts a dead-lettered series again, with the KPI's current label settings. */
function replayPrometheus(config: PrometheusConfig, stream: string, payload: unknown): DomainRecords {
  if (stream !== queryRange.name) throw new SourceDataError(`prometheus has no stream ${stream}`, payload);
  const parsed = rejectedSeries.safeParse(payload);
  if (!parsed.success) throw new SourceDataError('not a dead-lettered Prometheus series ({metric, series})', payload);
  const kpiSpec = config.kpis.find((k) => k.metric === parsed.data.metric);
  if (!kpiSpec) throw new SourceDataError(`KPI ${parsed.data.metric} is no longer configured`, payload);
  return records({ kpiSamples: convertPrometheusSeries(config.id, kpiSpec, parsed.data.series) });
}

async function checkPrometheus(config: PrometheusConfig, io: SourceIO): Promise<string | null> {
  try {
    const info = z.object({ version: z.string() }).safeParse(await apiGet(config, io, '/api/v1/status/buildinfo'));
    return info.success ? null : `${config.baseUrl} answered /api/v1/status/buildinfo without a version: is it a Prometheus API?`;
  } catch (error) {
    return `cannot reach the Prometheus API at ${config.baseUrl}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Prometheus: KPI time series (error rate, latency, throughput) per service, environment and version, by range queries. */
export const prometheus: ConnectorKind<PrometheusConfig> = {
  kind: 'prometheus',
  config: prometheusConfig,
  secrets: ['bearerToken', 'password'],
  check: checkPrometheus,
  streams: [queryRange],
  replay: replayPrometheus,
};
