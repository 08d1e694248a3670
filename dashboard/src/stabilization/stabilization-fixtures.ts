import type { StabilizationEscalation, StabilizationRelease } from './stabilization-source';

/** Test data around one clock: 26 Nov 2026, 09:00 UTC. */
export const NOW = Date.parse('2026-11-26T09:00:00Z');
const at = (offsetMs: number): string => new Date(NOW + offsetMs).toISOString();
const MIN = 60_000;
const HOUR = 3_600_000;

export const PAYMENTS_SERVICE = { id: 'rg:service:payments', name: 'payments' };
export const LEDGER_SERVICE = { id: 'rg:service:ledger', name: 'ledger' };

export function escalation(overrides: Partial<StabilizationEscalation> = {}): StabilizationEscalation {
  return {
    id: 'rg:escalation:1',
    windowId: 'rg:stabilization_window:payments',
    serviceId: PAYMENTS_SERVICE.id,
    level: 1,
    paged: 'alice',
    status: 'OPEN',
    reason: 'error_rate 0.042 failed its criterion (LTE 0.01)',
    raisedAt: at(-5 * MIN),
    nextEscalationAt: at(10 * MIN),
    acknowledgedAt: null,
    acknowledgedBy: null,
    updatedAt: at(-5 * MIN),
    ...overrides,
  };
}

/** Payments 1.8.0: 30 h into its 72 h window, alice owns payments, ledger has no owner, one page open. */
export function paymentsStabilizing(escalations: StabilizationEscalation[] = [escalation()]): StabilizationRelease {
  return {
    id: 'rg:release:payments-1.8.0',
    name: 'Payments',
    version: '1.8.0',
    status: 'STABILIZING',
    deployments: [
      { id: 'rg:deployment:1', service: PAYMENTS_SERVICE },
      { id: 'rg:deployment:2', service: LEDGER_SERVICE },
    ],
    stabilization: {
      id: 'rg:stabilization_window:payments',
      releaseId: 'rg:release:payments-1.8.0',
      status: 'OPEN',
      startsAt: at(-30 * HOUR),
      endsAt: at(42 * HOUR),
      updatedAt: at(-30 * HOUR),
      owners: [{ owner: 'alice', serviceId: PAYMENTS_SERVICE.id, since: at(-30 * HOUR), service: PAYMENTS_SERVICE }],
      escalations,
    },
  };
}

/** Search 2.0.0: past its end, extended by an hour while a page is acknowledged but not resolved. */
export function searchExtended(): StabilizationRelease {
  const search = { id: 'rg:service:search', name: 'search' };
  return {
    id: 'rg:release:search-2.0.0',
    name: 'Search',
    version: '2.0.0',
    status: 'STABILIZING',
    deployments: [{ id: 'rg:deployment:3', service: search }],
    stabilization: {
      id: 'rg:stabilization_window:search',
      releaseId: 'rg:release:search-2.0.0',
      status: 'EXTENDED',
      startsAt: at(-72 * HOUR - 20 * MIN),
      endsAt: at(40 * MIN),
      updatedAt: at(-20 * MIN),
      owners: [{ owner: 'bob', serviceId: search.id, since: at(-72 * HOUR - 20 * MIN), service: search }],
      escalations: [
        escalation({
          id: 'rg:escalation:search',
          windowId: 'rg:stabilization_window:search',
          serviceId: search.id,
          level: 2,
          paged: 'team-lead',
          status: 'ACKNOWLEDGED',
          reason: 'search-api burns its error budget (fast alert)',
          raisedAt: at(-2 * HOUR),
          nextEscalationAt: null,
          acknowledgedAt: at(-100 * MIN),
          acknowledgedBy: 'carol',
          updatedAt: at(-100 * MIN),
        }),
      ],
    },
  };
}

/** A window that closed `closedAgoMs` ago, STABLE or ROLLED_BACK. */
export function closedWindow(name: string, status: 'STABLE' | 'ROLLED_BACK', closedAgoMs: number): StabilizationRelease {
  const id = name.toLowerCase();
  return {
    id: `rg:release:${id}`,
    name,
    version: '1.0.0',
    status: status === 'STABLE' ? 'DONE' : 'ROLLED_BACK',
    deployments: [],
    stabilization: {
      id: `rg:stabilization_window:${id}`,
      releaseId: `rg:release:${id}`,
      status,
      startsAt: at(-closedAgoMs - 72 * HOUR),
      endsAt: at(-closedAgoMs),
      updatedAt: at(-closedAgoMs),
      owners: [],
      escalations: [],
    },
  };
}

/** A release still deploying: no window yet. */
export function checkoutDeploying(): StabilizationRelease {
  return { id: 'rg:release:checkout', name: 'Checkout', version: '3.1.0', status: 'DEPLOYING', deployments: [], stabilization: null };
}
