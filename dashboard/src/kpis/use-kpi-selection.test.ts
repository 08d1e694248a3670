import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { testRouter } from '../testing/router';
import { fakeKpiSource } from './kpi-fixtures';
import { useKpiSelection, type KpiSelectionState } from './use-kpi-selection';

/** The composable in a component at `path`, over the fake source. */
async function setUp(path = '/kpis') {
  const fake = fakeKpiSource(() => Promise.resolve({ current: [], previous: [] }));
  const router = testRouter();
  await router.push(path);
  await router.isReady();
  let state!: KpiSelectionState;
  const host = mount(
    defineComponent({
      setup() {
        state = useKpiSelection(fake.source);
        return () => null;
      },
    }),
    { global: { plugins: [router] } },
  );
  await vi.waitFor(() => expect(state.overview.data.value).not.toBeNull());
  await flushPromises();
  return { fake, router, state, host };
}

describe('useKpiSelection', () => {
  it('picks the newest production deployment and the previous version, and writes the defaults into the URL', async () => {
    const { state, router } = await setUp();
    expect(state.selection.value).toMatchObject({
      service: 'checkout',
      serviceId: 's-checkout',
      environment: 'production',
      metric: 'error_rate',
      pinnedVersion: null,
    });
    expect([state.current.value?.version, state.previous.value?.version]).toEqual(['1.5.0', '1.4.0']);
    expect(router.currentRoute.value.query).toEqual({ service: 'checkout', environment: 'production', metric: 'error_rate' });
    expect(state.chartLabel.value).toBe('error_rate of checkout in production, version 1.5.0 (new) and version 1.4.0 (previous), over time');
  });

  it('offers the services, their environments, the metrics with the verdicts’ ones, and the deployed versions', async () => {
    const { state } = await setUp();
    expect(state.serviceOptions.value).toEqual(['checkout', 'search']);
    expect(state.environmentOptions.value).toEqual(['staging', 'production']);
    expect(state.metrics.value).toContain('error_rate');
    expect(state.versionOptions.value).toEqual(['1.5.0', '1.4.0']);
    expect(state.newestVersion.value).toBe('1.5.0');
    expect(state.budget.value?.map((row) => [row.name, row.consumed, row.remaining])).toEqual([['checkout availability', 0.25, 0.6]]);
  });

  it('pins a version named in the URL and compares it with the one before it', async () => {
    const { state } = await setUp('/kpis?service=checkout&environment=production&version=1.4.0');
    expect(state.selection.value?.pinnedVersion).toBe('1.4.0');
    expect(state.current.value?.version).toBe('1.4.0');
    expect(state.previous.value).toBeNull();
  });

  it('a new service forgets an environment it lacks and the pinned version, and loads what the URL then names', async () => {
    const { state, router, fake } = await setUp('/kpis?service=checkout&environment=staging&version=1.5.0');
    const loads = fake.catalogLoads();
    const push = vi.spyOn(router, 'push');
    state.choose({ service: 'search' });
    expect(push).toHaveBeenCalledWith({ query: { service: 'search', metric: 'error_rate' } });
    await vi.waitFor(() => expect(state.selection.value?.service).toBe('search'));
    expect(fake.catalogLoads()).toBeGreaterThan(loads);
    // The default environment is where search was deployed last; it goes back into the URL.
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ service: 'search', environment: 'staging', metric: 'error_rate' }));
  });

  it('keeps the range in the URL beside the selection, and drops it for "since the previous deployment"', async () => {
    const { state, router } = await setUp();
    state.chooseRange('7d');
    await vi.waitFor(() =>
      expect(router.currentRoute.value.query).toEqual({ service: 'checkout', environment: 'production', metric: 'error_rate', range: '7d' }),
    );
    expect(state.rangeChoice.value).toBe('7d');
    state.chooseRange('');
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ service: 'checkout', environment: 'production', metric: 'error_rate' }));
    expect(state.rangeChoice.value).toBeNull();
  });

  it('reloads the deployments and verdicts on their release events, and not for a URL it already shows', async () => {
    const { state, fake, router } = await setUp();
    const loads = fake.catalogLoads();
    fake.emitChange();
    await vi.waitFor(() => expect(fake.catalogLoads()).toBe(loads + 1));
    await flushPromises();
    await router.replace({ query: { ...router.currentRoute.value.query } });
    await flushPromises();
    expect(fake.catalogLoads()).toBe(loads + 1);
    expect(state.selection.value?.service).toBe('checkout');
  });
});
