import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import type { EventStore } from './event-store.js';
import type { PubSub } from './pubsub.js';
import type { EventRecord } from './release-event.types.js';

export const EVENTS_CHANNEL = 'events';
export const WAKE_CHANNEL = 'relay-wake';

/** What the relay publishes: an event, and the id of the event it published just before. */
export interface RelayMessage {
  prevId: string;
  event: EventRecord;
}

const RELAY_LEADER_LOCK = 0x5247_5231; // "RGR1"
const BATCH = 500;
const LEAD_RETRY_MS = 2000;

/**
 * Publishes committed `release_event` rows to the pub/sub, in id order, each exactly once per
 * relay run. With several hubs, one holds the leader lock and publishes; the others only wake it.
 */
export class EventRelay {
  private lastId = '0';
  private lastLeadAttempt = 0;
  private leader = false;
  private pumping: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private unsubscribeWake: (() => Promise<void>) | null = null;
  private leaderConnection: { query(sql: string, params?: unknown[]): Promise<unknown>; release(): Promise<void> | void } | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly store: EventStore,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
    private readonly options: { pollMs: number; multiInstance: boolean },
  ) {}

  async start(): Promise<void> {
    this.lastId = await this.store.headId();
    if (this.options.multiInstance) {
      this.unsubscribeWake = await this.pubsub.subscribe(WAKE_CHANNEL, () => this.wake());
      await this.tryLead();
    } else {
      this.leader = true;
    }
    this.timer = setInterval(() => {
      // Followers ask for leadership every few seconds, not on every poll.
      if (!this.leader && Date.now() - this.lastLeadAttempt >= LEAD_RETRY_MS) void this.tryLead();
      this.wake();
    }, this.options.pollMs);
    this.timer.unref();
  }

  /** Called after a local commit: publish now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (!this.leader) {
      if (this.options.multiInstance) this.pubsub.publish(WAKE_CHANNEL, '1').catch((err: unknown) => this.log.warn({ err }, 'relay wake failed'));
      return;
    }
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((err: unknown) => this.log.error({ err }, 'relay pump failed'))
      .finally(() => {
        this.pumping = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Resolves once everything committed before the call has been published. */
  async flush(): Promise<void> {
    this.wake();
    while (this.pumping) await this.pumping;
  }

  private async pump(): Promise<void> {
    for (;;) {
      const batch = await this.store.readAfter(this.lastId, BATCH);
      for (const event of batch) {
        const message: RelayMessage = { prevId: this.lastId, event };
        await this.pubsub.publish(EVENTS_CHANNEL, JSON.stringify(message));
        this.lastId = event.id;
      }
      if (batch.length < BATCH) return;
    }
  }

  private async tryLead(): Promise<void> {
    if (this.leader || this.stopped) return;
    this.lastLeadAttempt = Date.now();
    const runner = this.db.createQueryRunner();
    try {
      await runner.connect();
      const rows = (await runner.query('SELECT pg_try_advisory_lock($1) AS ok', [RELAY_LEADER_LOCK])) as Array<{ ok: boolean }>;
      if (rows[0]?.ok) {
        // Held for as long as this connection lives: the lock is the leadership.
        this.leaderConnection = runner;
        this.lastId = await this.store.headId();
        this.leader = true;
        this.log.info('event relay: leading');
        return;
      }
    } catch (err) {
      this.log.warn({ err }, 'relay leader election failed');
    }
    await runner.release();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.pumping) await this.pumping;
    await this.unsubscribeWake?.();
    if (this.leaderConnection) await this.leaderConnection.release();
  }
}
