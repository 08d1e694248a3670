import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { computed, defineComponent, ref, type Ref } from 'vue';
import type { ConnectionState } from '../hub/release-event-feed';
import { fakeKpiSource, kpiDetails, kpiPoint, newCheckout, NOW, oldCheckout } from './kpi-fixtures';
import type { KpiSelection, RangeChoice } from './kpi-model';
import type { KpiDeployment, KpiSeriesAnswer, KpiSeriesRequest } from './kpi-source';
import { useKpiSeries, type KpiSeriesState } from './use-kpi-series';

const checkoutInProduction: KpiSelection = {
  service: 'checkout',
  serviceId: 's-checkout',
  environment: 'production',
  environmentId: 'e-prod',
  metric: 'error_rate',
  pinnedVersion: null,
};

const answer: KpiSeriesAnswer = {
  current: [kpiPoint(3, 0.01), kpiPoint(2, 0.02), kpiPoint(1, 0.015)],
  previous: [kpiPoint(4, 0.005), kpiPoint(3, 0.006)],
};

/** The composable in a component, its inputs refs the test moves. */
function setUp(series: (request: KpiSeriesRequest) => Promise<KpiSeriesAnswer> = () => Promise.resolve(answer), range: RangeChoice | null = null) {
  const fake = fakeKpiSource(series);
  const selection = ref<KpiSelection | null>(checkoutInProduction);
  const current: Ref<KpiDeployment | null> = ref(newCheckout);
  const previous: Ref<KpiDeployment | null> = ref(oldCheckout);
  const rangeChoice = ref<RangeChoice | null>(range);
  const connection = ref<ConnectionState>('online');
  let state!: KpiSeriesState;
  const host = mount(
    defineComponent({
      setup() {
        state = useKpiSeries(fake.source, {
          selection,
          current,
          previous,
          rangeChoice,
          verdicts: computed(() => kpiDetails.verdicts),
          deployments: computed(() => [newCheckout, oldCheckout]),
          connection: () => connection.value,
          now: () => NOW,
        });
        return () => null;
      },
    }),
  );
  return { fake, state, host, selection, current, previous, rangeChoice, connection };
}

const values = (state: KpiSeriesState, role: 'current' | 'previous') =>
  state.store
    .get(role)
    ?.data.toTuples()
    .map((t) => t[1]);

describe('useKpiSeries', () => {
  it('subscribes to both versions, then loads both series since the previous deployment, with the points that came meanwhile', async () => {
    let release!: (answer: KpiSeriesAnswer) => void;
    const { fake, state } = setUp(() => new Promise((resolve) => (release = resolve)));
    expect(state.seriesState.value).toBe('loading');
    expect(fake.liveVersions()).toEqual(['1.4.0', '1.5.0']);
    const request = fake.seriesRequests[0]!;
    expect(request).toMatchObject({ service: 'checkout', environment: 'production', metric: 'error_rate', current: '1.5.0', previous: '1.4.0' });
    expect(request.from.getTime()).toBeLessThanOrEqual(Date.parse(oldCheckout.startedAt!));

    fake.pushPoint('1.5.0', kpiPoint(0, 0.03));
    release(answer);
    await flushPromises();
    expect(state.seriesState.value).toBe('ready');
    expect(state.hasData.value).toBe(true);
    expect(values(state, 'current')).toEqual([0.01, 0.02, 0.015, 0.03]);
    expect(values(state, 'previous')).toEqual([0.005, 0.006]);
    expect(state.range.value?.from.getTime()).toBe(request.from.getTime());
    expect(state.liveState.value).toBe('live');
  });

  it('applies live points without loading again, and says when live updates stop', async () => {
    const { fake, state } = setUp();
    await flushPromises();
    fake.pushPoint('1.5.0', kpiPoint(1, 0.5));
    fake.pushPoint('1.5.0', kpiPoint(0, 0.6));
    expect(values(state, 'current')).toEqual([0.01, 0.02, 0.5, 0.6]);
    expect(fake.seriesRequests).toHaveLength(1);

    fake.failLive('1.4.0', new Error('socket closed'));
    expect(state.liveState.value).toBe('error');
    expect(state.liveError.value).toBe('socket closed');
    await state.startSeries();
    expect(state.liveError.value).toBeNull();
    expect(fake.seriesRequests).toHaveLength(2);
  });

  it('loads a long range newest first, keeps the recent steps when the history fails, and says so', async () => {
    let requests = 0;
    const { fake, state } = setUp(() => (++requests === 1 ? Promise.resolve(answer) : Promise.reject(new Error('timeout'))), '30d');
    await flushPromises();
    const [recent, older] = fake.seriesRequests;
    expect(fake.seriesRequests).toHaveLength(2);
    expect(recent!.to.getTime()).toBeGreaterThanOrEqual(NOW);
    expect(older!.to.getTime()).toBe(recent!.from.getTime());
    expect(NOW - older!.from.getTime()).toBeGreaterThanOrEqual(30 * 24 * 3_600_000);
    expect(state.seriesState.value).toBe('ready');
    expect(state.historyError.value).toBe('timeout');
    expect(values(state, 'current')).toEqual([0.01, 0.02, 0.015]);
  });

  it('says why the series could not be loaded and stops the live points until "Try again"', async () => {
    const { fake, state } = setUp(() => Promise.reject(new Error('hub down')));
    await flushPromises();
    expect(state.seriesState.value).toBe('error');
    expect(state.seriesError.value).toBe('hub down');
    expect(fake.liveVersions()).toEqual([]);
  });

  it('drops the answer of a selection that was replaced while it loaded', async () => {
    const pending: Array<(answer: KpiSeriesAnswer) => void> = [];
    const { state, selection } = setUp(() => new Promise((resolve) => pending.push(resolve)));
    selection.value = { ...checkoutInProduction, metric: 'latency_p95' };
    await flushPromises();
    pending[1]!({ current: [kpiPoint(1, 250)], previous: [] });
    pending[0]!(answer);
    await flushPromises();
    expect(values(state, 'current')).toEqual([250]);
  });

  it('shows no series without a deployment to chart', async () => {
    const { fake, state, current } = setUp();
    await flushPromises();
    current.value = null;
    await flushPromises();
    expect(state.seriesState.value).toBe('idle');
    expect(state.store.list()).toEqual([]);
    expect(fake.liveVersions()).toEqual([]);
  });

  it('is not live while offline, and loads again when the hub is back', async () => {
    const { fake, state, connection } = setUp();
    await flushPromises();
    fake.pushPoint('1.5.0', kpiPoint(0, 0.03));
    expect(state.liveState.value).toBe('live');
    connection.value = 'offline';
    await flushPromises();
    expect(state.liveState.value).toBe('connecting');
    connection.value = 'online';
    await vi.waitFor(() => expect(fake.seriesRequests).toHaveLength(2));
  });

  it('marks the thresholds, the verdicts on the metric and the deployments in range', async () => {
    const { state } = setUp();
    await flushPromises();
    expect(state.markers.value.thresholds.map((t) => [t.value, t.label])).toEqual([[0.05, '≤ 5 %']]);
    expect(state.markers.value.verdicts.map((v) => [v.label, v.symbol, v.value])).toEqual([['PASS', 'circle', 0.01]]);
    expect(state.markers.value.deploys.map((d) => d.label)).toEqual(['Deploy 1.4.0', 'Deploy 1.5.0']);
  });
});
