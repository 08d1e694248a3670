import type { KpiPoint, KpiSeriesService, KpiScope } from './kpi-series.service.js';

/** The least time between two looks of one subscription (a chart at 10 updates/s still gets each). */
const MIN_GAP_MS = 80;

/** Subscribes to "the rollups of this scope changed" (RollupSignal.watch); returns the function that stops. */
export type WatchRollups = (scope: KpiScope, onChange: () => void) => () => void;

/**
 * Live KPI points for one scope and metric: the current step at once, then every step that is new
 * or changed. It looks again as soon as a telemetry commit changed the scope's rollups (`watch`),
 * one look at a time (signals during a look coalesce into one more), and every `intervalMs`
 * regardless — for KPIs that come from Prometheus samples, and in case a signal was lost. Ends as
 * soon as the subscriber leaves.
 */
export function kpiUpdates(
  kpis: KpiSeriesService,
  metric: string,
  scope: KpiScope,
  stepSeconds: number,
  intervalMs: number,
  watch?: WatchRollups,
): AsyncIterableIterator<KpiPoint> {
  const sent = new Map<number, string>();
  const queue: KpiPoint[] = [];
  let waiting: { resolve: (r: IteratorResult<KpiPoint>) => void; reject: (error: unknown) => void } | null = null;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let failure: unknown = null;
  let looking = false;
  let lookAgain = false;

  const look = async () => {
    clearTimeout(timer);
    if (closed) return;
    if (looking) {
      lookAgain = true;
      return;
    }
    looking = true;
    const now = Date.now();
    const stepMs = stepSeconds * 1000;
    const from = new Date(Math.floor(now / stepMs) * stepMs - stepMs);
    try {
      for (const point of await kpis.series(metric, scope, from, new Date(now), stepSeconds)) {
        const seen = `${point.value}|${point.samples}`;
        if (sent.get(point.at.getTime()) === seen) continue;
        sent.set(point.at.getTime(), seen);
        if (waiting) {
          const { resolve } = waiting;
          waiting = null;
          resolve({ value: point, done: false });
        } else queue.push(point);
      }
      // Forget steps that can no longer change.
      for (const at of sent.keys()) if (at < from.getTime()) sent.delete(at);
    } catch (error) {
      // The database failed (or the hub is stopping): the subscriber gets the error, the hub goes on.
      failure = error;
      closed = true;
      stopWatching?.();
      waiting?.reject(error);
      waiting = null;
    } finally {
      looking = false;
    }
    if (closed) return;
    if (lookAgain) {
      lookAgain = false;
      // Under steady traffic signals never stop: a short gap keeps one chart from holding a query open all the time.
      timer = setTimeout(() => void look(), MIN_GAP_MS);
    } else timer = setTimeout(() => void look(), intervalMs);
  };
  const stopWatching = watch?.(scope, () => void look());
  void look();

  const finish = (): Promise<IteratorResult<KpiPoint>> => {
    closed = true;
    stopWatching?.();
    clearTimeout(timer);
    waiting?.resolve({ value: undefined, done: true });
    waiting = null;
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next: () => {
      const point = queue.shift();
      if (point) return Promise.resolve({ value: point, done: false });
      if (failure) return Promise.reject(failure as Error);
      if (closed) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
    return: finish,
    throw: (error: unknown) => finish().then(() => Promise.reject(error as Error)),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
