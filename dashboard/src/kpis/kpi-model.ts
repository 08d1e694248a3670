/*
 * The Live KPIs view's logic, as pure functions over plain data: which deployments to compare,
 * the time range, the series arrays and how live points land in them, and the chart's markers
 * (success-criteria thresholds, verdicts, deployments) and error-budget rows.
 */

import { COMPARATOR_SYMBOL } from '../shared/labels';

/** Seconds per step of every series the view reads (the hub's rollups are per minute). */
export const KPI_STEP_SECONDS = 60;
/** The built-in KPIs (OTLP rollups); configured Prometheus KPIs show up through the criteria that name them. */
export const BUILT_IN_METRICS = ['error_rate', 'throughput', 'latency_p50', 'latency_p95', 'latency_p99'] as const;
export const DEFAULT_METRIC = 'error_rate';
/** The series start at least this long before now… */
/** A fresh deployment still gets half an hour of context (a longer minimum squeezes its first steps into a corner). */
export const MIN_RANGE_MS = 30 * 60 * 1000;
/** …and at most this long (the hub answers at most 11 000 steps per series). */
export const MAX_RANGE_MS = 7 * 24 * 60 * 60 * 1000;

/** One step of a series: [start of the step (ms), value (null: no value, a gap in the line), samples]. */
export type KpiTuple = [time: number, value: number | null, samples: number];

/** A KPI point as the hub sends it (kpiSeries, kpiUpdated). */
export interface KpiPointInput {
  at: string;
  value: number | null;
  samples: number;
}

/** How a live point landed in a series. */
export type ApplyOutcome = 'append' | 'replace' | 'insert' | 'ignored';

export function toTuple(point: KpiPointInput): KpiTuple | null {
  const time = Date.parse(point.at);
  if (Number.isNaN(time)) return null;
  const value = typeof point.value === 'number' && Number.isFinite(point.value) ? point.value : null;
  return [time, value, point.samples];
}

/**
 * One version's series in time order, one entry per step, in growable typed arrays: ECharts reads
 * the flat [time, value, time, value, …] view directly (no per-point arrays to parse, ~10× faster
 * than nested arrays at 100 000 points), and a live point changes it in place.
 */
export class KpiSeriesData {
  /** [t0, v0, t1, v1, …]; a value without samples is NaN (a gap). */
  private xy: Float64Array;
  private counts: Float64Array;
  private size = 0;

  constructor(capacity = 64) {
    this.xy = new Float64Array(Math.max(1, capacity) * 2);
    this.counts = new Float64Array(Math.max(1, capacity));
  }

  static fromTuples(tuples: readonly KpiTuple[]): KpiSeriesData {
    const data = new KpiSeriesData(tuples.length + 64);
    for (const tuple of tuples) data.write(data.size++, tuple);
    return data;
  }

  get length(): number {
    return this.size;
  }

  time(index: number): number {
    return this.xy[index * 2]!;
  }

  at(index: number): KpiTuple {
    const value = this.xy[index * 2 + 1]!;
    return [this.xy[index * 2]!, Number.isNaN(value) ? null : value, this.counts[index]!];
  }

  toTuples(): KpiTuple[] {
    return Array.from({ length: this.size }, (_, i) => this.at(i));
  }

  /** What ECharts draws (dimensions time, value): a view of the buffer, valid until the next change. */
  chartData(): Float64Array {
    return this.xy.subarray(0, this.size * 2);
  }

  /** Index of the first step at or after `time`. */
  lowerBound(time: number): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.time(mid) < time) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * Puts a live point in, in place: usually a new last step (append) or the current step again
   * (replace the last); a changed older step replaces its entry, a missing one is inserted.
   */
  apply(point: KpiPointInput): ApplyOutcome {
    const tuple = toTuple(point);
    if (!tuple) return 'ignored';
    const [time] = tuple;
    if (this.size === 0 || time > this.time(this.size - 1)) {
      this.reserve(this.size + 1);
      this.write(this.size++, tuple);
      return 'append';
    }
    const index = time === this.time(this.size - 1) ? this.size - 1 : this.lowerBound(time);
    if (this.time(index) === time) {
      this.write(index, tuple);
      return 'replace';
    }
    this.reserve(this.size + 1);
    this.xy.copyWithin((index + 1) * 2, index * 2, this.size * 2);
    this.counts.copyWithin(index + 1, index, this.size);
    this.size++;
    this.write(index, tuple);
    return 'insert';
  }

  private write(index: number, [time, value, samples]: KpiTuple): void {
    this.xy[index * 2] = time;
    this.xy[index * 2 + 1] = value ?? NaN;
    this.counts[index] = samples;
  }

  private reserve(size: number): void {
    if (size <= this.counts.length) return;
    const capacity = Math.max(size, this.counts.length * 2);
    const xy = new Float64Array(capacity * 2);
    xy.set(this.xy.subarray(0, this.size * 2));
    const counts = new Float64Array(capacity);
    counts.set(this.counts.subarray(0, this.size));
    this.xy = xy;
    this.counts = counts;
  }
}

/** A kpiSeries answer as a series: in time order, one entry per step (a later duplicate wins). */
export function toSeriesData(points: readonly KpiPointInput[]): KpiSeriesData {
  const tuples: KpiTuple[] = [];
  let ordered = true;
  for (const point of points) {
    const tuple = toTuple(point);
    if (!tuple) continue;
    const last = tuples[tuples.length - 1];
    if (last && tuple[0] <= last[0]) ordered = false;
    tuples.push(tuple);
  }
  if (ordered) return KpiSeriesData.fromTuples(tuples);
  const byTime = new Map<number, KpiTuple>();
  for (const tuple of tuples) byTime.set(tuple[0], tuple);
  return KpiSeriesData.fromTuples([...byTime.values()].sort((a, b) => a[0] - b[0]));
}

/** Puts a live point into `data` (see KpiSeriesData.apply). */
export function applyLivePoint(data: KpiSeriesData, point: KpiPointInput): ApplyOutcome {
  return data.apply(point);
}

/** The loaded series with the live points that arrived while it loaded (they are newer, so they win). */
export function mergeSeries(loaded: readonly KpiPointInput[], live: readonly KpiPointInput[]): KpiSeriesData {
  const data = toSeriesData(loaded);
  for (const point of live) data.apply(point);
  return data;
}

/** The last step with a value (null when none has one). */
export function latestValue(data: KpiSeriesData): KpiTuple | null {
  for (let i = data.length - 1; i >= 0; i--) {
    const tuple = data.at(i);
    if (tuple[1] !== null) return tuple;
  }
  return null;
}

export function hasValues(data: KpiSeriesData): boolean {
  return latestValue(data) !== null;
}

/* ---------------------------------------------------------------- selection */

export interface KpiQuery {
  service?: string;
  environment?: string;
  metric?: string;
  version?: string;
}

/** The view's URL query (only non-empty strings count). */
export function readKpiQuery(query: Record<string, unknown>): KpiQuery {
  const pick = (key: keyof KpiQuery): string | undefined => {
    const raw: unknown = Array.isArray(query[key]) ? (query[key] as unknown[])[0] : query[key];
    return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
  };
  const result: KpiQuery = {};
  for (const key of ['service', 'environment', 'metric', 'version'] as const) {
    const value = pick(key);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** The URL query of a selection (the version only when one is pinned: without it the view follows the newest deployment). */
export function writeKpiQuery(selection: KpiQuery): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of ['service', 'environment', 'metric', 'version'] as const) {
    const value = selection[key];
    if (value) query[key] = value;
  }
  return query;
}

export interface CatalogEnvironment {
  id: string;
  name: string;
  tier: string;
}

export interface CatalogService {
  id: string;
  name: string;
  environments: readonly CatalogEnvironment[];
}

export interface DeploymentLike {
  id: string;
  version: string;
  status: string;
  startedAt: string | null;
  createdAt: string;
  service: { id: string; name: string };
  environment: { id: string; name: string; tier: string };
}

export interface KpiSelection {
  service: string;
  serviceId: string | null;
  environment: string;
  environmentId: string | null;
  metric: string;
  /** The version asked for in the URL (null: the newest deployment). */
  pinnedVersion: string | null;
}

/** When a deployment began (its start, else when the hub learnt of it), in ms. */
export function deploymentTime(deployment: Pick<DeploymentLike, 'startedAt' | 'createdAt'>): number {
  const started = deployment.startedAt ? Date.parse(deployment.startedAt) : NaN;
  return Number.isNaN(started) ? Date.parse(deployment.createdAt) : started;
}

const newestFirst = <T extends Pick<DeploymentLike, 'startedAt' | 'createdAt'>>(deployments: readonly T[]): T[] =>
  [...deployments].sort((a, b) => deploymentTime(b) - deploymentTime(a));

/**
 * What to show for the URL query: what it names, and for what it leaves out the newest production
 * deployment (else the newest deployment, else the first service), and error_rate.
 */
export function resolveSelection(query: KpiQuery, services: readonly CatalogService[], recent: readonly DeploymentLike[]): KpiSelection | null {
  const byName = (name: string) => services.find((s) => s.name === name);
  const ordered = newestFirst(recent);
  const prodFirst = (list: DeploymentLike[]) => list.find((d) => d.environment.tier === 'PROD') ?? list[0];
  const fallback = query.service
    ? prodFirst(ordered.filter((d) => d.service.name === query.service))
    : prodFirst(query.environment ? ordered.filter((d) => d.environment.name === query.environment) : ordered);

  const serviceName = query.service ?? fallback?.service.name ?? services[0]?.name;
  if (!serviceName) return null;
  const service = byName(serviceName);
  const environments = service?.environments ?? [];
  const environmentName =
    query.environment ??
    (fallback?.service.name === serviceName ? fallback.environment.name : undefined) ??
    (environments.find((e) => e.tier === 'PROD') ?? environments[0])?.name;
  if (!environmentName) return null;
  const environment =
    environments.find((e) => e.name === environmentName) ??
    ordered.find((d) => d.service.name === serviceName && d.environment.name === environmentName)?.environment;
  return {
    service: serviceName,
    serviceId: service?.id ?? ordered.find((d) => d.service.name === serviceName)?.service.id ?? null,
    environment: environmentName,
    environmentId: environment?.id ?? null,
    metric: query.metric ?? DEFAULT_METRIC,
    pinnedVersion: query.version ?? null,
  };
}

export interface VersionPair<T> {
  /** The deployment whose version is new (the pinned version, else the newest deployment). */
  current: T | null;
  /** The version it replaced: the newest earlier successful deployment of another version. */
  previous: T | null;
  /** The pinned version has no deployment here. */
  pinnedMissing: boolean;
}

/**
 * The new and the previous version of one service in one environment, as the hub's verifier pairs
 * them: previous = the newest deployment started before the new one, of another version, that
 * succeeded (else any earlier one of another version that was not cancelled).
 */
export function pickVersions<T extends Pick<DeploymentLike, 'version' | 'status' | 'startedAt' | 'createdAt'>>(
  deployments: readonly T[],
  pinnedVersion: string | null = null,
): VersionPair<T> {
  const ordered = newestFirst(deployments).filter((d) => d.status !== 'CANCELLED');
  const current = pinnedVersion === null ? (ordered[0] ?? null) : (ordered.find((d) => d.version === pinnedVersion) ?? null);
  if (!current) return { current: null, previous: null, pinnedMissing: pinnedVersion !== null && deployments.length > 0 };
  const earlier = ordered.filter((d) => d.version !== current.version && deploymentTime(d) < deploymentTime(current));
  const previous = earlier.find((d) => d.status === 'SUCCEEDED') ?? earlier.find((d) => d.status !== 'FAILED') ?? null;
  return { current, previous, pinnedMissing: false };
}

/** Versions deployed here, newest first, each once. */
export function deployedVersions(deployments: readonly Pick<DeploymentLike, 'version' | 'startedAt' | 'createdAt'>[]): string[] {
  return [...new Set(newestFirst(deployments).map((d) => d.version))];
}

/** The metrics to offer: the built-in ones, then any other the criteria or the URL name. */
export function metricOptions(...extra: ReadonlyArray<string | null | undefined>): string[] {
  return [...new Set<string>([...BUILT_IN_METRICS, ...extra.filter((m): m is string => typeof m === 'string' && m !== '')])];
}

export interface TimeRange {
  from: Date;
  to: Date;
}

const HOUR_MS = 60 * 60 * 1000;

/** Fixed look-backs a user can pick instead of "since the previous deployment" (`?range=`). */
export const RANGE_CHOICES = { '2h': 2 * HOUR_MS, '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS, '30d': 30 * 24 * HOUR_MS, '90d': 90 * 24 * HOUR_MS } as const;
export type RangeChoice = keyof typeof RANGE_CHOICES;

export function readRangeChoice(value: unknown): RangeChoice | null {
  return typeof value === 'string' && Object.hasOwn(RANGE_CHOICES, value) ? (value as RangeChoice) : null;
}

/**
 * From the previous version's window to now, in whole steps: since the previous deployment (at
 * least the last 30 minutes, at most 7 days); without a previous version, from an hour before the new
 * one. A fixed look-back (`lookBackMs`) replaces that choice.
 */
export function seriesRange(
  current: Pick<DeploymentLike, 'startedAt' | 'createdAt'> | null,
  previous: Pick<DeploymentLike, 'startedAt' | 'createdAt'> | null,
  now: number,
  stepSeconds = KPI_STEP_SECONDS,
  lookBackMs: number | null = null,
): TimeRange {
  const stepMs = stepSeconds * 1000;
  const anchor = previous ? deploymentTime(previous) : current ? deploymentTime(current) - HOUR_MS : now;
  let from = Math.min(now - MIN_RANGE_MS, Number.isNaN(anchor) ? now : anchor);
  from = Math.max(from, now - MAX_RANGE_MS);
  if (lookBackMs !== null) from = now - lookBackMs;
  return { from: new Date(Math.floor(from / stepMs) * stepMs), to: new Date((Math.floor(now / stepMs) + 1) * stepMs) };
}

/* ---------------------------------------------------------------- markers */

export type Comparator = 'GT' | 'GTE' | 'LT' | 'LTE';
export type Outcome = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

export interface CriterionLike {
  id: string;
  metric: string;
  comparator: Comparator;
  threshold: number;
  relativeToPrevious: boolean;
  windowSeconds: number;
}

export interface VerdictLike {
  id: string;
  outcome: Outcome;
  evaluatedAt: string;
  observed: number | null;
  baseline: number | null;
  samples: number;
  criterion: CriterionLike;
}

export interface ThresholdLine {
  criterionId: string;
  value: number;
  comparator: Comparator;
  relative: boolean;
  /** Relative criteria without a verdict yet: the baseline is the previous version's mean over the window, from the chart's data. */
  estimated: boolean;
  label: string;
}

/** The sample-weighted mean of the steps in [from, to) (null without any). */
export function windowMean(data: KpiSeriesData, from: number, to: number): number | null {
  let sum = 0;
  let weight = 0;
  for (let i = data.lowerBound(from); i < data.length && data.time(i) < to; i++) {
    const [, value, samples] = data.at(i);
    if (value === null) continue;
    const w = samples > 0 ? samples : 1;
    sum += value * w;
    weight += w;
  }
  return weight > 0 ? sum / weight : null;
}

/**
 * A horizontal line per success criterion of `metric` that applies to the new deployment: the
 * threshold, or for a criterion relative to the previous version threshold × baseline (the
 * verdict's baseline, else estimated from the previous version's series; no line without either).
 */
export function thresholdLines(
  verdicts: readonly VerdictLike[],
  metric: string,
  options: { previousData?: KpiSeriesData; now?: number } = {},
): ThresholdLine[] {
  const lines: ThresholdLine[] = [];
  const seen = new Set<string>();
  for (const verdict of verdicts) {
    const criterion = verdict.criterion;
    if (criterion.metric !== metric || seen.has(criterion.id)) continue;
    seen.add(criterion.id);
    const sign = COMPARATOR_SYMBOL[criterion.comparator];
    if (!criterion.relativeToPrevious) {
      lines.push({
        criterionId: criterion.id,
        value: criterion.threshold,
        comparator: criterion.comparator,
        relative: false,
        estimated: false,
        label: `${sign} ${formatKpi(metric, criterion.threshold)}`,
      });
      continue;
    }
    let baseline = verdict.baseline;
    let estimated = false;
    if (baseline === null && options.previousData && options.now !== undefined) {
      baseline = windowMean(options.previousData, options.now - criterion.windowSeconds * 1000, options.now + 1);
      estimated = baseline !== null;
    }
    if (baseline === null) continue;
    const value = criterion.threshold * baseline;
    lines.push({
      criterionId: criterion.id,
      value,
      comparator: criterion.comparator,
      relative: true,
      estimated,
      label: `${sign} ${criterion.threshold}× previous${estimated ? ' (est.)' : ''} = ${formatKpi(metric, value)}`,
    });
  }
  return lines;
}

export interface VerdictMarker {
  verdictId: string;
  outcome: Outcome;
  time: number;
  /** Where on the value axis: the observed value, else the criterion's line, else the top. */
  value: number | 'max';
  symbol: 'circle' | 'triangle' | 'diamond';
  /** The word on the marker (the meaning does not rest on colour). */
  label: string;
  description: string;
}

export const OUTCOME_SYMBOLS: Record<Outcome, VerdictMarker['symbol']> = { PASS: 'circle', FAIL: 'triangle', INCONCLUSIVE: 'diamond' };
const OUTCOME_WORDS: Record<Outcome, string> = { PASS: 'PASS', FAIL: 'FAIL', INCONCLUSIVE: 'INCONCLUSIVE' };

/** A marker per verdict on `metric`, at its evaluation time. */
export function verdictMarkers(verdicts: readonly VerdictLike[], metric: string, lines: readonly ThresholdLine[] = []): VerdictMarker[] {
  const markers: VerdictMarker[] = [];
  for (const verdict of verdicts) {
    if (verdict.criterion.metric !== metric) continue;
    const time = Date.parse(verdict.evaluatedAt);
    if (Number.isNaN(time)) continue;
    const line = lines.find((l) => l.criterionId === verdict.criterion.id);
    const value = verdict.observed ?? line?.value ?? 'max';
    markers.push({
      verdictId: verdict.id,
      outcome: verdict.outcome,
      time,
      value,
      symbol: OUTCOME_SYMBOLS[verdict.outcome],
      label: OUTCOME_WORDS[verdict.outcome],
      description: describeVerdict(verdict),
    });
  }
  return markers.sort((a, b) => a.time - b.time);
}

export function describeVerdict(verdict: VerdictLike): string {
  const c = verdict.criterion;
  const limit = c.relativeToPrevious ? `${c.threshold}× the previous version` : formatKpi(c.metric, c.threshold);
  const observed = verdict.observed === null ? 'no samples' : formatKpi(c.metric, verdict.observed);
  return `${verdict.outcome}: ${c.metric} ${observed}, must be ${COMPARATOR_SYMBOL[c.comparator]} ${limit}`;
}

export interface DeployMarker {
  deploymentId: string;
  time: number;
  version: string;
  label: string;
}

/** A vertical line per deployment that started inside the chart's range (cancelled ones left out). */
export function deployMarkers(deployments: readonly DeploymentLike[], from: number): DeployMarker[] {
  return newestFirst(deployments)
    .filter((d) => d.status !== 'CANCELLED' && deploymentTime(d) >= from)
    .map((d) => ({ deploymentId: d.id, time: deploymentTime(d), version: d.version, label: `Deploy ${d.version}` }))
    .reverse();
}

/* ---------------------------------------------------------------- error budget */

export interface BudgetUseLike {
  sloId: string;
  slo: string;
  consumed: number | null;
  badEvents: number;
}

export interface SloLike {
  id: string;
  name: string;
  serviceId: string;
  environmentId: string;
  objective: number;
  status: { budgetRemaining: number | null };
}

export interface BudgetRow {
  sloId: string;
  name: string;
  objective: number | null;
  /** Fraction of the SLO window's budget the release spent since its deployment. */
  consumed: number | null;
  badEvents: number;
  /** Fraction of the budget left over the SLO window, now. */
  remaining: number | null;
}

/**
 * The error budget the new release burnt, per SLO of this service in this environment (every SLO
 * of the release when the SLO list does not know it).
 */
export function budgetRows(uses: readonly BudgetUseLike[], slos: readonly SloLike[], serviceId: string | null, environmentId: string | null): BudgetRow[] {
  const byId = new Map(slos.map((s) => [s.id, s]));
  return uses
    .filter((use) => {
      const slo = byId.get(use.sloId);
      return !slo || ((serviceId === null || slo.serviceId === serviceId) && (environmentId === null || slo.environmentId === environmentId));
    })
    .map((use) => {
      const slo = byId.get(use.sloId);
      return {
        sloId: use.sloId,
        name: use.slo,
        objective: slo?.objective ?? null,
        consumed: use.consumed,
        badEvents: use.badEvents,
        remaining: slo?.status.budgetRemaining ?? null,
      };
    });
}

/* ---------------------------------------------------------------- formatting */

/** A KPI value in its unit: error rates as %, latencies in ms, throughput per second. */
export function formatKpi(metric: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'no data';
  if (metric === 'error_rate' || metric === 'synthetic_success') return `${trim(value * 100)} %`;
  if (metric.startsWith('latency_')) return `${trim(value)} ms`;
  if (metric === 'throughput') return `${trim(value)}/s`;
  return trim(value);
}

function trim(value: number): string {
  if (value === 0) return '0';
  return Number(value.toPrecision(3)).toString();
}

export function formatPercent(fraction: number | null): string {
  return fraction === null ? '—' : `${trim(fraction * 100)} %`;
}

/** Words for the chart's accessible name. */
export function describeChart(selection: Pick<KpiSelection, 'service' | 'environment' | 'metric'>, current: string | null, previous: string | null): string {
  const versions = current ? (previous ? `version ${current} (new) and version ${previous} (previous)` : `version ${current}`) : 'no version';
  return `${selection.metric} of ${selection.service} in ${selection.environment}, ${versions}, over time`;
}

/** The hub answers at most 11,000 steps per series: a longer range is asked for in pieces of this many. */
export const MAX_STEPS_PER_REQUEST = 10_000;

/** [from, to) cut into consecutive pieces of at most `maxSteps` steps. */
export function splitRange(range: TimeRange, stepSeconds = KPI_STEP_SECONDS, maxSteps = MAX_STEPS_PER_REQUEST): TimeRange[] {
  const span = maxSteps * stepSeconds * 1000;
  const pieces: TimeRange[] = [];
  for (let at = range.from.getTime(); at < range.to.getTime(); at += span) {
    pieces.push({ from: new Date(at), to: new Date(Math.min(range.to.getTime(), at + span)) });
  }
  return pieces;
}
