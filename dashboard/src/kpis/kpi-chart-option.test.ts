import { describe, expect, it } from 'vitest';
import { buildChartOption, dataUpdateOption, markersOption, readPalette, seriesOption, type KpiChartMarkers } from './kpi-chart-option';
import type { LiveSeries } from './kpi-live';
import { KpiSeriesData } from './kpi-model';

const palette = readPalette(null);
const current: LiveSeries = { role: 'current', version: '1.5.0', data: KpiSeriesData.fromTuples([[0, 0.1, 1]]) };
const previous: LiveSeries = { role: 'previous', version: '1.4.0', data: KpiSeriesData.fromTuples([[0, 0.2, 1]]) };

describe('chart option', () => {
  it('reads the colours from the CSS tokens', () => {
    const element = document.createElement('div');
    element.style.setProperty('--link', '#93b4ff');
    element.style.setProperty('--text', '#eef1f5');
    document.body.append(element);
    const dark = readPalette(element);
    expect(dark.current).toBe('#93b4ff');
    expect(dark.text).toBe('#eef1f5');
    expect(dark.fail).toBe(palette.fail);
    element.remove();
  });

  it('draws large series without symbols or animation, downsampled, the previous version dashed', () => {
    const large: LiveSeries = { ...current, data: KpiSeriesData.fromTuples(Array.from({ length: 500 }, (_, i) => [i * 60_000, 0.1, 1] as const)) };
    expect(seriesOption(large, palette)).toMatchObject({
      id: 'current',
      name: '1.5.0 (new)',
      showSymbol: false,
      sampling: 'lttb',
      animation: false,
      lineStyle: { type: 'solid' },
    });
    expect(seriesOption(previous, palette)).toMatchObject({ id: 'previous', name: '1.4.0 (previous)', lineStyle: { type: 'dashed' } });
    expect(seriesOption(current, palette)).toMatchObject({ dimensions: ['time', 'value'], data: new Float64Array([0, 0.1]) });
  });

  it('shows the points of a short series: a step or two alone draw no visible line', () => {
    expect(seriesOption(current, palette).showSymbol).toBe(true);
    expect(dataUpdateOption([current], ['current']).series).toEqual([expect.objectContaining({ showSymbol: true })]);
  });

  it('starts the time axis where the loaded range starts (one step of data would be padded by a day)', () => {
    const option = buildChartOption({
      series: [current],
      markers: { thresholds: [], verdicts: [], deploys: [], from: -3_600_000 },
      metric: 'error_rate',
      palette,
      threshold: () => null,
    });
    expect(option.xAxis).toMatchObject({ min: -3_600_000, max: 'dataMax' });
  });

  it('updates only the data of the series that changed', () => {
    expect(dataUpdateOption([current, previous], ['previous'])).toEqual({ series: [{ id: 'previous', data: new Float64Array([0, 0.2]), showSymbol: true }] });
  });

  it('puts thresholds and deployments as lines, verdicts as labelled symbols', () => {
    const markers: KpiChartMarkers = {
      thresholds: [{ criterionId: 'c', value: 0.05, comparator: 'LTE', relative: false, estimated: false, label: '≤ 5 %' }],
      deploys: [{ deploymentId: 'd', time: 1000, version: '1.5.0', label: 'Deploy 1.5.0' }],
      verdicts: [{ verdictId: 'v', outcome: 'FAIL', time: 2000, value: 0.07, symbol: 'triangle', label: 'FAIL', description: 'FAIL: …' }],
    };
    const option = markersOption(markers, palette, 'error_rate');
    expect(option.id).toBe('markers');
    expect(option.data).toEqual([]);
    expect(option.markLine?.data).toEqual([
      expect.objectContaining({ yAxis: 0.05, label: expect.objectContaining({ formatter: '≤ 5 %' }) }),
      expect.objectContaining({ xAxis: 1000, label: expect.objectContaining({ formatter: 'Deploy 1.5.0' }) }),
    ]);
    expect(option.markPoint?.data).toEqual([
      expect.objectContaining({ coord: [2000, 0.07], symbol: 'triangle', label: expect.objectContaining({ show: true, formatter: 'FAIL' }) }),
    ]);
  });

  it('stretches the value axis to the highest threshold', () => {
    let top: number | null = 0.5;
    const option = buildChartOption({
      series: [current],
      markers: { thresholds: [], deploys: [], verdicts: [] },
      metric: 'error_rate',
      palette,
      threshold: () => top,
    });
    const max = (option.yAxis as { max: (extent: { max: number }) => number | null }).max;
    expect(max({ max: 0.2 })).toBeCloseTo(0.55);
    expect(max({ max: 0.9 })).toBeNull();
    top = null;
    expect(max({ max: 0.2 })).toBeNull();
    expect(option.animation).toBe(false);
  });
});
