import { backoffDelay, isRetryableStatus, requestedWait, type RetryPolicy } from '@releasegraph/connectors';
import type { DataSource } from 'typeorm';
import { EventConsumer } from '../../events/event-consumer.js';
import type { Logger } from '../../logger.js';
import { signWebhook, slackMessage, teamsMessage, webhookBody, type NotifiedEvent } from './message-formats.js';

/** A configured notification channel. */
export interface NotificationChannel {
  id: string;
  kind: 'slack' | 'teams' | 'webhook';
  url: string;
  /** Generic webhooks: the HMAC secret. */
  secret?: string | undefined;
  /** Event types sent (`rollback.*` matches by prefix). */
  events: string[];
  retry: RetryPolicy;
}

/** What goes out when a channel names no events: decisions people must act on, and connector health. */
export const DEFAULT_NOTIFIED_EVENTS = ['rollback.*', 'escalation.*', 'connector.status_changed'];

const BATCH = 200;
/** A claimed delivery is someone's for this long (a stopped instance's claim lapses). */
const LEASE_MS = 60_000;

const matches = (patterns: string[], type: string) => patterns.some((p) => (p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) : p === type));

/**
 * Sends release events to Slack, Microsoft Teams and signed generic webhooks. It reads the event log
 * after its cursor and queues one delivery per event and matching channel (in one transaction with
 * the cursor, so an event is queued once); deliveries are claimed with a lease, sent, and retried
 * with capped exponential backoff and jitter (and Retry-After) until the channel's attempts run out.
 */
export class NotificationService {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly consumer: EventConsumer;

  constructor(
    private readonly db: DataSource,
    private readonly channels: NotificationChannel[],
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.consumer = new EventConsumer(db, 'notifier', { batch: BATCH });
  }

  start(): void {
    if (!this.channels.length) return;
    this.timer = setInterval(() => this.wake(), 1000);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** After a commit: queue and send now rather than at the next tick. */
  wake(): void {
    if (!this.channels.length || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.tick()
      .catch((err: unknown) => this.log.error({ err }, 'notification round failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Queues what is new and sends what is due; resolves when this round is done (tests wait on it). */
  async tick(): Promise<void> {
    while ((await this.enqueue()) === BATCH);
    await this.sendDue();
  }

  private enqueue(): Promise<number> {
    // The first time, the consumer starts at the end of the log: a newly configured channel is not sent the past.
    return this.consumer.next(async (m, events) => {
      const eventIds: string[] = [];
      const channelIds: string[] = [];
      for (const e of events) {
        for (const c of this.channels) {
          if (!matches(c.events, e.type)) continue;
          eventIds.push(e.id);
          channelIds.push(c.id);
        }
      }
      if (eventIds.length) {
        await m.query('INSERT INTO notification_delivery (event_id, channel_id) SELECT * FROM unnest($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING', [
          eventIds,
          channelIds,
        ]);
      }
    });
  }

  private async sendDue(): Promise<void> {
    const now = this.now();
    // Claim: push the next attempt past the lease, so another instance does not send it too.
    // (TypeORM answers an UPDATE ... RETURNING with [rows, count].)
    const [due] = (await this.db.query(
      `UPDATE notification_delivery d SET next_attempt_at = $2, attempts = d.attempts + 1
        FROM (SELECT event_id, channel_id FROM notification_delivery WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY event_id LIMIT 50 FOR UPDATE SKIP LOCKED) due
       WHERE d.event_id = due.event_id AND d.channel_id = due.channel_id
       RETURNING d.event_id::text AS event_id, d.channel_id, d.attempts`,
      [now, new Date(now.getTime() + LEASE_MS)],
    )) as [Array<{ event_id: string; channel_id: string; attempts: number }>, number];
    if (!due.length) return;
    const events = await this.events(due.map((d) => d.event_id));
    await Promise.all(
      due.map(async (d) => {
        const channel = this.channels.find((c) => c.id === d.channel_id);
        const event = events.get(d.event_id);
        if (!channel || !event) return this.settle(d, 'failed', 'the channel or the event is gone');
        const problem = await this.deliver(channel, event);
        if (!problem) return this.settle(d, 'sent', null);
        if (!problem.retry || d.attempts >= channel.retry.attempts) return this.settle(d, 'failed', problem.reason);
        const wait = Math.min(channel.retry.capMs, problem.waitMs ?? backoffDelay(channel.retry, d.attempts - 1));
        await this.db.query(`UPDATE notification_delivery SET next_attempt_at = $3, last_error = $4 WHERE event_id = $1 AND channel_id = $2`, [
          d.event_id,
          d.channel_id,
          new Date(this.now().getTime() + wait),
          problem.reason,
        ]);
        this.log.warn({ channel: channel.id, event: event.type, attempt: d.attempts, waitMs: wait, reason: problem.reason }, 'notification will be retried');
      }),
    );
  }

  private async settle(d: { event_id: string; channel_id: string }, status: 'sent' | 'failed', error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE notification_delivery SET status = $3, last_error = $4, sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE NULL END WHERE event_id = $1 AND channel_id = $2`,
      [d.event_id, d.channel_id, status, error],
    );
    if (status === 'failed') this.log.error({ channel: d.channel_id, eventId: d.event_id, error }, 'notification given up');
  }

  private async events(ids: string[]): Promise<Map<string, NotifiedEvent>> {
    const rows = (await this.db.query(
      `SELECT id::text AS id, type, occurred_at, actor, release_id, subject_type, subject_id, payload FROM release_event WHERE id = ANY($1::bigint[])`,
      [ids],
    )) as Array<Record<string, unknown>>;
    return new Map(
      rows.map((r) => [
        r.id as string,
        {
          id: r.id as string,
          cursor: Buffer.from(`ev:${r.id as string}`).toString('base64url'),
          type: r.type as string,
          occurredAt: r.occurred_at as Date,
          actor: r.actor as string,
          releaseId: r.release_id as string | null,
          subjectType: r.subject_type as string,
          subjectId: r.subject_id as string,
          payload: r.payload,
        },
      ]),
    );
  }

  /** Sends one message; null when the channel took it, else why not and whether to retry. */
  private async deliver(channel: NotificationChannel, event: NotifiedEvent): Promise<{ reason: string; retry: boolean; waitMs?: number | null } | null> {
    const body = JSON.stringify(channel.kind === 'slack' ? slackMessage(event) : channel.kind === 'teams' ? teamsMessage(event) : webhookBody(event));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Releasegraph-NotificationService' };
    if (channel.kind === 'webhook') {
      headers['x-releasegraph-event'] = event.type;
      headers['x-releasegraph-delivery'] = `${event.id}-${channel.id}`;
      if (channel.secret) Object.assign(headers, signWebhook(channel.secret, body, Math.floor(this.now().getTime() / 1000)));
    }
    try {
      const res = await fetch(channel.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.ok) return null;
      const responseHeaders: Record<string, string> = {};
      res.headers.forEach((v, k) => (responseHeaders[k] = v));
      return { reason: `${channel.kind} answered ${res.status}`, retry: isRetryableStatus(res.status), waitMs: requestedWait(responseHeaders, this.now()) };
    } catch (error) {
      return { reason: `${channel.kind} unreachable: ${(error as Error).message}`, retry: true };
    }
  }
}
