import type { PubSub } from '../../events/pubsub.js';

export const ROLLUPS_CHANNEL = 'telemetry-rollups';

/** The (service, version, environment) a rollup row belongs to. */
export interface RollupIdentity {
  service: string;
  version: string;
  environment: string;
}

const keyOf = (i: RollupIdentity): string => JSON.stringify([i.service, i.version, i.environment]);

/**
 * Says which rollups a telemetry commit changed, on the hub's pub/sub (so every instance hears it),
 * so live KPI charts look again at once instead of at their next interval. One pub/sub
 * subscription per hub fans out to the watchers of each identity.
 */
export class RollupSignal {
  private readonly watchers = new Map<string, Set<() => void>>();
  private subscription: Promise<() => Promise<void>> | null = null;

  constructor(private readonly pubsub: PubSub) {}

  /** After a commit. Best effort: a lost signal only delays a chart to its next interval. */
  announce(identities: ReadonlyArray<RollupIdentity>): void {
    if (!identities.length) return;
    this.pubsub.publish(ROLLUPS_CHANNEL, JSON.stringify(identities.map(keyOf))).catch(() => undefined);
  }

  /** Calls `onChange` whenever a commit changed the rollups of `identity`. Returns the function that stops. */
  watch(identity: RollupIdentity, onChange: () => void): () => void {
    if (!this.subscription) {
      const subscribing = this.pubsub.subscribe(ROLLUPS_CHANNEL, (message) => this.deliver(message));
      // A pub/sub that cannot subscribe leaves the watchers on their intervals; the next watch tries again.
      subscribing.catch(() => {
        if (this.subscription === subscribing) this.subscription = null;
      });
      this.subscription = subscribing;
    }
    const key = keyOf(identity);
    let set = this.watchers.get(key);
    if (!set) this.watchers.set(key, (set = new Set()));
    set.add(onChange);
    return () => {
      set.delete(onChange);
      if (!set.size) this.watchers.delete(key);
    };
  }

  private deliver(message: string): void {
    let keys: unknown;
    try {
      keys = JSON.parse(message);
    } catch {
      return;
    }
    if (!Array.isArray(keys)) return;
    for (const key of keys) if (typeof key === 'string') for (const onChange of this.watchers.get(key) ?? []) onChange();
  }

  async close(): Promise<void> {
    const stop = await this.subscription?.catch(() => null);
    this.subscription = null;
    this.watchers.clear();
    await stop?.();
  }
}
