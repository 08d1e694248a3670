import type { Client, ExecutionResult } from 'graphql-ws';
import { readonly, ref, type Ref } from 'vue';
import { RELEASE_EVENTS_SUBSCRIPTION, type ReleaseEventSummary } from './documents';

/** Where the live connection stands: the banner shows `offline`. */
export type ConnectionState = 'connecting' | 'online' | 'offline';

/** The part of a graphql-ws client the feed uses (a fake in tests). */
export type EventSocket = Pick<Client, 'on' | 'subscribe'>;

/**
 * The hub's release events for every view, resumable: it remembers the last cursor and, after a
 * dropped connection, subscribes again with `after: lastCursor`, so the hub replays what was missed.
 */
export interface ReleaseEventFeed {
  readonly state: Readonly<Ref<ConnectionState>>;
  /** The cursor of the last event received (undefined before the first). */
  lastCursor(): string | undefined;
  /** Calls `listener` for each event, in order. Returns the unsubscribe function. */
  onEvent(listener: (event: ReleaseEventSummary) => void): () => void;
  /**
   * Calls `listener` when the feed (re)connected without a cursor to resume from, so changes may
   * have been missed and views should load afresh. Returns the unsubscribe function.
   */
  onResync(listener: () => void): () => void;
  dispose(): void;
}

/** Runs the feed over `socket` (a graphql-ws client created with `lazy: false`, so it connects and reconnects on its own). */
export function createReleaseEventFeed(socket: EventSocket): ReleaseEventFeed {
  const state = ref<ConnectionState>('connecting');
  const eventListeners = new Set<(event: ReleaseEventSummary) => void>();
  const resyncListeners = new Set<() => void>();
  let lastCursor: string | undefined;
  let stopSubscription: (() => void) | undefined;
  // Each subscription gets a generation; callbacks of a replaced one are ignored.
  let generation = 0;
  let disposed = false;

  const subscribeFromLastCursor = (): void => {
    stopSubscription?.();
    const mine = ++generation;
    const resumeFrom = lastCursor;
    stopSubscription = socket.subscribe<{ releaseEvents: ReleaseEventSummary }>(
      { query: RELEASE_EVENTS_SUBSCRIPTION, variables: { after: resumeFrom ?? null } },
      {
        next: (result: ExecutionResult<{ releaseEvents: ReleaseEventSummary }>) => {
          const event = result.data?.releaseEvents;
          if (mine !== generation || !event) return;
          lastCursor = event.cursor;
          for (const listener of eventListeners) listener(event);
        },
        error: () => {
          // A GraphQL error ends the subscription (e.g. a cursor the hub no longer knows):
          // go on live from now, and have the views load afresh.
          if (mine !== generation || disposed || state.value !== 'online') return;
          lastCursor = undefined;
          subscribeFromLastCursor();
          for (const listener of resyncListeners) listener();
        },
        complete: () => undefined,
      },
    );
    if (resumeFrom === undefined) for (const listener of resyncListeners) listener();
  };

  const offConnected = socket.on('connected', () => {
    if (disposed) return;
    state.value = 'online';
    subscribeFromLastCursor();
  });
  const offClosed = socket.on('closed', () => {
    if (disposed) return;
    generation++;
    stopSubscription?.();
    stopSubscription = undefined;
    state.value = 'offline';
  });

  return {
    state: readonly(state),
    lastCursor: () => lastCursor,
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onResync(listener) {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    dispose() {
      disposed = true;
      generation++;
      stopSubscription?.();
      offConnected();
      offClosed();
      eventListeners.clear();
      resyncListeners.clear();
    },
  };
}
