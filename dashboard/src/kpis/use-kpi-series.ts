import { computed, onBeforeUnmount, ref, shallowRef, watch, type ComputedRef, type Ref, type ShallowRef } from 'vue';
import type { ConnectionState } from '../hub/release-event-feed';
import { NO_MARKERS, type KpiChartMarkers } from './kpi-chart-option';
import { KpiSeriesStore, type SeriesRole } from './kpi-live';
import {
  deployMarkers,
  hasValues,
  RANGE_CHOICES,
  seriesRange,
  splitRange,
  thresholdLines,
  verdictMarkers,
  type KpiSelection,
  type RangeChoice,
  type TimeRange,
} from './kpi-model';
import type { KpiDeployment, KpiSource, KpiVerdict } from './kpi-source';

/** What the series follow: the selection and the two versions it compares (from useKpiSelection). */
export interface KpiSeriesInputs {
  selection: Readonly<Ref<KpiSelection | null>>;
  current: Readonly<Ref<KpiDeployment | null>>;
  previous: Readonly<Ref<KpiDeployment | null>>;
  rangeChoice: Readonly<Ref<RangeChoice | null>>;
  /** For the markers: the new version's verdicts and the selection's deployments. */
  verdicts: Readonly<Ref<readonly KpiVerdict[]>>;
  deployments: Readonly<Ref<readonly KpiDeployment[] | null>>;
  /** The hub connection's state: back online after a drop, the series load again. */
  connection?: () => ConnectionState | undefined;
  /** The clock (tests pass their own). */
  now?: () => number;
}

export type SeriesState = 'idle' | 'loading' | 'ready' | 'error';
export type LiveState = 'connecting' | 'live' | 'error';

export interface KpiSeriesState {
  /** The chart's data, outside Vue's reactivity (KpiChart listens to it). */
  store: KpiSeriesStore;
  seriesState: Ref<SeriesState>;
  seriesError: Ref<string | null>;
  /** Why the older steps of a long range could not be loaded (the recent ones are shown). */
  historyError: Ref<string | null>;
  liveState: Ref<LiveState>;
  liveError: Ref<string | null>;
  /** Some step of either series has a value. */
  hasData: Ref<boolean>;
  /** The range loaded, once the series arrived. */
  range: ShallowRef<TimeRange | null>;
  markers: ComputedRef<KpiChartMarkers>;
  /** Loads the series again and subscribes again ("Try again"). */
  startSeries(): Promise<void>;
}

/**
 * The chart's two series for the selection: loaded once per selection (a long range newest first,
 * the history put before it), then kept live by kpiUpdated points, which are subscribed before
 * the load so none is lost. A newer selection makes every answer of an older one void.
 */
export function useKpiSeries(source: KpiSource, inputs: KpiSeriesInputs): KpiSeriesState {
  const { selection, current, previous, rangeChoice } = inputs;
  const now = inputs.now ?? Date.now;
  const store = new KpiSeriesStore();
  const seriesState = ref<SeriesState>('idle');
  const seriesError = ref<string | null>(null);
  const historyError = ref<string | null>(null);
  const liveState = ref<LiveState>('connecting');
  const liveError = ref<string | null>(null);
  const hasData = ref(false);
  const range = shallowRef<TimeRange | null>(null);
  /** Bumped when the series arrive (markers estimated from them follow). */
  const seriesRevision = ref(0);
  let stopPoints: Array<() => void> = [];
  let generation = 0;

  const seriesKey = computed(() => {
    const s = selection.value;
    if (!s || !current.value) return null;
    return JSON.stringify([s.service, s.environment, s.metric, current.value.version, previous.value?.version ?? null, rangeChoice.value]);
  });

  function stopLive(): void {
    stopPoints.forEach((stop) => stop());
    stopPoints = [];
  }

  async function startSeries(): Promise<void> {
    stopLive();
    const mine = ++generation;
    const s = selection.value;
    const cur = current.value;
    const prev = previous.value;
    liveError.value = null;
    seriesError.value = null;
    historyError.value = null;
    if (!s || !cur) {
      store.begin({});
      store.complete({});
      seriesState.value = 'idle';
      hasData.value = false;
      return;
    }
    const versions: Partial<Record<SeriesRole, string>> = { current: cur.version, ...(prev ? { previous: prev.version } : {}) };
    store.begin(versions);
    seriesState.value = 'loading';
    liveState.value = 'connecting';
    hasData.value = false;

    // Subscribe first: points that arrive while the series load are merged into them.
    for (const [role, version] of Object.entries(versions) as Array<[SeriesRole, string]>) {
      stopPoints.push(
        source.watchPoints(
          { service: s.service, environment: s.environment, version, metric: s.metric },
          (point) => {
            if (mine !== generation) return;
            liveState.value = 'live';
            const outcome = store.push(role, version, point);
            if (!hasData.value && outcome !== 'ignored' && point.value !== null) hasData.value = true;
          },
          (error) => {
            if (mine !== generation) return;
            liveState.value = 'error';
            liveError.value = error.message;
          },
        ),
      );
    }

    const wanted = seriesRange(cur, prev, now(), undefined, rangeChoice.value ? RANGE_CHOICES[rangeChoice.value] : null);
    // A long range loads newest first: the chart shows the recent steps at once, the history follows.
    const recent = splitRange(wanted).at(-1) ?? wanted;
    const request = { service: s.service, environment: s.environment, metric: s.metric, current: cur.version, previous: prev?.version ?? null };
    try {
      const answer = await source.loadSeries({ ...request, ...recent });
      if (mine !== generation) return;
      range.value = wanted;
      store.complete({ current: answer.current, ...(answer.previous ? { previous: answer.previous } : {}) });
      hasData.value = store.list().some((series) => hasValues(series.data));
      seriesState.value = 'ready';
      seriesRevision.value++;
    } catch (failure) {
      if (mine !== generation) return;
      // No series to apply live points to: stop them (they would pile up); "Try again" starts over.
      stopLive();
      seriesState.value = 'error';
      seriesError.value = failure instanceof Error ? failure.message : String(failure);
      return;
    }
    if (recent.from.getTime() <= wanted.from.getTime()) return;
    try {
      const older = await source.loadSeries({ ...request, from: wanted.from, to: recent.from });
      if (mine !== generation) return;
      store.prependHistory({ current: older.current, ...(older.previous ? { previous: older.previous } : {}) });
      hasData.value = store.list().some((series) => hasValues(series.data));
      seriesRevision.value++;
    } catch (failure) {
      if (mine !== generation) return;
      // The recent steps stay on the chart; only the history is missing.
      historyError.value = failure instanceof Error ? failure.message : String(failure);
    }
  }

  watch(seriesKey, () => void startSeries(), { immediate: true });

  // Back online after a drop: the steps missed meanwhile come with a fresh load.
  const connection = inputs.connection;
  if (connection) {
    watch(connection, (state, before) => {
      // Offline, the chart is not live, whatever its subscriptions last said.
      if (state === 'offline') liveState.value = 'connecting';
      if (state === 'online' && before === 'offline' && seriesKey.value) void startSeries();
    });
  }

  onBeforeUnmount(() => {
    generation++;
    stopLive();
    store.dispose();
  });

  const markers = computed<KpiChartMarkers>(() => {
    const s = selection.value;
    void seriesRevision.value;
    const deployments = inputs.deployments.value;
    if (!s || !deployments) return NO_MARKERS;
    const verdicts = inputs.verdicts.value;
    const thresholds = thresholdLines(verdicts, s.metric, { previousData: store.get('previous')?.data, now: now() });
    const from = range.value?.from.getTime() ?? seriesRange(current.value, previous.value, now()).from.getTime();
    return {
      thresholds,
      verdicts: verdictMarkers(verdicts, s.metric, thresholds),
      deploys: deployMarkers(deployments, from),
      from,
    };
  });

  return { store, seriesState, seriesError, historyError, liveState, liveError, hasData, range, markers, startSeries };
}
