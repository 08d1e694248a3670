import { ApolloClient, ApolloLink, InMemoryCache, Observable, type FetchResult } from '@apollo/client/core';
import { flushPromises, mount } from '@vue/test-utils';
import type { Observer } from '@apollo/client/utilities';
import { describe, expect, it, vi } from 'vitest';
import { hubConnectionKey, type HubConnection } from '../hub/hub-connection';
import KpiChart from '../kpis/KpiChart.vue';
import type { KpiChartMarkers } from '../kpis/kpi-chart-option';
import type { KpiSeriesStore } from '../kpis/kpi-live';
import { testRouter } from '../testing/router';
import KpisView from './KpisView.vue';

const MINUTE = 60_000;
const now = Date.now();
const minutesAgo = (m: number) => new Date(Math.floor(now / MINUTE) * MINUTE - m * MINUTE).toISOString();

const production = { id: 'e-prod', name: 'production', tier: 'PROD' };
const staging = { id: 'e-staging', name: 'staging', tier: 'STAGING' };
const checkout = { id: 's-checkout', name: 'checkout' };
const search = { id: 's-search', name: 'search' };

const deployment = (id: string, version: string, startedMinutesAgo: number, service = checkout, environment = production, status = 'SUCCEEDED') => ({
  id,
  version,
  status,
  startedAt: minutesAgo(startedMinutesAgo),
  createdAt: minutesAgo(startedMinutesAgo),
  service,
  environment,
});

const newDeployment = deployment('d-new', '1.5.0', 20, checkout, production, 'IN_PROGRESS');
const oldDeployment = deployment('d-old', '1.4.0', 180);
const catalog = {
  services: { edges: [{ node: { ...checkout, environments: [staging, production] } }, { node: { ...search, environments: [production] } }] },
  deployments: {
    edges: [
      { node: deployment('d-search', '2.0.0', 5, search, staging) },
      { node: newDeployment },
      { node: deployment('d-checkout-staging', '1.5.0', 60, checkout, staging) },
      { node: oldDeployment },
    ],
  },
};
const details = (outcome = 'PASS') => ({
  node: {
    id: 'd-new',
    verdicts: [
      {
        id: 'v-errors',
        outcome,
        evaluatedAt: minutesAgo(2),
        observed: 0.01,
        baseline: null,
        samples: 900,
        criterion: { id: 'c-errors', metric: 'error_rate', comparator: 'LTE', threshold: 0.05, relativeToPrevious: false, windowSeconds: 600 },
      },
      {
        id: 'v-latency',
        outcome: 'FAIL',
        evaluatedAt: minutesAgo(2),
        observed: 300,
        baseline: 200,
        samples: 900,
        criterion: { id: 'c-latency', metric: 'latency_p95', comparator: 'LTE', threshold: 1.2, relativeToPrevious: true, windowSeconds: 600 },
      },
    ],
    release: { id: 'r1', name: 'Autumn', errorBudget: [{ sloId: 'slo-1', slo: 'checkout availability', consumed: 0.25, badEvents: 1200 }] },
  },
  slos: [{ id: 'slo-1', name: 'checkout availability', serviceId: 's-checkout', environmentId: 'e-prod', objective: 0.999, status: { budgetRemaining: 0.6 } }],
});
const point = (minutes: number, value: number | null, samples = 100) => ({ at: minutesAgo(minutes), value, samples });
const series = {
  current: [point(3, 0.01), point(2, 0.02), point(1, 0.015)],
  previous: [point(4, 0.005), point(3, 0.006), point(2, 0.007), point(1, 0.004)],
};

type Answer = Record<string, unknown> | Error;
type Answers = Record<string, Answer | Answer[]>;

/**
 * The view over a fake hub: the link answers each query by operation name (an array: one answer per
 * request, the last one repeats), records every request, and holds the kpiUpdated subscriptions so a
 * test can push points; `emitEvent()` is a release event arriving.
 */
async function mountView(answers: Answers, path = '/kpis') {
  const requests: Array<{ name: string; variables: Record<string, unknown> }> = [];
  const live = new Map<string, Observer<FetchResult>>();
  const link = new ApolloLink(
    (operation) =>
      new Observable<FetchResult>((observer) => {
        const name = operation.operationName ?? '';
        requests.push({ name, variables: operation.variables });
        if (name === 'KpiUpdated') {
          const version = String(operation.variables['version']);
          live.set(version, observer);
          return () => live.delete(version);
        }
        const configured = answers[name];
        const list = Array.isArray(configured) ? configured : [configured];
        const answer = list[Math.min(requests.filter((r) => r.name === name).length - 1, list.length - 1)];
        setTimeout(() => {
          if (answer instanceof Error) observer.error(answer);
          else if (answer === undefined) observer.error(new Error(`no answer for ${name}`));
          else {
            observer.next({ data: answer });
            observer.complete();
          }
        });
        return undefined;
      }),
  );
  const apollo = new ApolloClient({ link, cache: new InMemoryCache() });
  const listeners = new Set<(event: { type: string }) => void>();
  const events = {
    onEvent: (listener: (event: { type: string }) => void) => (listeners.add(listener), () => listeners.delete(listener)),
    onResync: () => () => undefined,
  };
  const router = testRouter();
  await router.push(path);
  await router.isReady();
  const view = mount(KpisView, {
    global: {
      plugins: [router],
      provide: { [hubConnectionKey as symbol]: { apollo, events } as unknown as HubConnection },
      stubs: { KpiChart: true },
    },
  });
  const chart = () => view.findComponent(KpiChart);
  return {
    view,
    router,
    requests,
    count: (name: string) => requests.filter((r) => r.name === name).length,
    store: () => chart().props('store') as KpiSeriesStore,
    markers: () => chart().props('markers') as KpiChartMarkers,
    chart,
    pushPoint: (version: string, data: { at: string; value: number | null; samples: number }) => live.get(version)?.next?.({ data: { kpiUpdated: data } }),
    failLive: (version: string, error: Error) => live.get(version)?.error?.(error),
    liveVersions: () => [...live.keys()].sort(),
    emitEvent: (type: string) => listeners.forEach((l) => l({ type })),
  };
}

const full: Answers = {
  KpiCatalog: catalog,
  KpiDeployments: { deployments: { edges: [{ node: newDeployment }, { node: oldDeployment }] } },
  KpiDeploymentDetails: details(),
  KpiSeries: series,
};

const values = (store: KpiSeriesStore, role: 'current' | 'previous') =>
  store
    .get(role)
    ?.data.toTuples()
    .map((d) => d[1]);

describe('KpisView', () => {
  it('says it is loading, then charts the newest production deployment against the previous version', async () => {
    const hub = await mountView(full);
    expect(hub.view.get('[role=status]').text()).toBe('Loading KPIs…');

    await vi.waitFor(() => expect(hub.view.text()).toContain('compared with 1.4.0'));
    await vi.waitFor(() => expect(values(hub.store(), 'current')).toEqual([0.01, 0.02, 0.015]));
    expect(values(hub.store(), 'previous')).toEqual([0.005, 0.006, 0.007, 0.004]);
    expect(hub.chart().props('label')).toBe('error_rate of checkout in production, version 1.5.0 (new) and version 1.4.0 (previous), over time');

    // The defaults go into the URL (no version: the view follows the newest deployment).
    expect(hub.router.currentRoute.value.query).toEqual({ service: 'checkout', environment: 'production', metric: 'error_rate' });
    expect(hub.requests.find((r) => r.name === 'KpiDeployments')?.variables).toEqual({ filter: { serviceId: 's-checkout', environmentId: 'e-prod' } });
    const seriesRequest = hub.requests.find((r) => r.name === 'KpiSeries')!.variables;
    expect(seriesRequest).toMatchObject({
      service: 'checkout',
      environment: 'production',
      metric: 'error_rate',
      current: '1.5.0',
      previous: '1.4.0',
      step: 60,
    });
    expect(Date.parse(String(seriesRequest['from']))).toBeLessThanOrEqual(Date.parse(oldDeployment.startedAt));
    expect(hub.liveVersions()).toEqual(['1.4.0', '1.5.0']);

    // Labelled selects, keyboard-reachable.
    const selected = (label: string) =>
      hub.view
        .findAll('label')
        .find((l) => l.find('span').text() === label)!
        .get('select').element.value;
    expect([selected('Service'), selected('Environment'), selected('Metric'), selected('Version')]).toEqual(['checkout', 'production', 'error_rate', '']);

    // Markers: the error_rate threshold, the verdict on it, the deployments in range.
    expect(hub.markers().thresholds.map((t) => [t.value, t.label])).toEqual([[0.05, '≤ 5 %']]);
    expect(hub.markers().verdicts.map((v) => [v.label, v.symbol, v.value])).toEqual([['PASS', 'circle', 0.01]]);
    expect(hub.markers().deploys.map((d) => d.label)).toEqual(['Deploy 1.4.0', 'Deploy 1.5.0']);

    // Verdicts (every metric) and the error budget beside the chart.
    const verdicts = hub.view.findAll('.verdicts li').map((li) => li.text());
    expect(verdicts[0]).toContain('PASS: error_rate 1 %, must be ≤ 5 %');
    expect(verdicts[1]).toContain('FAIL: latency_p95 300 ms, must be ≤ 1.2× the previous version');
    expect(hub.view.get('.budget').text()).toContain('checkout availability');
    expect(hub.view.get('.budget').text()).toContain('25 % of the budget since the deployment (1,200 bad events); 60 % left');
  });

  it('shows what the URL names, with a pinned version compared with the one before it', async () => {
    const hub = await mountView(
      {
        ...full,
        KpiDeployments: { deployments: { edges: [{ node: newDeployment }, { node: oldDeployment }, { node: deployment('d-older', '1.3.0', 600) }] } },
      },
      '/kpis?service=checkout&environment=production&metric=latency_p95&version=1.4.0',
    );
    await vi.waitFor(() => expect(hub.count('KpiSeries')).toBe(1));
    expect(hub.requests.find((r) => r.name === 'KpiSeries')?.variables).toMatchObject({ metric: 'latency_p95', current: '1.4.0', previous: '1.3.0' });
    expect(hub.requests.find((r) => r.name === 'KpiDeploymentDetails')?.variables).toEqual({ id: 'd-old' });
    expect(hub.router.currentRoute.value.query).toEqual({ service: 'checkout', environment: 'production', metric: 'latency_p95', version: '1.4.0' });
  });

  it('puts a new selection into the URL and loads it', async () => {
    const hub = await mountView(full);
    await vi.waitFor(() => expect(hub.count('KpiSeries')).toBe(1));
    const metric = hub.view.findAll('select')[2]!;
    await metric.setValue('latency_p95');
    await vi.waitFor(() => expect(hub.router.currentRoute.value.query['metric']).toBe('latency_p95'));
    await vi.waitFor(() => expect(hub.count('KpiSeries')).toBe(2));
    expect(hub.requests.filter((r) => r.name === 'KpiSeries')[1]?.variables).toMatchObject({ metric: 'latency_p95' });
    // Relative criterion: threshold × the verdict's baseline.
    await vi.waitFor(() => expect(hub.markers().thresholds.map((t) => t.value)).toEqual([240]));
    expect(hub.markers().verdicts.map((v) => v.label)).toEqual(['FAIL']);
  });

  it('looks back as far as the Range asks, in pieces the hub accepts, and keeps it in the URL', async () => {
    const hub = await mountView(full);
    await vi.waitFor(() => expect(hub.count('KpiSeries')).toBe(1));
    const range = hub.view
      .findAll('label')
      .find((label) => label.text().startsWith('Range'))!
      .get('select');
    await range.setValue('30d');
    await vi.waitFor(() => expect(hub.router.currentRoute.value.query['range']).toBe('30d'));
    await vi.waitFor(() => expect(hub.count('KpiSeries')).toBe(6));
    const asked = hub.requests
      .filter((r) => r.name === 'KpiSeries')
      .slice(1)
      .map((r) => ({ from: Date.parse(String(r.variables['from'])), to: Date.parse(String(r.variables['to'])) }));
    // The newest steps first (the chart shows them at once), then the history.
    expect(asked[0]!.to).toBe(Math.max(...asked.map((p) => p.to)));
    const pieces = [...asked].sort((a, b) => a.from - b.from);
    // 30 days of minutes = 43,200 steps: five requests of at most 10,000, end to end.
    expect(pieces).toHaveLength(5);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.from).toBe(pieces[i - 1]!.to);
    for (const piece of pieces) expect((piece.to - piece.from) / 60_000).toBeLessThanOrEqual(10_000);
    expect((pieces.at(-1)!.to - pieces[0]!.from) / 86_400_000).toBeCloseTo(30, 2);
  });

  it('keeps the recent steps on the chart when the history of a long range cannot be loaded, and says so', async () => {
    const hub = await mountView({ ...full, KpiSeries: [series, series, new Error('the hub is restarting')] });
    await vi.waitFor(() => expect(hub.count('KpiSeries')).toBe(1));
    const range = hub.view
      .findAll('label')
      .find((label) => label.text().startsWith('Range'))!
      .get('select');
    await range.setValue('30d');
    await vi.waitFor(() => expect(hub.view.text()).toContain('The older steps could not be loaded'));
    expect(hub.view.text()).toContain('the hub is restarting');
    expect(values(hub.store(), 'current')?.length).toBeGreaterThan(0);
  });

  it('says so when the hub has seen no deployment', async () => {
    const hub = await mountView({ KpiCatalog: { services: { edges: [] }, deployments: { edges: [] } } });
    await vi.waitFor(() => expect(hub.view.text()).toContain('No deployments yet.'));
    expect(hub.count('KpiSeries')).toBe(0);
  });

  it('says so when the service was never deployed to the environment', async () => {
    const hub = await mountView({ ...full, KpiDeployments: { deployments: { edges: [] } } }, '/kpis?service=search&environment=production');
    await vi.waitFor(() => expect(hub.view.text()).toContain('No deployments of search to production yet.'));
  });

  it('says so when no samples arrived yet, and fills in when a live point does', async () => {
    const hub = await mountView({ ...full, KpiSeries: { current: [], previous: [] } });
    await vi.waitFor(() => expect(hub.view.text()).toContain('No error_rate samples for 1.5.0 or 1.4.0 yet.'));
    hub.pushPoint('1.5.0', point(0, 0.02));
    await vi.waitFor(() => expect(hub.view.text()).not.toContain('samples for 1.5.0'));
    expect(values(hub.store(), 'current')).toEqual([0.02]);
  });

  it('shows why the KPIs could not be loaded, and tries again', async () => {
    const hub = await mountView({ ...full, KpiCatalog: [new Error('Failed to fetch'), catalog] });
    await vi.waitFor(() => expect(hub.view.find('[role=alert]').exists()).toBe(true));
    expect(hub.view.get('[role=alert]').text()).toContain('The KPIs could not be loaded: Failed to fetch');
    await hub.view.get('[role=alert] button').trigger('click');
    await vi.waitFor(() => expect(values(hub.store(), 'current')).toEqual([0.01, 0.02, 0.015]));
  });

  it('shows why the series could not be loaded, and tries again', async () => {
    const hub = await mountView({ ...full, KpiSeries: [new Error('at most 11000 steps per series'), series] });
    await vi.waitFor(() => expect(hub.view.text()).toContain('The error_rate series could not be loaded: at most 11000 steps per series'));
    await hub.view.get('[role=alert] button').trigger('click');
    await vi.waitFor(() => expect(values(hub.store(), 'previous')).toEqual([0.005, 0.006, 0.007, 0.004]));
    expect(hub.count('KpiSeries')).toBe(2);
  });

  it('applies live points to the series (replace the current step, append a new one) without loading them again', async () => {
    const hub = await mountView(full);
    await vi.waitFor(() => expect(values(hub.store(), 'current')).toHaveLength(3));

    hub.pushPoint('1.5.0', point(1, 0.03, 120));
    hub.pushPoint('1.5.0', point(0, 0.04, 7));
    hub.pushPoint('1.4.0', point(0, 0.001, 50));
    await flushPromises();

    expect(values(hub.store(), 'current')).toEqual([0.01, 0.02, 0.03, 0.04]);
    expect(values(hub.store(), 'previous')).toEqual([0.005, 0.006, 0.007, 0.004, 0.001]);
    expect(hub.count('KpiSeries')).toBe(1);
    await vi.waitFor(() => expect(hub.view.text()).toContain('Live'));
  });

  it('reloads the markers, not the series, when a verdict or deployment event arrives', async () => {
    const hub = await mountView({ ...full, KpiDeploymentDetails: [details('PASS'), details('FAIL')] });
    await vi.waitFor(() => expect(hub.markers().verdicts.map((v) => v.label)).toEqual(['PASS']));

    hub.emitEvent('connector.synced');
    hub.emitEvent('verdict.changed');
    await vi.waitFor(() => expect(hub.markers().verdicts.map((v) => v.label)).toEqual(['FAIL']), { timeout: 2000 });
    expect(hub.count('KpiDeploymentDetails')).toBe(2);
    expect(hub.count('KpiSeries')).toBe(1);
    expect(hub.liveVersions()).toEqual(['1.4.0', '1.5.0']);
  });

  it('says so when live updates stop, and subscribes again', async () => {
    const hub = await mountView(full);
    await vi.waitFor(() => expect(hub.count('KpiSeries')).toBe(1));
    hub.failLive('1.5.0', new Error('socket closed'));
    await vi.waitFor(() => expect(hub.view.text()).toContain('Live updates stopped: socket closed'));
    const retry = hub.view.findAll('[role=alert] button').find((b) => b.text() === 'Try again')!;
    await retry.trigger('click');
    await vi.waitFor(() => expect(hub.liveVersions()).toEqual(['1.4.0', '1.5.0']));
    expect(hub.view.text()).not.toContain('Live updates stopped');
  });
});
