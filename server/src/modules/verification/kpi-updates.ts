import type { KpiPoint, KpiReader, KpiScope } from './kpi-reader.js';

/**
 * Live KPI points for one scope and metric: the current step at once, then every step that is new
 * or changed, looked up every `intervalMs` (KPIs change with every OTLP batch, so a change feed
 * per batch would flood; a look every few seconds is what a chart needs, and it works the same on
 * every hub instance). Ends as soon as the subscriber leaves.
 */
export function kpiUpdates(kpis: KpiReader, metric: string, scope: KpiScope, stepSeconds: number, intervalMs: number): AsyncIterableIterator<KpiPoint> {
  const sent = new Map<number, string>();
  const queue: KpiPoint[] = [];
  let waiting: { resolve: (r: IteratorResult<KpiPoint>) => void; reject: (error: unknown) => void } | null = null;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let failure: unknown = null;

  const look = async () => {
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
      if (!closed) timer = setTimeout(() => void look(), intervalMs);
    } catch (error) {
      // The database failed (or the hub is stopping): the subscriber gets the error, the hub goes on.
      failure = error;
      closed = true;
      waiting?.reject(error);
      waiting = null;
    }
  };
  void look();

  const finish = (): Promise<IteratorResult<KpiPoint>> => {
    closed = true;
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
