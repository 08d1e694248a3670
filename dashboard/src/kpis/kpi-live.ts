import { markRaw } from 'vue';
import { KpiSeriesData, mergeSeries, type ApplyOutcome, type KpiPointInput } from './kpi-model';

/** The two series of the chart: the new version and the one it replaced. */
export type SeriesRole = 'current' | 'previous';

export interface LiveSeries {
  role: SeriesRole;
  version: string;
  /** Typed arrays in time order; ECharts reads their flat view (never reactive). */
  data: KpiSeriesData;
}

/** A live point that landed in a series (what the benchmark's repaint mark reports). */
export interface AppliedPoint {
  role: SeriesRole;
  version: string;
  at: string;
  value: number | null;
  samples: number;
  outcome: ApplyOutcome;
}

export interface KpiSeriesListener {
  /** The series were replaced (a new selection loaded): draw everything. */
  reset(): void;
  /** Live points landed in `roles` since the last frame: draw only those series. */
  update(roles: SeriesRole[], points: AppliedPoint[]): void;
}

/** Runs `callback` before the next repaint; returns the function that cancels it. */
export type FrameScheduler = (callback: () => void) => () => void;

export const nextAnimationFrame: FrameScheduler = (callback) => {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(() => callback());
    return () => cancelAnimationFrame(id);
  }
  const timer = setTimeout(callback, 16);
  return () => clearTimeout(timer);
};

/**
 * The chart's series, outside Vue's reactivity: live points land in the arrays at once and the
 * listeners hear of them once per animation frame, with the series that changed. Points that
 * arrive while a series loads are kept and merged into it when it arrives.
 */
export class KpiSeriesStore {
  private readonly series = new Map<SeriesRole, LiveSeries>();
  private readonly buffered = new Map<SeriesRole, KpiPointInput[]>();
  private readonly listeners = new Set<KpiSeriesListener>();
  private readonly dirty = new Set<SeriesRole>();
  private pending: AppliedPoint[] = [];
  private cancelFrame: (() => void) | null = null;
  private loading = false;

  constructor(private readonly schedule: FrameScheduler = nextAnimationFrame) {
    markRaw(this);
  }

  get(role: SeriesRole): LiveSeries | undefined {
    return this.series.get(role);
  }

  /** The series in drawing order (new version first). */
  list(): LiveSeries[] {
    return (['current', 'previous'] as const).flatMap((role) => this.series.get(role) ?? []);
  }

  get isLoading(): boolean {
    return this.loading;
  }

  /** Starts a new selection: its versions, no data yet; live points for them are kept until `complete`. */
  begin(versions: Partial<Record<SeriesRole, string>>): void {
    this.cancel();
    this.series.clear();
    this.buffered.clear();
    for (const role of ['current', 'previous'] as const) {
      const version = versions[role];
      if (version !== undefined) {
        this.series.set(role, { role, version, data: new KpiSeriesData() });
        this.buffered.set(role, []);
      }
    }
    this.loading = true;
    this.notify((l) => l.reset());
  }

  /**
   * Older steps arrived (a long range loads newest first): they go before what is shown; what is
   * shown (loaded and live) wins where both have a step. Live points waiting for the next frame
   * are still drawn (and marked) with it.
   */
  prependHistory(older: Partial<Record<SeriesRole, readonly KpiPointInput[]>>): void {
    for (const [role, series] of this.series) {
      const history = older[role];
      if (!history?.length) continue;
      const shown = series.data.toTuples().map(([time, value, samples]) => ({ at: new Date(time).toISOString(), value, samples }));
      series.data = mergeSeries(history, shown);
    }
    this.notify((l) => l.reset());
  }

  /** The loaded series arrived: each with the live points that came meanwhile. */
  complete(loaded: Partial<Record<SeriesRole, readonly KpiPointInput[]>>): void {
    for (const [role, series] of this.series) {
      series.data = mergeSeries(loaded[role] ?? [], this.buffered.get(role) ?? []);
    }
    this.buffered.clear();
    this.loading = false;
    this.cancel();
    this.notify((l) => l.reset());
  }

  /** A live point of `version`: into its series now, on screen at the next frame. Points of other versions are ignored. */
  push(role: SeriesRole, version: string, point: KpiPointInput): ApplyOutcome {
    const series = this.series.get(role);
    if (!series || series.version !== version) return 'ignored';
    if (this.loading) {
      this.buffered.get(role)?.push(point);
      return 'ignored';
    }
    const outcome = series.data.apply(point);
    if (outcome === 'ignored') return outcome;
    this.dirty.add(role);
    this.pending.push({ role, version, at: point.at, value: point.value, samples: point.samples, outcome });
    this.cancelFrame ??= this.schedule(() => this.flush());
    return outcome;
  }

  /** Hands the frame's changes to the listeners (the scheduler calls it; tests may too). */
  flush(): void {
    this.cancelFrame = null;
    if (!this.dirty.size) return;
    const roles = [...this.dirty];
    const points = this.pending;
    this.dirty.clear();
    this.pending = [];
    this.notify((l) => l.update(roles, points));
  }

  listen(listener: KpiSeriesListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.cancel();
    this.listeners.clear();
  }

  private cancel(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
    this.dirty.clear();
    this.pending = [];
  }

  private notify(call: (listener: KpiSeriesListener) => void): void {
    for (const listener of [...this.listeners]) call(listener);
  }
}
