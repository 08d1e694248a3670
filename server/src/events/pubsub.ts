import { EventEmitter } from 'node:events';

/** Transport for committed release events between the relay and subscribers (one or many hubs). */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /** Returns a function that stops the subscription. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Single-process pub/sub: the default when `REDIS_URL` is not set. */
export class MemoryPubSub implements PubSub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(channel: string, message: string): Promise<void> {
    this.emitter.emit(channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    this.emitter.on(channel, onMessage);
    return async () => {
      this.emitter.off(channel, onMessage);
    };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/**
 * Prefixes every channel, so hubs of different databases can share one Redis without hearing
 * each other's events.
 */
export class NamespacedPubSub implements PubSub {
  constructor(
    private readonly inner: PubSub,
    private readonly namespace: string,
  ) {}

  publish(channel: string, message: string): Promise<void> {
    return this.inner.publish(`${this.namespace}:${channel}`, message);
  }

  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    return this.inner.subscribe(`${this.namespace}:${channel}`, onMessage);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
