import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { PubSub } from './pubsub.js';

/**
 * Redis pub/sub for several hub instances: one connection publishes, one subscribes, and local
 * listeners share the subscription per channel.
 */
export class RedisPubSub implements PubSub {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  /** Channel → its SUBSCRIBE, so a second local subscriber waits for the first to be confirmed. */
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(url: string, log: Logger) {
    const options = { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true };
    this.publisher = new Redis(url, { ...options, connectionName: 'releasegraph-pub' });
    this.subscriber = new Redis(url, { ...options, connectionName: 'releasegraph-sub' });
    for (const c of [this.publisher, this.subscriber]) c.on('error', (err: Error) => log.warn({ err }, 'redis'));
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
  }

  async connect(): Promise<void> {
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.publisher.publish(channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.subscribed.set(channel, this.subscriber.subscribe(channel));
    }
    set.add(onMessage);
    await this.subscribed.get(channel);
    return async () => {
      const current = this.listeners.get(channel);
      if (!current) return;
      current.delete(onMessage);
      if (current.size === 0) {
        this.listeners.delete(channel);
        this.subscribed.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }
}
