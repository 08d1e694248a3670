import { describe, expect, it } from 'vitest';
import {
  attributeEntries,
  axisTicks,
  groupIncidents,
  incidentDuration,
  layoutWaterfall,
  logLevel,
  orderIncidents,
  pickTraceId,
  rankSuspects,
  severityLabel,
  sortLogs,
} from './incident-model';
import { checkoutSuspect, failingCheckoutTrace, paymentsOutage, paymentsSuspect, resolvedLogin, slowSearch } from './incident-fixtures';
import type { TraceSpan } from './incident-source';
import { affectsIncidents } from './incident-source';

const span = (spanId: string, parentSpanId: string | null, startMs: number, durationMs: number, status = 'OK'): TraceSpan => ({
  traceId: 't',
  spanId,
  parentSpanId,
  name: spanId,
  service: `svc-${spanId}`,
  version: '1.0.0',
  environment: 'prod',
  kind: 1,
  startTime: new Date(Date.parse('2026-11-26T09:00:00Z') + startMs).toISOString(),
  durationMs,
  status,
  statusMessage: null,
  attributes: {},
});

describe('layoutWaterfall', () => {
  it('puts every child under its parent, one level deeper, siblings in start order', () => {
    const layout = layoutWaterfall([
      span('root', null, 0, 100),
      span('late-child', 'root', 60, 30),
      span('early-child', 'root', 10, 40),
      span('grandchild', 'early-child', 20, 10),
    ]);
    expect(layout.rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ['root', 0],
      ['early-child', 1],
      ['grandchild', 2],
      ['late-child', 1],
    ]);
    expect(layout.rows[0]?.childCount).toBe(2);
  });

  it('shows a span whose parent is not kept as a root, marked as an orphan, in start order among the roots', () => {
    const layout = layoutWaterfall([
      span('late-root', null, 50, 50),
      span('orphan', 'missing', 20, 10),
      span('root', null, 0, 10),
      span('child', 'orphan', 25, 5),
    ]);
    expect(layout.rows.map((r) => [r.span.spanId, r.depth, r.orphan])).toEqual([
      ['root', 0, false],
      ['orphan', 0, true],
      ['child', 1, false],
      ['late-root', 0, false],
    ]);
  });

  it('positions bars by start offset and sizes them by duration on one axis from the first start to the last end', () => {
    const layout = layoutWaterfall([span('a', null, 0, 100), span('b', 'a', 50, 100), span('c', 'a', 25, 0)]);
    expect(layout.totalMs).toBe(150);
    expect(layout.startMs).toBe(Date.parse('2026-11-26T09:00:00Z'));
    const byId = Object.fromEntries(layout.rows.map((r) => [r.span.spanId, r]));
    expect(byId['a']).toMatchObject({ offsetMs: 0, offsetPct: 0 });
    expect(byId['a']?.widthPct).toBeCloseTo(66.667, 2);
    expect(byId['b']?.offsetPct).toBeCloseTo(33.333, 2);
    expect(byId['b']?.widthPct).toBeCloseTo(66.667, 2);
    expect(byId['c']).toMatchObject({ offsetMs: 25, widthPct: 0 });
  });

  it('counts errors and services, and survives a parent cycle and an empty trace', () => {
    const layout = layoutWaterfall([span('x', 'y', 0, 10, 'ERROR'), span('y', 'x', 5, 10)]);
    expect(layout.rows.map((r) => r.span.spanId).sort()).toEqual(['x', 'y']);
    expect(layout.errorCount).toBe(1);
    expect(layout.rows.find((r) => r.span.spanId === 'x')?.isError).toBe(true);
    expect(layout.services).toHaveLength(2);
    expect(layoutWaterfall([])).toEqual({ rows: [], startMs: 0, totalMs: 0, errorCount: 0, services: [] });
  });

  it('lays out the failing checkout trace with the payment error under checkout', () => {
    const { rows } = layoutWaterfall(failingCheckoutTrace.spans);
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.span.service} ${r.span.name}${r.isError ? ' ERROR' : ''}${r.orphan ? ' (orphan)' : ''}`)).toEqual([
      'gateway POST /checkout',
      '  checkout PlaceOrder',
      '    payments Charge ERROR',
      'payments Charge (retry) (orphan)',
    ]);
    expect(rows[3]?.offsetPct).toBeCloseTo(95, 5);
    expect(rows[3]?.widthPct).toBeCloseTo(5, 5);
  });
});

describe('rankSuspects', () => {
  it('ranks by confidence (then error spans), numbers them from 1 and shows the confidence as a percentage', () => {
    const ranked = rankSuspects([checkoutSuspect, paymentsSuspect]);
    expect(ranked.map((s) => [s.rank, s.service, s.percentLabel, s.percent])).toEqual([
      [1, 'payments', '87 %', 87],
      [2, 'checkout', '12 %', 12],
    ]);
    expect(ranked[0]?.evidence).toEqual(paymentsSuspect.evidence);
  });

  it("keeps the hub's order for ties and clamps odd confidences", () => {
    const a = { ...checkoutSuspect, deploymentId: 'a', confidence: 0.5, errorSpans: 1 };
    const b = { ...checkoutSuspect, deploymentId: 'b', confidence: 0.5, errorSpans: 1 };
    const c = { ...checkoutSuspect, deploymentId: 'c', confidence: 0.5, errorSpans: 9 };
    expect(rankSuspects([a, b, c]).map((s) => s.deploymentId)).toEqual(['c', 'a', 'b']);
    expect(rankSuspects([{ ...a, confidence: 1.7 }])[0]?.percentLabel).toBe('100 %');
    expect(rankSuspects([{ ...a, confidence: Number.NaN }])[0]?.percent).toBe(0);
  });
});

describe('incidents', () => {
  it('lists open incidents first (most severe first), then the resolved ones, most recently resolved first', () => {
    const olderResolved = { ...resolvedLogin, id: 'inc-old', resolvedAt: '2026-11-20T10:00:00Z' };
    const lists = { open: [slowSearch, paymentsOutage], resolved: [olderResolved, resolvedLogin] };
    expect(orderIncidents(lists).map((i) => i.id)).toEqual(['inc-1', 'inc-2', 'inc-0', 'inc-old']);
    const groups = groupIncidents({ open: [paymentsOutage], resolved: [paymentsOutage, resolvedLogin] });
    expect(groups.open.map((i) => i.id)).toEqual(['inc-1']);
    expect(groups.resolved.map((i) => i.id)).toEqual(['inc-0']);
  });

  it('says how long an incident is open or lasted', () => {
    expect(incidentDuration(paymentsOutage, Date.parse('2026-11-26T11:05:00Z'))).toBe('open for 2h 05m');
    expect(incidentDuration(resolvedLogin, 0)).toBe('lasted 40m');
  });

  it('reloads on incident and deployment events only', () => {
    expect(affectsIncidents({ type: 'incident.created' })).toBe(true);
    expect(affectsIncidents({ type: 'deployment.status_changed' })).toBe(true);
    expect(affectsIncidents({ type: 'verdict.recorded' })).toBe(false);
  });

  it('shows the trace asked for when it belongs to the incident, else the first', () => {
    expect(pickTraceId(['a', 'b'], 'b')).toBe('b');
    expect(pickTraceId(['a', 'b'], 'z')).toBe('a');
    expect(pickTraceId(['a'], null)).toBe('a');
    expect(pickTraceId([], 'a')).toBeNull();
  });
});

describe('formatting', () => {
  // The durations themselves: src/shared/format.test.ts.
  it('puts axis ticks at round numbers', () => {
    expect(axisTicks(400).map((t) => t.label)).toEqual(['0 ms', '100 ms', '200 ms', '300 ms', '400 ms']);
    expect(axisTicks(150).map((t) => [t.label, Math.round(t.pct)])).toEqual([
      ['0 ms', 0],
      ['50 ms', 33],
      ['100 ms', 67],
      ['150 ms', 100],
    ]);
    expect(axisTicks(0)).toEqual([{ ms: 0, pct: 0, label: '0 ms' }]);
  });

  it('orders logs by time and names their severity', () => {
    expect(sortLogs(failingCheckoutTrace.logs).map((l) => l.body)).toEqual(['checkout started', 'acquirer did not answer within 300 ms']);
    expect(severityLabel({ severityText: null, severityNumber: 9 })).toBe('INFO');
    expect(severityLabel({ severityText: 'warning', severityNumber: 13 })).toBe('WARNING');
    expect(logLevel({ severityText: 'ERROR', severityNumber: 0 })).toBe('error');
    expect(logLevel({ severityText: null, severityNumber: 0 })).toBe('unknown');
  });

  it('lists attributes as sorted text', () => {
    expect(attributeEntries({ b: 1, a: 'x', c: { d: true } })).toEqual([
      ['a', 'x'],
      ['b', '1'],
      ['c', '{"d":true}'],
    ]);
    expect(attributeEntries(null)).toEqual([]);
  });
});
