import { onBeforeUnmount, onMounted, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { ReleaseEventSummary } from './documents';
import type { ReleaseEventFeed } from './release-event-feed';

/** Where a view's data comes from, and how it hears that the data may have changed. */
export interface LiveSource<T> {
  load(): Promise<T>;
  /** Calls `onChange` whenever the data may have changed. Returns the unsubscribe function. */
  watchChanges(onChange: () => void): () => void;
}

export interface LiveData<T> {
  /** The last answer; kept when a refresh fails, so a wall screen never goes blank. */
  data: ShallowRef<T | null>;
  /** Why the last load failed (null after a successful one). */
  error: Ref<string | null>;
  loading: Ref<boolean>;
  updatedAt: Ref<Date | null>;
  /** Loads now (the "Try again" button). */
  reload(): Promise<void>;
}

/**
 * Loads a view's data when it mounts and again after each burst of changes: events come in bursts
 * (a deployment and its verdicts), so it waits `refreshDelayMs` after the last one and loads once.
 * A change during a load triggers one more load, so the last change is never lost.
 */
export function useLiveData<T>(
  source: LiveSource<T>,
  {
    refreshDelayMs = 300,
    /** Also loads this often (ms) for data that moves without events (e.g. suspects' evidence as spans arrive). */
    pollMs = 0,
  } = {},
): LiveData<T> {
  const data = shallowRef<T | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  const updatedAt = ref<Date | null>(null);
  let pendingReload = false;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let stopWatching: (() => void) | undefined;
  let poll: ReturnType<typeof setInterval> | undefined;
  let unmounted = false;

  async function reload(): Promise<void> {
    if (loading.value) {
      pendingReload = true;
      return;
    }
    loading.value = true;
    try {
      const next = await source.load();
      if (unmounted) return;
      // Something changed while this load ran (a new selection, an event): its answer may be stale
      // already, and showing it could undo the change; the next load's answer is shown instead.
      if (!pendingReload) {
        data.value = next;
        error.value = null;
        updatedAt.value = new Date();
      }
    } catch (failure) {
      if (unmounted) return;
      if (!pendingReload) error.value = failure instanceof Error ? failure.message : String(failure);
    } finally {
      loading.value = false;
    }
    if (pendingReload && !unmounted) {
      pendingReload = false;
      await reload();
    }
  }

  onMounted(() => {
    stopWatching = source.watchChanges(() => {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => void reload(), refreshDelayMs);
    });
    void reload();
    if (pollMs > 0) poll = setInterval(() => void reload(), pollMs);
  });
  onBeforeUnmount(() => {
    unmounted = true;
    stopWatching?.();
    clearTimeout(refreshTimer);
    clearInterval(poll);
  });

  return { data, error, loading, updatedAt, reload };
}

/** A ticking clock for countdowns (one update a second). */
export function useNow(intervalMs = 1000): Ref<number> {
  const now = ref(Date.now());
  let clock: ReturnType<typeof setInterval> | undefined;
  onMounted(() => (clock = setInterval(() => (now.value = Date.now()), intervalMs)));
  onBeforeUnmount(() => clearInterval(clock));
  return now;
}

/**
 * `watchChanges` over the hub's release events: every event that `accepts` (all by default), and
 * every resync (a reconnect without a cursor to resume from may have missed changes).
 */
export function watchReleaseEvents(
  events: Pick<ReleaseEventFeed, 'onEvent' | 'onResync'>,
  accepts: (event: ReleaseEventSummary) => boolean = () => true,
): LiveSource<unknown>['watchChanges'] {
  return (onChange) => {
    const offEvent = events.onEvent((event) => {
      if (accepts(event)) onChange();
    });
    const offResync = events.onResync(onChange);
    return () => {
      offEvent();
      offResync();
    };
  };
}
