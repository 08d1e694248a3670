import type { EventStore } from './event-store.js';
import type { PubSub } from './pubsub.js';
import { EVENTS_CHANNEL, type RelayMessage } from './relay.js';
import { matchesFilter, type EventRecord, type ReleaseEventFilter } from './release-event.types.js';

const REPLAY_PAGE = 500;
/** Live messages buffered for a slow subscriber before it falls back to reading the log. */
const MAX_BUFFERED = 5000;

type Pending = { kind: 'message'; message: RelayMessage } | { kind: 'resync' };

/**
 * The events after `afterId` (or, without it, from now on), exactly once and in log order:
 * first replayed from the table, then live from the relay. Any gap in the live stream (a relay
 * handover, a dropped pub/sub message, a slow consumer) is filled from the table.
 */
export async function* streamReleaseEvents(
  store: EventStore,
  pubsub: PubSub,
  options: { afterId?: string | null; filter?: ReleaseEventFilter | null; signal?: AbortSignal },
): AsyncGenerator<EventRecord> {
  const queue: Pending[] = [];
  let wakeUp: (() => void) | null = null;
  const notify = () => {
    const w = wakeUp;
    wakeUp = null;
    w?.();
  };
  // Listen before reading the table, so nothing committed in between is lost.
  const unsubscribe = await pubsub.subscribe(EVENTS_CHANNEL, (raw) => {
    if (queue.length >= MAX_BUFFERED) {
      queue.length = 0;
      queue.push({ kind: 'resync' });
    } else {
      queue.push({ kind: 'message', message: JSON.parse(raw) as RelayMessage });
    }
    notify();
  });
  const onAbort = () => notify();
  options.signal?.addEventListener('abort', onAbort);
  const filter = options.filter;
  // `last` is a position in the whole log (filtered-out events move it too).
  let last = options.afterId ?? (await store.headId());

  async function* readLog(upToId?: string): AsyncGenerator<EventRecord> {
    for (;;) {
      const page = await store.readAfter(last, REPLAY_PAGE, filter, upToId);
      for (const event of page) {
        last = event.id;
        yield event;
      }
      if (page.length < REPLAY_PAGE) return;
    }
  }

  try {
    yield* readLog();
    while (!options.signal?.aborted) {
      const next = queue.shift();
      if (!next) {
        await new Promise<void>((resolve) => (wakeUp = resolve));
        continue;
      }
      if (next.kind === 'resync') {
        yield* readLog();
        continue;
      }
      const { prevId, event } = next.message;
      if (BigInt(event.id) <= BigInt(last)) continue; // already delivered by the replay
      if (BigInt(prevId) > BigInt(last)) yield* readLog(prevId); // missed some: read them from the log
      if (matchesFilter(event, filter)) yield event;
      last = event.id;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await unsubscribe();
  }
}

/**
 * {@link streamReleaseEvents} as an iterator whose `return()` ends it at once, even while it
 * waits for the next live event (a plain generator would only see `return()` at its next yield).
 */
export function releaseEventIterator(
  store: EventStore,
  pubsub: PubSub,
  options: { afterId?: string | null; filter?: ReleaseEventFilter | null },
): AsyncIterableIterator<EventRecord> {
  const controller = new AbortController();
  const generator = streamReleaseEvents(store, pubsub, { ...options, signal: controller.signal });
  return {
    next: () => generator.next(),
    return: (value?: unknown) => {
      controller.abort();
      return generator.return(value as undefined);
    },
    throw: (error?: unknown) => {
      controller.abort();
      return generator.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
