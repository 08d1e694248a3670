import { getInstanceByDom, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { FIRST_PAINT_MARK, NO_MARKERS, REPAINT_MARK, type KpiChartMarkers } from './kpi-chart-option';
import { KpiSeriesStore } from './kpi-live';
import KpiChart from './KpiChart.vue';

// happy-dom has no canvas: the chart draws with the SVG renderer here (the app bundles only the canvas one).
use([SVGRenderer]);

const minute = (m: number) => new Date(Date.UTC(2026, 10, 26, 9, m)).toISOString();

function manualFrames() {
  const callbacks: Array<() => void> = [];
  return {
    schedule: (callback: () => void) => {
      callbacks.push(callback);
      return () => callbacks.splice(callbacks.indexOf(callback), 1);
    },
    run: () => callbacks.splice(0).forEach((c) => c()),
  };
}

function mountChart(store: KpiSeriesStore, markers: KpiChartMarkers = NO_MARKERS) {
  return mount(KpiChart, {
    props: { store, markers, metric: 'error_rate', label: 'error_rate of checkout in production', renderer: 'svg', width: 800, height: 400 },
  });
}

/** The ECharts instance vue-echarts made inside the chart's element. */
const instanceOf = (chart: ReturnType<typeof mountChart>) => getInstanceByDom(chart.get('[data-testid=kpi-chart] .echarts-host').element as HTMLElement)!;

const marks = (name: string) => performance.getEntriesByName(name, 'mark') as PerformanceMark[];

describe('KpiChart', () => {
  beforeEach(() => performance.clearMarks());
  afterEach(() => vi.restoreAllMocks());

  it('draws both versions, marks the first paint with data once, and names itself for screen readers', async () => {
    const store = new KpiSeriesStore(manualFrames().schedule);
    store.begin({ current: '1.5.0', previous: '1.4.0' });
    const chart = mountChart(store);
    expect(marks(FIRST_PAINT_MARK)).toHaveLength(0);

    store.complete({
      current: [{ at: minute(0), value: 0.01, samples: 100 }],
      previous: [
        { at: minute(0), value: 0.02, samples: 90 },
        { at: minute(1), value: 0.03, samples: 95 },
      ],
    });
    await nextTick();
    expect(marks(FIRST_PAINT_MARK)).toHaveLength(1);
    expect(chart.emitted('has-data')?.at(-1)).toEqual([true]);

    const element = chart.get('[data-testid=kpi-chart]');
    expect(element.attributes('role')).toBe('img');
    expect(element.attributes('aria-label')).toBe('error_rate of checkout in production');
    const instance = instanceOf(chart);
    const series = (instance.getOption() as { series: Array<{ id: string; data: unknown[] }> }).series;
    expect(series.map((s) => [s.id, s.data.length])).toEqual([
      ['current', 2],
      ['previous', 4],
      ['markers', 0],
    ]);
    const rows = chart.findAll('tbody tr').map((tr) => tr.findAll('th, td').map((c) => c.text()));
    expect(rows).toEqual([
      ['1.5.0 (new)', expect.any(String), '1 %', '100'],
      ['1.4.0 (previous)', expect.any(String), '3 %', '95'],
    ]);
  });

  it('applies a frame of live points with only the changed series, then marks each point as repainted', async () => {
    const frames = manualFrames();
    const store = new KpiSeriesStore(frames.schedule);
    store.begin({ current: '1.5.0', previous: '1.4.0' });
    store.complete({ current: [{ at: minute(0), value: 0.01, samples: 100 }], previous: [{ at: minute(0), value: 0.02, samples: 90 }] });
    const chart = mountChart(store);
    const instance = instanceOf(chart);
    const setOption = vi.spyOn(instance, 'setOption');

    store.push('current', '1.5.0', { at: minute(0), value: 0.015, samples: 120 });
    store.push('current', '1.5.0', { at: minute(1), value: 0.02, samples: 10 });
    expect(setOption).not.toHaveBeenCalled();
    frames.run();

    expect(setOption).toHaveBeenCalledTimes(1);
    const [option, settings] = setOption.mock.calls[0]! as unknown as [{ series: Array<{ id: string; data: unknown[] }> }, object];
    expect(option).toEqual({ series: [{ id: 'current', data: expect.any(Float64Array), showSymbol: true }] });
    expect([...(option.series[0]!.data as unknown as Float64Array)]).toEqual([Date.parse(minute(0)), 0.015, Date.parse(minute(1)), 0.02]);
    expect(settings).toMatchObject({ notMerge: false });
    expect(marks(REPAINT_MARK).map((m) => m.detail)).toEqual([
      { version: '1.5.0', at: minute(0), value: 0.015, samples: 120 },
      { version: '1.5.0', at: minute(1), value: 0.02, samples: 10 },
    ]);
    const merged = (instance.getOption() as { series: Array<{ id: string; data: unknown[] }> }).series;
    expect(merged.map((s) => [s.id, s.data.length])).toEqual([
      ['current', 4],
      ['previous', 2],
      ['markers', 0],
    ]);
  });

  it('replaces the markers without touching the series data', async () => {
    const store = new KpiSeriesStore(manualFrames().schedule);
    store.begin({ current: '1.5.0' });
    store.complete({ current: [{ at: minute(0), value: 0.01, samples: 100 }] });
    const chart = mountChart(store);
    const instance = instanceOf(chart);
    const setOption = vi.spyOn(instance, 'setOption');

    await chart.setProps({
      markers: {
        thresholds: [{ criterionId: 'c1', value: 0.05, comparator: 'LTE', relative: false, estimated: false, label: '≤ 5 %' }],
        verdicts: [{ verdictId: 'v1', outcome: 'FAIL', time: Date.parse(minute(0)), value: 0.01, symbol: 'triangle', label: 'FAIL', description: 'FAIL' }],
        deploys: [{ deploymentId: 'd1', time: Date.parse(minute(0)), version: '1.5.0', label: 'Deploy 1.5.0' }],
      },
    });
    expect(setOption).toHaveBeenCalledTimes(1);
    const [option] = setOption.mock.calls[0]! as unknown as [{ series: Array<Record<string, unknown>> }];
    expect(option.series.map((s) => s['id'])).toEqual(['markers']);
    const merged = (instance.getOption() as { series: Array<{ id: string; data: unknown[]; markLine?: { data: unknown[] }; markPoint?: { data: unknown[] } }> })
      .series;
    expect(merged[0]!.data).toHaveLength(2);
    expect(merged[1]!.markLine!.data).toHaveLength(2);
    expect(merged[1]!.markPoint!.data).toHaveLength(1);
    expect(chart.get('[data-testid=kpi-chart]').html()).toContain('Deploy 1.5.0');

    await chart.setProps({ markers: NO_MARKERS });
    const cleared = (instance.getOption() as { series: Array<{ markLine?: { data: unknown[] } }> }).series;
    expect(cleared[1]!.markLine!.data).toHaveLength(0);
  });

  it('says so when there is nothing to draw yet, and marks the first paint when a live point arrives', async () => {
    const frames = manualFrames();
    const store = new KpiSeriesStore(frames.schedule);
    store.begin({ current: '1.5.0' });
    store.complete({ current: [] });
    const chart = mountChart(store);
    expect(chart.emitted('has-data')?.at(-1)).toEqual([false]);

    store.push('current', '1.5.0', { at: minute(3), value: 0.2, samples: 5 });
    frames.run();
    await nextTick();
    expect(chart.emitted('has-data')?.at(-1)).toEqual([true]);
    expect(marks(FIRST_PAINT_MARK)).toHaveLength(1);
    expect(marks(REPAINT_MARK)).toHaveLength(1);
  });
});
