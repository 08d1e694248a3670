import { describe, expect, it } from 'vitest';
import {
  applyLivePoint,
  budgetRows,
  deployedVersions,
  deployMarkers,
  formatKpi,
  hasValues,
  KpiSeriesData,
  latestValue,
  mergeSeries,
  metricOptions,
  pickVersions,
  readKpiQuery,
  resolveSelection,
  RANGE_CHOICES,
  readRangeChoice,
  seriesRange,
  splitRange,
  thresholdLines,
  toSeriesData,
  verdictMarkers,
  writeKpiQuery,
  type CatalogService,
  type DeploymentLike,
  type KpiTuple,
  type VerdictLike,
} from './kpi-model';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 9, minute)).toISOString();
const t = (minute: number) => Date.parse(at(minute));

function deployment(id: string, version: string, startedMinute: number, extra: Partial<DeploymentLike> = {}): DeploymentLike {
  return {
    id,
    version,
    status: 'SUCCEEDED',
    startedAt: at(startedMinute),
    createdAt: at(startedMinute),
    service: { id: 's-checkout', name: 'checkout' },
    environment: { id: 'e-prod', name: 'production', tier: 'PROD' },
    ...extra,
  };
}

function verdict(id: string, criterion: Partial<VerdictLike['criterion']>, extra: Partial<VerdictLike> = {}): VerdictLike {
  return {
    id,
    outcome: 'PASS',
    evaluatedAt: at(30),
    observed: 0.01,
    baseline: null,
    samples: 500,
    criterion: { id: `c-${id}`, metric: 'error_rate', comparator: 'LTE', threshold: 0.05, relativeToPrevious: false, windowSeconds: 600, ...criterion },
    ...extra,
  };
}

describe('series data', () => {
  const series = (tuples: KpiTuple[]) => KpiSeriesData.fromTuples(tuples);

  it('turns a kpiSeries answer into steps in time order, one entry per step', () => {
    const data = toSeriesData([
      { at: at(2), value: 0.3, samples: 3 },
      { at: at(0), value: 0.1, samples: 1 },
      { at: at(2), value: 0.4, samples: 4 },
      { at: 'not a date', value: 1, samples: 1 },
    ]);
    expect(data.toTuples()).toEqual([
      [t(0), 0.1, 1],
      [t(2), 0.4, 4],
    ]);
    // What ECharts reads: flat [time, value] pairs.
    expect([...data.chartData()]).toEqual([t(0), 0.1, t(2), 0.4]);
  });

  it('appends a point of a new step', () => {
    const data = series([[t(0), 0.1, 10]]);
    expect(applyLivePoint(data, { at: at(1), value: 0.2, samples: 5 })).toBe('append');
    expect(data.toTuples()).toEqual([
      [t(0), 0.1, 10],
      [t(1), 0.2, 5],
    ]);
  });

  it('replaces the last point when its step changed', () => {
    const data = series([
      [t(0), 0.1, 10],
      [t(1), 0.2, 5],
    ]);
    expect(applyLivePoint(data, { at: at(1), value: 0.25, samples: 8 })).toBe('replace');
    expect(data.toTuples()).toEqual([
      [t(0), 0.1, 10],
      [t(1), 0.25, 8],
    ]);
  });

  it('replaces an older step in place and inserts a missing one in order', () => {
    const data = series([
      [t(0), 0.1, 10],
      [t(2), 0.3, 5],
      [t(4), 0.5, 5],
    ]);
    expect(applyLivePoint(data, { at: at(2), value: 0.35, samples: 6 })).toBe('replace');
    expect(applyLivePoint(data, { at: at(3), value: 0.4, samples: 1 })).toBe('insert');
    expect(applyLivePoint(data, { at: at(-1), value: 0.05, samples: 1 })).toBe('insert');
    expect(data.toTuples()).toEqual([
      [t(-1), 0.05, 1],
      [t(0), 0.1, 10],
      [t(2), 0.35, 6],
      [t(3), 0.4, 1],
      [t(4), 0.5, 5],
    ]);
  });

  it('keeps a step without a value as a gap (NaN for ECharts) and ignores points without a valid time', () => {
    const data = new KpiSeriesData(1);
    expect(applyLivePoint(data, { at: at(0), value: null, samples: 0 })).toBe('append');
    expect(applyLivePoint(data, { at: 'soon', value: 1, samples: 1 })).toBe('ignored');
    expect(data.toTuples()).toEqual([[t(0), null, 0]]);
    expect(data.chartData()[1]).toBeNaN();
    expect(hasValues(data)).toBe(false);
    expect(latestValue(data)).toBeNull();
  });

  it('grows past its capacity', () => {
    const data = new KpiSeriesData(2);
    for (let m = 0; m < 10; m++) data.apply({ at: at(m), value: m, samples: 1 });
    expect(data.length).toBe(10);
    expect(latestValue(data)).toEqual([t(9), 9, 1]);
  });

  it('merges the live points that arrived while the series loaded (they win)', () => {
    const data = mergeSeries(
      [
        { at: at(0), value: 0.1, samples: 1 },
        { at: at(1), value: 0.2, samples: 2 },
      ],
      [
        { at: at(1), value: 0.22, samples: 3 },
        { at: at(2), value: 0.3, samples: 1 },
      ],
    );
    expect(data.toTuples()).toEqual([
      [t(0), 0.1, 1],
      [t(1), 0.22, 3],
      [t(2), 0.3, 1],
    ]);
  });

  it('handles 100 000 points with appends and replaces at the end', () => {
    const data = series(Array.from({ length: 100_000 }, (_, i): KpiTuple => [i * 60_000, i, 1]));
    const started = performance.now();
    for (let i = 0; i < 1000; i++) applyLivePoint(data, { at: new Date((100_000 + Math.floor(i / 2)) * 60_000).toISOString(), value: i, samples: 1 });
    expect(performance.now() - started).toBeLessThan(200);
    expect(data.length).toBe(100_500);
    expect(data.chartData()).toHaveLength(201_000);
  });
});

describe('selection', () => {
  const services: CatalogService[] = [
    {
      id: 's-checkout',
      name: 'checkout',
      environments: [
        { id: 'e-staging', name: 'staging', tier: 'STAGING' },
        { id: 'e-prod', name: 'production', tier: 'PROD' },
      ],
    },
    { id: 's-search', name: 'search', environments: [{ id: 'e-prod', name: 'production', tier: 'PROD' }] },
  ];
  const recent = [
    deployment('d3', '2.0.0', 50, { service: { id: 's-search', name: 'search' }, environment: { id: 'e-staging', name: 'staging', tier: 'STAGING' } }),
    deployment('d2', '1.5.0', 40),
    deployment('d1', '2.0.0', 10, { service: { id: 's-search', name: 'search' } }),
  ];

  it('reads and writes the URL query (the version only when pinned)', () => {
    expect(readKpiQuery({ service: 'checkout', environment: ['production'], metric: '', version: null, other: 'x' })).toEqual({
      service: 'checkout',
      environment: 'production',
    });
    expect(writeKpiQuery({ service: 'checkout', environment: 'production', metric: 'error_rate' })).toEqual({
      service: 'checkout',
      environment: 'production',
      metric: 'error_rate',
    });
  });

  it('defaults to the newest production deployment and error_rate', () => {
    expect(resolveSelection({}, services, recent)).toEqual({
      service: 'checkout',
      serviceId: 's-checkout',
      environment: 'production',
      environmentId: 'e-prod',
      metric: 'error_rate',
      pinnedVersion: null,
    });
  });

  it('keeps what the URL names and fills in the rest', () => {
    expect(resolveSelection({ service: 'search', metric: 'latency_p95', version: '2.0.0' }, services, recent)).toMatchObject({
      service: 'search',
      environment: 'production',
      environmentId: 'e-prod',
      metric: 'latency_p95',
      pinnedVersion: '2.0.0',
    });
    expect(resolveSelection({ service: 'checkout', environment: 'staging' }, services, recent)).toMatchObject({ environmentId: 'e-staging' });
    expect(resolveSelection({ service: 'ghost', environment: 'production' }, services, recent)).toMatchObject({ serviceId: null, environment: 'production' });
    expect(resolveSelection({}, [], [])).toBeNull();
  });

  it('pairs the newest deployment with the newest earlier successful one of another version', () => {
    const deployments = [
      deployment('d5', '1.6.0', 50, { status: 'IN_PROGRESS' }),
      deployment('d4', '1.6.0', 45, { status: 'FAILED' }),
      deployment('d3', '1.5.1', 40, { status: 'ROLLED_BACK' }),
      deployment('d2', '1.5.0', 20),
      deployment('d1', '1.4.0', 0),
      deployment('d0', '1.7.0', 55, { status: 'CANCELLED' }),
    ];
    const pair = pickVersions(deployments);
    expect(pair.current?.id).toBe('d5');
    expect(pair.previous?.id).toBe('d2');
    expect(pickVersions(deployments, '1.5.0').previous?.id).toBe('d1');
    expect(pickVersions(deployments, '1.4.0')).toMatchObject({ current: { id: 'd1' }, previous: null });
    expect(pickVersions(deployments, '9.9.9')).toEqual({ current: null, previous: null, pinnedMissing: true });
    expect(pickVersions([])).toEqual({ current: null, previous: null, pinnedMissing: false });
  });

  it('falls back to any earlier version that did not fail when none succeeded', () => {
    const pair = pickVersions([deployment('d2', '1.1.0', 30, { status: 'IN_PROGRESS' }), deployment('d1', '1.0.0', 10, { status: 'ROLLED_BACK' })]);
    expect(pair.previous?.id).toBe('d1');
  });

  it('lists deployed versions newest first and metrics with the extra ones', () => {
    expect(deployedVersions([deployment('a', '1.0', 0), deployment('b', '1.1', 10), deployment('c', '1.0', 20)])).toEqual(['1.0', '1.1']);
    expect(metricOptions('checkout_conversion', 'error_rate', null)).toEqual([
      'error_rate',
      'throughput',
      'latency_p50',
      'latency_p95',
      'latency_p99',
      'checkout_conversion',
    ]);
  });

  it('reads the series from the previous deployment (at least 30 minutes, at most 7 days) to now, in whole steps', () => {
    const now = t(0) + 30_500;
    const previous = deployment('p', '1.0', -300);
    const range = seriesRange(deployment('c', '1.1', -10), previous, now);
    expect(range.from.toISOString()).toBe(at(-300));
    expect(range.to.toISOString()).toBe(at(1));
    expect(seriesRange(deployment('c', '1.1', -10), deployment('p', '1.0', -20), now).from.toISOString()).toBe(at(-30));
    expect(seriesRange(null, deployment('p', '1.0', -60 * 24 * 30), now).from.getTime()).toBe(t(-60 * 24 * 7));
  });

  it('takes a fixed look-back (?range=) instead, past the 7 days', () => {
    const now = t(0) + 30_500;
    expect(readRangeChoice('30d')).toBe('30d');
    expect(readRangeChoice('31d')).toBeNull();
    expect(readRangeChoice(['30d'])).toBeNull();
    const range = seriesRange(deployment('c', '1.1', -10), deployment('p', '1.0', -30), now, 60, RANGE_CHOICES['30d']);
    expect(range.from.getTime()).toBe(t(-60 * 24 * 30));
    expect(range.to.toISOString()).toBe(at(1));
  });

  it('asks for a long range in pieces the hub accepts (at most 10,000 steps), in order and without gaps', () => {
    const range = { from: new Date(t(-60 * 24 * 30)), to: new Date(t(1)) };
    const pieces = splitRange(range, 60);
    expect(pieces).toHaveLength(5);
    expect(pieces[0]!.from).toEqual(range.from);
    expect(pieces.at(-1)!.to).toEqual(range.to);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.from).toEqual(pieces[i - 1]!.to);
    for (const piece of pieces) expect((piece.to.getTime() - piece.from.getTime()) / 60_000).toBeLessThanOrEqual(10_000);
    expect(splitRange({ from: new Date(t(0)), to: new Date(t(10)) }, 60)).toEqual([{ from: new Date(t(0)), to: new Date(t(10)) }]);
  });
});

describe('markers', () => {
  it('draws a line at the threshold of an absolute criterion', () => {
    expect(thresholdLines([verdict('v1', {})], 'error_rate')).toEqual([
      { criterionId: 'c-v1', value: 0.05, comparator: 'LTE', relative: false, estimated: false, label: '≤ 5 %' },
    ]);
  });

  it('draws threshold × baseline for a criterion relative to the previous version', () => {
    const [line] = thresholdLines([verdict('v1', { metric: 'latency_p95', threshold: 1.2, relativeToPrevious: true }, { baseline: 200 })], 'latency_p95');
    expect(line).toMatchObject({ value: 240, relative: true, estimated: false, label: '≤ 1.2× previous = 240 ms' });
  });

  it('estimates the baseline from the previous version over the window when the verdict has none, else draws no line', () => {
    const criterion = { metric: 'latency_p95', threshold: 1.5, relativeToPrevious: true, windowSeconds: 120 };
    const previousData = KpiSeriesData.fromTuples([
      [t(0), 1000, 10],
      [t(8), 100, 1],
      [t(9), 200, 3],
    ]);
    const [line] = thresholdLines([verdict('v1', criterion, { baseline: null })], 'latency_p95', { previousData, now: t(10) });
    expect(line).toMatchObject({ value: 1.5 * 175, estimated: true });
    expect(thresholdLines([verdict('v1', criterion, { baseline: null })], 'latency_p95')).toEqual([]);
  });

  it('leaves out criteria of other metrics and repeats of a criterion', () => {
    expect(thresholdLines([verdict('v1', { metric: 'throughput' }), verdict('v2', { id: 'same' }), verdict('v3', { id: 'same' })], 'error_rate')).toHaveLength(
      1,
    );
  });

  it('marks each verdict with a symbol and a word, at the observed value or else the line', () => {
    const verdicts = [
      verdict('pass', {}, { evaluatedAt: at(20) }),
      verdict('fail', { id: 'c2', threshold: 0.001 }, { outcome: 'FAIL', observed: 0.02, evaluatedAt: at(10) }),
      verdict('none', { id: 'c3', threshold: 0.03 }, { outcome: 'INCONCLUSIVE', observed: null }),
      verdict('norel', { id: 'c4', relativeToPrevious: true, threshold: 2 }, { outcome: 'INCONCLUSIVE', observed: null }),
      verdict('other', { metric: 'throughput' }),
    ];
    const markers = verdictMarkers(verdicts, 'error_rate', thresholdLines(verdicts, 'error_rate'));
    expect(markers.map((m) => [m.verdictId, m.time, m.value, m.symbol, m.label])).toEqual([
      ['fail', t(10), 0.02, 'triangle', 'FAIL'],
      ['pass', t(20), 0.01, 'circle', 'PASS'],
      ['none', t(30), 0.03, 'diamond', 'INCONCLUSIVE'],
      ['norel', t(30), 'max', 'diamond', 'INCONCLUSIVE'],
    ]);
    expect(markers[0]!.description).toBe('FAIL: error_rate 2 %, must be ≤ 0.1 %');
  });

  it('marks each deployment inside the range with its version, oldest first', () => {
    const markers = deployMarkers(
      [deployment('d3', '1.2', 50), deployment('d0', '1.3', 55, { status: 'CANCELLED' }), deployment('d2', '1.1', 20), deployment('d1', '1.0', -500)],
      t(0),
    );
    expect(markers).toEqual([
      { deploymentId: 'd2', time: t(20), version: '1.1', label: 'Deploy 1.1' },
      { deploymentId: 'd3', time: t(50), version: '1.2', label: 'Deploy 1.2' },
    ]);
  });
});

describe('error budget and formatting', () => {
  it('keeps the budget use of the SLOs of this service and environment, with what is left', () => {
    const slos = [
      { id: 'a', name: 'checkout availability', serviceId: 's1', environmentId: 'e1', objective: 0.999, status: { budgetRemaining: 0.4 } },
      { id: 'b', name: 'search latency', serviceId: 's2', environmentId: 'e1', objective: 0.99, status: { budgetRemaining: 0.9 } },
    ];
    const uses = [
      { sloId: 'a', slo: 'checkout availability', consumed: 0.25, badEvents: 120 },
      { sloId: 'b', slo: 'search latency', consumed: 0.01, badEvents: 3 },
      { sloId: 'c', slo: 'unknown', consumed: null, badEvents: 0 },
    ];
    expect(budgetRows(uses, slos, 's1', 'e1')).toEqual([
      { sloId: 'a', name: 'checkout availability', objective: 0.999, consumed: 0.25, badEvents: 120, remaining: 0.4 },
      { sloId: 'c', name: 'unknown', objective: null, consumed: null, badEvents: 0, remaining: null },
    ]);
  });

  it('formats values in the metric unit', () => {
    expect(formatKpi('error_rate', 0.01234)).toBe('1.23 %');
    expect(formatKpi('latency_p99', 812.4)).toBe('812 ms');
    expect(formatKpi('throughput', 12.345)).toBe('12.3/s');
    expect(formatKpi('orders', 7)).toBe('7');
    expect(formatKpi('orders', null)).toBe('no data');
  });
});
