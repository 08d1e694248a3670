import type { LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, MarkLineComponentOption, MarkPointComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import type { LiveSeries, SeriesRole } from './kpi-live';
import { formatKpi, type DeployMarker, type ThresholdLine, type VerdictMarker } from './kpi-model';

/** performance marks a benchmark reads in the browser: the first paint with data, and each live point on screen. */
export const FIRST_PAINT_MARK = 'releasegraph:kpi:first-paint';
export const REPAINT_MARK = 'releasegraph:kpi:repaint';

export type KpiChartOption = ComposeOption<LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

/** The chart's colours, from the dashboard's CSS tokens (light or dark). */
export interface KpiPalette {
  text: string;
  muted: string;
  border: string;
  surface: string;
  current: string;
  previous: string;
  threshold: string;
  deploy: string;
  pass: string;
  fail: string;
  inconclusive: string;
}

const LIGHT: KpiPalette = {
  text: '#14171c',
  muted: '#4b5563',
  border: '#d5d9e0',
  surface: '#ffffff',
  current: '#1d4ed8',
  previous: '#4b5563',
  threshold: '#b91c1c',
  deploy: '#8a93a3',
  pass: '#15803d',
  fail: '#dc2626',
  inconclusive: '#d97706',
};

/** Reads the CSS tokens of `element` (the document's root by default); a token that is not set keeps the light default. */
export function readPalette(element: Element | null = typeof document === 'undefined' ? null : document.documentElement): KpiPalette {
  if (!element || typeof getComputedStyle !== 'function') return { ...LIGHT };
  const style = getComputedStyle(element);
  const token = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: token('--text', LIGHT.text),
    muted: token('--muted', LIGHT.muted),
    border: token('--border', LIGHT.border),
    surface: token('--surface', LIGHT.surface),
    current: token('--link', LIGHT.current),
    previous: token('--muted', LIGHT.previous),
    threshold: token('--bad-text', LIGHT.threshold),
    deploy: token('--border-strong', LIGHT.deploy),
    pass: token('--good', LIGHT.pass),
    fail: token('--bad', LIGHT.fail),
    inconclusive: token('--warn', LIGHT.inconclusive),
  };
}

export interface KpiChartMarkers {
  thresholds: ThresholdLine[];
  verdicts: VerdictMarker[];
  deploys: DeployMarker[];
  /** Where the loaded range starts (ms): the time axis starts there, even with a single step of data. */
  from?: number;
}

export const NO_MARKERS: KpiChartMarkers = { thresholds: [], verdicts: [], deploys: [] };

/** The legend's name of a series. */
export function seriesName(series: Pick<LiveSeries, 'role' | 'version'>): string {
  return `${series.version} (${series.role === 'current' ? 'new' : 'previous'})`;
}

/** ECharts takes a typed array as series data at run time; its types only name arrays. */
const chartData = (series: LiveSeries) => series.data.chartData() as unknown as LineSeriesOption['data'];

/** Up to this many steps a line also shows its points: one or two steps alone draw no visible line. */
const SYMBOLS_UP_TO = 120;

/** One version's line: solid for the new version, dashed for the previous one (told apart without colour). */
export function seriesOption(series: LiveSeries, palette: KpiPalette): LineSeriesOption {
  const colour = series.role === 'current' ? palette.current : palette.previous;
  return {
    id: series.role,
    name: seriesName(series),
    type: 'line',
    // Flat [time, value, …] typed array: ECharts reads it without parsing an array per point.
    data: chartData(series),
    dimensions: ['time', 'value'],
    encode: { x: 0, y: 1, tooltip: 1 },
    // Large series (line has no `large` mode): no symbols, no animation, downsampled to the pixels (largest-triangle-three-buckets).
    showSymbol: series.data.length <= SYMBOLS_UP_TO,
    symbol: series.role === 'current' ? 'circle' : 'rect',
    sampling: 'lttb',
    animation: false,
    progressive: 0,
    connectNulls: false,
    z: series.role === 'current' ? 3 : 2,
    lineStyle: { width: series.role === 'current' ? 2.5 : 2, type: series.role === 'current' ? 'solid' : 'dashed', color: colour },
    itemStyle: { color: colour },
    emphasis: { disabled: true },
  };
}

const MARKERS_ID = 'markers';

/** The markers ride on a series of their own (no data), so they can be replaced without touching the series' data. */
export function markersOption(markers: KpiChartMarkers, palette: KpiPalette, metric: string): LineSeriesOption {
  const outcomeColour = { PASS: palette.pass, FAIL: palette.fail, INCONCLUSIVE: palette.inconclusive };
  const markLine: MarkLineComponentOption = {
    silent: true,
    symbol: ['none', 'none'],
    animation: false,
    data: [
      ...markers.thresholds.map((line) => ({
        name: line.label,
        yAxis: line.value,
        lineStyle: { color: palette.threshold, type: 'dashed' as const, width: 1.5 },
        label: { formatter: line.label, position: 'insideEndTop' as const, color: palette.threshold, fontWeight: 'bold' as const },
      })),
      ...markers.deploys.map((deploy) => ({
        name: deploy.label,
        xAxis: deploy.time,
        lineStyle: { color: palette.deploy, type: 'solid' as const, width: 1.5 },
        label: { formatter: deploy.label, position: 'insideEndTop' as const, color: palette.text },
      })),
    ],
  };
  const markPoint: MarkPointComponentOption = {
    animation: false,
    data: markers.verdicts.map((verdict) => ({
      name: verdict.description,
      coord: [verdict.time, verdict.value],
      value: typeof verdict.value === 'number' ? formatKpi(metric, verdict.value) : '',
      symbol: verdict.symbol,
      symbolSize: verdict.symbol === 'triangle' ? 16 : 13,
      itemStyle: { color: outcomeColour[verdict.outcome], borderColor: palette.surface, borderWidth: 1.5 },
      label: { show: true, formatter: verdict.label, position: 'top' as const, color: palette.text, fontWeight: 'bold' as const },
    })),
  };
  return { id: MARKERS_ID, name: 'Markers', type: 'line', data: [], silent: true, markLine, markPoint, tooltip: { show: false } };
}

/** The largest threshold, so the value axis reaches the lines (null: none). */
export function topThreshold(markers: KpiChartMarkers): number | null {
  return markers.thresholds.length ? Math.max(...markers.thresholds.map((t) => t.value)) : null;
}

/** The whole option: axes, legend, tooltip, both series with their data, and the markers. */
export function buildChartOption(options: {
  series: LiveSeries[];
  markers: KpiChartMarkers;
  metric: string;
  palette: KpiPalette;
  /** Read at each layout: the highest threshold line, so it stays inside the chart. */
  threshold: () => number | null;
}): KpiChartOption {
  const { palette, metric } = options;
  const axisLabel = { color: palette.muted };
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: palette.text },
    grid: { left: 72, right: 24, top: 56, bottom: 36 },
    legend: {
      top: 0,
      left: 0,
      data: options.series.map(seriesName),
      textStyle: { color: palette.text, fontSize: 14 },
      inactiveColor: palette.border,
    },
    tooltip: {
      trigger: 'axis',
      backgroundColor: palette.surface,
      borderColor: palette.border,
      textStyle: { color: palette.text },
      valueFormatter: (value) => formatKpi(metric, typeof value === 'number' ? value : null),
    },
    xAxis: {
      type: 'time',
      // From the loaded range's start to the newest step: a "nice" time axis would stretch into the
      // future, and one step of data alone would be padded by a day on each side.
      min: options.markers.from ?? 'dataMin',
      max: 'dataMax',
      axisLabel,
      axisLine: { lineStyle: { color: palette.border } },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      axisLabel: { ...axisLabel, formatter: (value: number) => formatKpi(metric, value) },
      splitLine: { lineStyle: { color: palette.border } },
      max: (extent: { max: number }) => {
        const top = options.threshold();
        return top === null || !(top > extent.max) ? (null as unknown as number) : top * 1.1;
      },
    },
    series: [...options.series.map((s) => seriesOption(s, palette)), markersOption(options.markers, palette, metric)],
  };
}

/** The option of a frame's live points: only the data of the series that changed (merged by id). */
export function dataUpdateOption(series: LiveSeries[], roles: readonly SeriesRole[]): KpiChartOption {
  return {
    series: series.filter((s) => roles.includes(s.role)).map((s) => ({ id: s.role, data: chartData(s), showSymbol: s.data.length <= SYMBOLS_UP_TO })),
  };
}

/** The option that replaces the markers only. */
export function markersUpdateOption(markers: KpiChartMarkers, palette: KpiPalette, metric: string): KpiChartOption {
  return { xAxis: { min: markers.from ?? 'dataMin' }, series: [markersOption(markers, palette, metric)] };
}
