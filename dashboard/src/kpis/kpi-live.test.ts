import { describe, expect, it, vi } from 'vitest';
import { isReactive } from 'vue';
import { KpiSeriesStore, type KpiSeriesListener } from './kpi-live';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 9, minute)).toISOString();

function setup() {
  const frames: Array<() => void> = [];
  const store = new KpiSeriesStore((callback) => {
    frames.push(callback);
    return () => frames.splice(frames.indexOf(callback), 1);
  });
  const listener: KpiSeriesListener = { reset: vi.fn(), update: vi.fn() };
  store.listen(listener);
  return { store, listener, frames, runFrame: () => frames.splice(0).forEach((f) => f()) };
}

describe('KpiSeriesStore', () => {
  it('keeps live points that arrive while the series load and merges them in', () => {
    const { store, listener } = setup();
    store.begin({ current: '1.1', previous: '1.0' });
    expect(store.push('current', '1.1', { at: at(2), value: 0.5, samples: 2 })).toBe('ignored');
    store.complete({
      current: [
        { at: at(1), value: 0.1, samples: 1 },
        { at: at(2), value: 0.2, samples: 1 },
      ],
    });
    expect(
      store
        .get('current')
        ?.data.toTuples()
        .map((d) => d[1]),
    ).toEqual([0.1, 0.5]);
    expect(store.get('previous')?.data.length).toBe(0);
    expect(listener.reset).toHaveBeenCalledTimes(2);
  });

  it('applies points at once but tells the listeners once per frame, with the changed series only', () => {
    const { store, listener, frames, runFrame } = setup();
    store.begin({ current: '1.1', previous: '1.0' });
    store.complete({ current: [{ at: at(1), value: 0.1, samples: 1 }], previous: [] });

    expect(store.push('current', '1.1', { at: at(1), value: 0.15, samples: 2 })).toBe('replace');
    expect(store.push('current', '1.1', { at: at(2), value: 0.2, samples: 1 })).toBe('append');
    expect(store.get('current')?.data.length).toBe(2);
    expect(frames).toHaveLength(1);
    expect(listener.update).not.toHaveBeenCalled();

    runFrame();
    expect(listener.update).toHaveBeenCalledTimes(1);
    expect(listener.update).toHaveBeenCalledWith(
      ['current'],
      [
        { role: 'current', version: '1.1', at: at(1), value: 0.15, samples: 2, outcome: 'replace' },
        { role: 'current', version: '1.1', at: at(2), value: 0.2, samples: 1, outcome: 'append' },
      ],
    );
  });

  it('ignores points of a version it no longer shows, and drops a pending frame on a new selection', () => {
    const { store, listener, frames } = setup();
    store.begin({ current: '1.1' });
    store.complete({ current: [] });
    expect(store.push('current', '1.0', { at: at(1), value: 1, samples: 1 })).toBe('ignored');
    expect(store.push('previous', '1.0', { at: at(1), value: 1, samples: 1 })).toBe('ignored');
    store.push('current', '1.1', { at: at(1), value: 1, samples: 1 });
    store.begin({ current: '1.2' });
    expect(frames).toHaveLength(0);
    expect(listener.update).not.toHaveBeenCalled();
  });

  it('stays out of Vue reactivity', () => {
    const { store } = setup();
    store.begin({ current: '1.1' });
    store.complete({ current: [{ at: at(1), value: 1, samples: 1 }] });
    expect(isReactive(store)).toBe(false);
    expect(isReactive(store.get('current')?.data)).toBe(false);
  });

  it('puts older steps before what is shown, keeping the loaded and live values where both have a step', () => {
    const frames: Array<() => void> = [];
    const store = new KpiSeriesStore((callback) => (frames.push(callback), () => undefined));
    store.begin({ current: '1.1' });
    store.complete({ current: [{ at: at(2), value: 0.2, samples: 10 }] });
    store.push('current', '1.1', { at: at(2), value: 0.25, samples: 12 });
    const listener = { reset: vi.fn(), update: vi.fn() };
    store.listen(listener);
    store.prependHistory({
      current: [
        { at: at(0), value: 0.05, samples: 5 },
        { at: at(1), value: 0.1, samples: 8 },
        { at: at(2), value: 0.9, samples: 1 },
      ],
    });
    expect(store.get('current')!.data.toTuples()).toEqual([
      [Date.parse(at(0)), 0.05, 5],
      [Date.parse(at(1)), 0.1, 8],
      [Date.parse(at(2)), 0.25, 12],
    ]);
    expect(listener.reset).toHaveBeenCalledTimes(1);
    // The live point still reaches the chart with its frame.
    frames.forEach((f) => f());
    expect(listener.update).toHaveBeenCalledWith(['current'], [expect.objectContaining({ at: at(2), value: 0.25 })]);
  });
});
