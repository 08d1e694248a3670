import type { Sink } from 'graphql-ws';
import { describe, expect, it, vi } from 'vitest';
import type { ReleaseEventSummary } from './documents';
import { createReleaseEventFeed, type EventSocket } from './release-event-feed';

interface Subscription {
  variables: Record<string, unknown> | null | undefined;
  sink: Sink;
  stopped: boolean;
}

/** A graphql-ws client the test drives: it connects, drops and delivers events on command. */
function fakeSocket() {
  const handlers: Record<string, Set<() => void>> = { connected: new Set(), closed: new Set() };
  const subscriptions: Subscription[] = [];
  const socket = {
    on: (event: string, handler: () => void) => {
      handlers[event]?.add(handler);
      return () => handlers[event]?.delete(handler);
    },
    subscribe: (payload: { variables?: Record<string, unknown> | null }, sink: Sink) => {
      const subscription: Subscription = { variables: payload.variables, sink, stopped: false };
      subscriptions.push(subscription);
      return () => (subscription.stopped = true);
    },
  } as unknown as EventSocket;
  const active = () => subscriptions.filter((s) => !s.stopped);
  return {
    socket,
    subscriptions,
    active,
    connect: () => handlers['connected']!.forEach((h) => h()),
    drop: () => handlers['closed']!.forEach((h) => h()),
    deliver: (cursor: string, type = 'deployment.status_changed') => {
      const event: ReleaseEventSummary = { cursor, type, releaseId: 'rel-1', subjectId: 'dep-1', occurredAt: '2026-11-26T09:00:00Z' };
      active().forEach((s) => s.sink.next({ data: { releaseEvents: event } }));
    },
  };
}

describe('createReleaseEventFeed', () => {
  it('subscribes live on first connect and asks views to load afresh', () => {
    const fake = fakeSocket();
    const feed = createReleaseEventFeed(fake.socket);
    const resync = vi.fn();
    feed.onResync(resync);
    expect(feed.state.value).toBe('connecting');

    fake.connect();

    expect(feed.state.value).toBe('online');
    expect(fake.active()).toHaveLength(1);
    expect(fake.active()[0]!.variables).toEqual({ after: null });
    expect(resync).toHaveBeenCalledTimes(1);
  });

  it('passes events on in order and remembers the last cursor', () => {
    const fake = fakeSocket();
    const feed = createReleaseEventFeed(fake.socket);
    const seen: string[] = [];
    feed.onEvent((e) => seen.push(e.cursor));
    fake.connect();

    fake.deliver('c1');
    fake.deliver('c2');

    expect(seen).toEqual(['c1', 'c2']);
    expect(feed.lastCursor()).toBe('c2');
  });

  it('goes offline when the socket drops and resumes after the last cursor on reconnect', () => {
    const fake = fakeSocket();
    const feed = createReleaseEventFeed(fake.socket);
    const seen: string[] = [];
    const resync = vi.fn();
    feed.onEvent((e) => seen.push(e.cursor));
    feed.onResync(resync);
    fake.connect();
    fake.deliver('c1');
    fake.deliver('c2');

    fake.drop();
    expect(feed.state.value).toBe('offline');
    expect(fake.active()).toHaveLength(0);

    fake.connect();
    expect(feed.state.value).toBe('online');
    expect(fake.active()).toHaveLength(1);
    expect(fake.active()[0]!.variables).toEqual({ after: 'c2' });
    // The hub replays what was missed: no need to load afresh beyond the first connect.
    expect(resync).toHaveBeenCalledTimes(1);

    fake.deliver('c3');
    expect(seen).toEqual(['c1', 'c2', 'c3']);
  });

  it('ignores late events of a subscription it replaced', () => {
    const fake = fakeSocket();
    const feed = createReleaseEventFeed(fake.socket);
    const seen: string[] = [];
    feed.onEvent((e) => seen.push(e.cursor));
    fake.connect();
    const first = fake.subscriptions[0]!;
    fake.drop();
    fake.connect();

    first.sink.next({ data: { releaseEvents: { cursor: 'stale', type: 'x', releaseId: null, occurredAt: '2026-11-26T09:00:00Z' } } });
    expect(seen).toEqual([]);
  });

  it('stops and lets go of its listeners on dispose', () => {
    const fake = fakeSocket();
    const feed = createReleaseEventFeed(fake.socket);
    const seen: string[] = [];
    feed.onEvent((e) => seen.push(e.cursor));
    fake.connect();

    feed.dispose();
    fake.deliver('c1');
    fake.connect();

    expect(seen).toEqual([]);
    expect(fake.active()).toHaveLength(0);
  });
});
