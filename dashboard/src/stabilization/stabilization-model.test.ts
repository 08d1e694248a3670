import { describe, expect, it } from 'vitest';
import { NOW, checkoutDeploying, closedWindow, escalation, paymentsStabilizing, searchExtended } from './stabilization-fixtures';
import {
  buildWindows,
  formatClimb,
  formatLevel,
  formatProgress,
  isActiveWindow,
  pagingCount,
  servicesOf,
  sortEscalations,
  windowProgress,
} from './stabilization-model';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('buildWindows', () => {
  it('shows open and extended windows first (paging ones first), then recently closed ones; releases without a window are left out', () => {
    const releases = [
      closedWindow('Old', 'STABLE', 10 * DAY),
      closedWindow('Stable', 'STABLE', 2 * DAY),
      closedWindow('Reverted', 'ROLLED_BACK', 1 * DAY),
      searchExtended(),
      checkoutDeploying(),
      paymentsStabilizing(),
    ];
    const names = buildWindows(releases, NOW).map((w) => w.release.name);
    expect(names).toEqual(['Payments', 'Search', 'Reverted', 'Stable']);
  });

  it('orders active windows without pages by the soonest end', () => {
    const quiet = paymentsStabilizing([]);
    const names = buildWindows([quiet, searchExtended()], NOW).map((w) => w.release.name);
    expect(names).toEqual(['Search', 'Payments']);
  });

  it('counts pages and lists every deployed service with its owner', () => {
    const [payments] = buildWindows([paymentsStabilizing()], NOW);
    expect(payments!.active).toBe(true);
    expect(payments!.paging).toBe(1);
    expect(payments!.services).toEqual([
      { serviceId: 'rg:service:ledger', name: 'ledger', owner: null, since: null },
      { serviceId: 'rg:service:payments', name: 'payments', owner: 'alice', since: '2026-11-25T03:00:00.000Z' },
    ]);
    expect(pagingCount(buildWindows([paymentsStabilizing(), searchExtended()], NOW))).toBe(1);
  });

  it('shows an escalation as a mutation returned it until a load brings a newer one', () => {
    const acknowledged = escalation({
      status: 'ACKNOWLEDGED',
      acknowledgedBy: 'alice',
      acknowledgedAt: new Date(NOW).toISOString(),
      updatedAt: new Date(NOW).toISOString(),
    });
    const settled = new Map([[acknowledged.id, acknowledged]]);
    expect(buildWindows([paymentsStabilizing()], NOW, settled)[0]!.escalations[0]!.status).toBe('ACKNOWLEDGED');
    expect(buildWindows([paymentsStabilizing()], NOW, settled)[0]!.paging).toBe(0);

    const resolvedLater = escalation({ status: 'RESOLVED', updatedAt: new Date(NOW + 1000).toISOString() });
    expect(buildWindows([paymentsStabilizing([resolvedLater])], NOW, settled)[0]!.escalations[0]!.status).toBe('RESOLVED');
  });
});

describe('sortEscalations', () => {
  it('puts pages first (highest level first), then acknowledged and resolved ones, newest first', () => {
    const sorted = sortEscalations([
      escalation({ id: 'resolved', status: 'RESOLVED', raisedAt: '2026-11-26T08:00:00Z' }),
      escalation({ id: 'ack-old', status: 'ACKNOWLEDGED', raisedAt: '2026-11-26T06:00:00Z' }),
      escalation({ id: 'open-1', level: 1 }),
      escalation({ id: 'ack-new', status: 'ACKNOWLEDGED', raisedAt: '2026-11-26T07:00:00Z' }),
      escalation({ id: 'open-3', level: 3 }),
    ]);
    expect(sorted.map((e) => e.id)).toEqual(['open-3', 'open-1', 'ack-new', 'ack-old', 'resolved']);
  });
});

describe('time', () => {
  // Spans and ages themselves: src/shared/format.test.ts.
  it('formats the climb to the next level', () => {
    expect(formatClimb(escalation(), NOW)).toBe('in 10m 00s');
    expect(formatClimb(escalation({ nextEscalationAt: '2026-11-26T08:59:00Z' }), NOW)).toBe('due now');
    expect(formatClimb(escalation({ nextEscalationAt: null }), NOW)).toBe('top level reached — it climbs no further');
    expect(formatClimb(escalation({ status: 'ACKNOWLEDGED' }), NOW)).toBeNull();
    expect(formatLevel(1)).toBe('Level 1 · owner');
    expect(formatLevel(3)).toBe('Level 3');
  });

  it('measures how much of the window has passed, clamped to its span', () => {
    const window = paymentsStabilizing().stabilization!;
    const progress = windowProgress(window, NOW);
    expect(progress).toEqual({ fraction: 30 / 72, elapsedMs: 30 * HOUR, totalMs: 72 * HOUR });
    expect(formatProgress(progress)).toBe('41% elapsed · 30h 00m of 72h 00m');
    expect(windowProgress(window, NOW + 100 * HOUR).fraction).toBe(1);
    expect(windowProgress(window, NOW - 100 * HOUR).fraction).toBe(0);

    const rolledBack = { ...window, status: 'ROLLED_BACK' as const, updatedAt: new Date(NOW - 12 * HOUR).toISOString() };
    expect(formatProgress(windowProgress(rolledBack, NOW))).toBe('25% elapsed · 18h 00m of 72h 00m');
  });

  it('knows which windows are still watched', () => {
    expect(['OPEN', 'EXTENDED', 'STABLE', 'ROLLED_BACK'].map((s) => isActiveWindow(s as never))).toEqual([true, true, false, false]);
  });

  it('keeps owners a deployment list does not show', () => {
    const release = { ...paymentsStabilizing(), deployments: [] };
    expect(servicesOf(release, release.stabilization!).map((s) => s.name)).toEqual(['payments']);
  });
});
