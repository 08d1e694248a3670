import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { useLiveData, type LiveSource } from './live-data';

/** A source whose loads the test answers one by one, and whose changes the test emits. */
function controlledSource() {
  const answers: Array<(value: string) => void> = [];
  let onChange: () => void = () => undefined;
  const source: LiveSource<string> = {
    load: () => new Promise<string>((resolve) => answers.push(resolve)),
    watchChanges: (listener) => ((onChange = listener), () => undefined),
  };
  return { source, answer: (i: number, value: string) => answers[i]!(value), loads: () => answers.length, change: () => onChange() };
}

function mountWith(source: LiveSource<string>) {
  let live!: ReturnType<typeof useLiveData<string>>;
  const wrapper = mount(
    defineComponent({
      setup() {
        live = useLiveData(source, { refreshDelayMs: 10 });
        return () => h('p', live.data.value ?? 'loading');
      },
    }),
  );
  return { wrapper, live: () => live };
}

describe('useLiveData', () => {
  it('never shows an answer that a change made while it loaded has made stale: the next load answers', async () => {
    vi.useFakeTimers();
    try {
      const hub = controlledSource();
      const { wrapper } = mountWith(hub.source);
      expect(hub.loads()).toBe(1);
      // A change (a new selection, an event) while the first load runs.
      hub.change();
      await vi.advanceTimersByTimeAsync(10);
      hub.answer(0, 'before the change');
      await flushPromises();
      expect(wrapper.text()).toBe('loading');
      expect(hub.loads()).toBe(2);
      hub.answer(1, 'after the change');
      await flushPromises();
      expect(wrapper.text()).toBe('after the change');
    } finally {
      vi.useRealTimers();
    }
  });

  it('loads again every pollMs when asked, for data that moves without events, and stops when unmounted', async () => {
    vi.useFakeTimers();
    try {
      let loads = 0;
      const wrapper = mount(
        defineComponent({
          setup() {
            useLiveData({ load: async () => String(++loads), watchChanges: () => () => undefined }, { pollMs: 15_000 });
            return () => h('p');
          },
        }),
      );
      await flushPromises();
      expect(loads).toBe(1);
      await vi.advanceTimersByTimeAsync(30_000);
      expect(loads).toBe(3);
      wrapper.unmount();
      await vi.advanceTimersByTimeAsync(30_000);
      expect(loads).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
