import type { KpiPointInput } from './kpi-model';
import type { KpiCatalog, KpiDeployment, KpiDeploymentDetails, KpiPointScope, KpiSeriesAnswer, KpiSeriesRequest, KpiSource } from './kpi-source';

/** Checkout in production for the Live KPIs tests: 1.5.0 rolling out 20 minutes ago over 1.4.0, shaped like the hub's answers. */

export const MINUTE = 60_000;
/** A fixed "now", on a minute boundary. */
export const NOW = Date.parse('2026-11-26T09:00:00Z');
export const minutesAgo = (m: number): string => new Date(NOW - m * MINUTE).toISOString();

const production = { id: 'e-prod', name: 'production', tier: 'PROD' as const };
const staging = { id: 'e-staging', name: 'staging', tier: 'STAGING' as const };
const checkout = { id: 's-checkout', name: 'checkout' };
const search = { id: 's-search', name: 'search' };

export function kpiDeployment(
  id: string,
  version: string,
  startedMinutesAgo: number,
  { service = checkout, environment = production, status = 'SUCCEEDED' }: Partial<Pick<KpiDeployment, 'service' | 'environment' | 'status'>> = {},
): KpiDeployment {
  return { id, version, status, startedAt: minutesAgo(startedMinutesAgo), createdAt: minutesAgo(startedMinutesAgo), service, environment };
}

export const newCheckout = kpiDeployment('d-new', '1.5.0', 20, { status: 'IN_PROGRESS' });
export const oldCheckout = kpiDeployment('d-old', '1.4.0', 180);

export const kpiCatalog: KpiCatalog = {
  services: [
    { ...checkout, environments: [staging, production] },
    { ...search, environments: [production] },
  ],
  deployments: [
    kpiDeployment('d-search', '2.0.0', 5, { service: search, environment: staging }),
    newCheckout,
    kpiDeployment('d-checkout-staging', '1.5.0', 60, { environment: staging }),
    oldCheckout,
  ],
};

export const kpiDetails: KpiDeploymentDetails = {
  id: 'd-new',
  verdicts: [
    {
      id: 'v-errors',
      outcome: 'PASS',
      evaluatedAt: minutesAgo(2),
      observed: 0.01,
      baseline: null,
      samples: 900,
      criterion: { id: 'c-errors', metric: 'error_rate', comparator: 'LTE', threshold: 0.05, relativeToPrevious: false, windowSeconds: 600 },
    },
  ],
  release: { id: 'r1', name: 'Autumn', errorBudget: [{ sloId: 'slo-1', slo: 'checkout availability', consumed: 0.25, badEvents: 1200 }] },
  slos: [{ id: 'slo-1', name: 'checkout availability', serviceId: 's-checkout', environmentId: 'e-prod', objective: 0.999, status: { budgetRemaining: 0.6 } }],
};

export const kpiPoint = (minutes: number, value: number | null, samples = 100): KpiPointInput => ({ at: minutesAgo(minutes), value, samples });

/**
 * A KPI source the test drives: the catalogue and deployments above, series from `series` (a
 * function of the request, so a test can fail or delay one), live points pushed by hand.
 */
export function fakeKpiSource(series: (request: KpiSeriesRequest) => Promise<KpiSeriesAnswer>) {
  const seriesRequests: KpiSeriesRequest[] = [];
  const live = new Map<string, { onPoint: (point: KpiPointInput) => void; onError: (error: Error) => void }>();
  const changeListeners = new Set<() => void>();
  let catalogLoads = 0;
  const source: KpiSource = {
    loadCatalog: () => (catalogLoads++, Promise.resolve(kpiCatalog)),
    loadDeployments: (serviceId, environmentId) =>
      Promise.resolve(kpiCatalog.deployments.filter((d) => d.service.id === serviceId && d.environment.id === environmentId)),
    loadDetails: (id) => Promise.resolve(id === kpiDetails.id ? kpiDetails : null),
    loadSeries: (request) => (seriesRequests.push(request), series(request)),
    watchPoints(scope: KpiPointScope, onPoint, onError) {
      live.set(scope.version, { onPoint, onError });
      return () => live.delete(scope.version);
    },
    watchChanges(onChange) {
      changeListeners.add(onChange);
      return () => changeListeners.delete(onChange);
    },
  };
  return {
    source,
    seriesRequests,
    catalogLoads: () => catalogLoads,
    liveVersions: () => [...live.keys()].sort(),
    pushPoint: (version: string, point: KpiPointInput) => live.get(version)?.onPoint(point),
    failLive: (version: string, error: Error) => live.get(version)?.onError(error),
    emitChange: () => changeListeners.forEach((listener) => listener()),
  };
}
