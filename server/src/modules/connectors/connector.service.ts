import path from 'node:path';
import { keptHeaders, noRecords, type DomainRecords, type RetryPolicy, type SourceIO, type WebhookRequest } from '@releasegraph/connectors';
import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '../../domain-errors.js';
import { whileHolding } from '../../db/session-lock.js';
import { createSourceIO } from './source-io.js';
import type { RecordSink } from '../common/ingest-refs.js';
import { afterFailure, afterSuccess } from './circuit.js';
import type { Logger } from '../../logger.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import { Role } from '../auth/roles.js';
import type { ConfiguredConnector } from './connector-config.js';
import { ConnectorState, DeadLetter } from './connector-state.entity.js';
import type { DeliveryStatus } from './webhook-delivery.entity.js';
import { ConnectorStatus, type ConnectorHealth } from './connector.types.js';

interface Running extends ConfiguredConnector {
  actor: Actor;
  timer?: NodeJS.Timeout;
  polling?: Promise<PollResult>;
  /** When this instance last wrote a success (webhooks: at most one state write per few seconds). */
  lastSuccessWrite: number;
  /** Whether this instance's last poll worked (a poll after a failure checks the connector first). */
  healthy?: boolean;
  /** The last failure this instance wrote, to write a repeated one once per interval. */
  lastFailure?: { reason: string; at: number };
}

/** What the hook endpoint answers. */
export type WebhookResult = { status: 202; outcome: 'accepted' | 'duplicate' | 'ignored'; deliveryId: string } | { status: 400 | 401 | 404; error: string };

export interface PollResult {
  connectorId: string;
  /** False when the poll was skipped: the circuit is open or another instance is polling. */
  ran: boolean;
  pages: number;
  rejected: number;
  error: string | null;
}

export interface ConnectorRuntimeOptions {
  /** Where connectors keep files (git clones): `<data dir>/connectors/<id>`. */
  workRoot: string;
  now?: () => Date;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Polls running at once in one instance (each holds a pooled connection for its lock). */
const MAX_CONCURRENT_POLLS = 3;
/** Deliveries one processor transaction writes. */
const WEBHOOK_BATCH = 100;
/** Pages read per stream in one poll before yielding to the next poll (a backlog drains over several). */
const MAX_PAGES_PER_POLL = 50;
const SUCCESS_WRITE_INTERVAL_MS = 5_000;

/** SQLSTATE classes that mean "try again later", not "this payload is bad". */
const TRANSIENT_SQLSTATE = /^(08|40|53|57)/;
const isTransient = (error: unknown) => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && TRANSIENT_SQLSTATE.test(code);
};
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs the configured connectors. Webhook deliveries and polled pages land in the release graph
 * through the write path: a delivery's id, or a stream's cursor, is written in the same transaction
 * as its rows. Health lives in `connector_state` (shared by instances); a status change is a
 * `connector.status_changed` release event. A payload that cannot be converted or written goes to
 * `dead_letter` and never blocks those behind it.
 */
export class ConnectorService {
  private readonly connectors = new Map<string, Running>();
  private readonly stopping = new AbortController();
  private readonly now: () => Date;
  /**
   * A poll holds a connection for its lock while it waits on the source: at most a few at once, so
   * the pool keeps connections for the writes (and for everything else).
   */
  private readonly pollSlots = new Slots(MAX_CONCURRENT_POLLS);
  private processing: Promise<void> | null = null;
  private wakeAgain = false;
  private sweeper?: NodeJS.Timeout;

  constructor(
    configs: ConfiguredConnector[],
    private readonly db: DataSource,
    private readonly writes: WritePath,
    private readonly sink: RecordSink,
    private readonly log: Logger,
    private readonly options: ConnectorRuntimeOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    for (const c of configs) {
      this.connectors.set(c.config.id, {
        ...c,
        actor: { id: `connector:${c.config.id}`, name: c.config.id, role: Role.INTEGRATION },
        lastSuccessWrite: 0,
      });
    }
  }

  /**
   * Starts polling every connector that has streams (the first poll at once), and the webhook
   * processor (woken by each delivery; every second it also looks for deliveries another instance
   * acknowledged but did not get to, e.g. because it stopped).
   */
  start(): void {
    for (const c of this.connectors.values()) if (c.kind.streams?.length) this.schedule(c, 0);
    this.sweeper = setInterval(() => this.wakeProcessor(), 1000);
    this.sweeper.unref();
    this.wakeProcessor();
  }

  async stop(): Promise<void> {
    this.stopping.abort(new Error('the hub is stopping'));
    clearInterval(this.sweeper);
    for (const c of this.connectors.values()) clearTimeout(c.timer);
    await Promise.allSettled([...[...this.connectors.values()].map((c) => c.polling), this.processing]);
  }

  private schedule(c: Running, delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    c.timer = setTimeout(() => {
      void this.poll(c.config.id)
        .catch((err: unknown) => this.log.error({ err, connectorId: c.config.id }, 'connector poll could not run; it is tried again next interval'))
        .finally(() => this.schedule(c, c.pollIntervalMs));
    }, delayMs);
    c.timer.unref();
  }

  async health(): Promise<ConnectorHealth[]> {
    const rows = (await this.db.query(
      `SELECT s.connector_id, s.status, s.last_success_at, s.last_error, s.circuit_open_until,
              (SELECT max(newest_at) FROM connector_cursor c WHERE c.connector_id = s.connector_id) AS newest_at,
              (SELECT count(*)::int FROM dead_letter d WHERE d.connector_id = s.connector_id AND d.replayed_at IS NULL) AS dead_letters
         FROM connector_state s WHERE s.connector_id = ANY($1)`,
      [[...this.connectors.keys()]],
    )) as Array<{
      connector_id: string;
      status: ConnectorStatus;
      last_success_at: Date | null;
      last_error: string | null;
      circuit_open_until: Date | null;
      newest_at: Date | null;
      dead_letters: number;
    }>;
    const byId = new Map(rows.map((r) => [r.connector_id, r]));
    const now = this.now().getTime();
    return [...this.connectors.values()].map(({ config }) => {
      const r = byId.get(config.id);
      return {
        id: config.id,
        kind: config.kind,
        status: r?.status ?? ConnectorStatus.WAITING,
        lastSuccessAt: r?.last_success_at ?? null,
        lag: r?.newest_at ? Math.max(0, (now - r.newest_at.getTime()) / 1000) : null,
        lastError: r?.last_error ?? null,
        deadLetters: r?.dead_letters ?? 0,
        circuitOpenUntil: r?.circuit_open_until && r.circuit_open_until.getTime() > now ? r.circuit_open_until : null,
      };
    });
  }

  deadLetters(connectorId: string | null | undefined, includeReplayed: boolean): Promise<DeadLetter[]> {
    const qb = this.db.getRepository(DeadLetter).createQueryBuilder('d').orderBy('d.failed_at', 'DESC').limit(500);
    if (connectorId) qb.andWhere('d.connector_id = :connectorId', { connectorId });
    if (!includeReplayed) qb.andWhere('d.replayed_at IS NULL');
    return qb.getMany();
  }

  /**
   * Acknowledges a delivery: verifies and names it (pure, fast) and stores it in the inbox as
   * received — the body byte for byte, the headers its converter reads — keyed by its delivery id,
   * then answers. A repeated delivery (even many at once) finds its id and stores nothing. The
   * processor converts and writes it right after, in the transaction that marks it processed.
   */
  async receiveWebhook(connectorId: string, request: WebhookRequest): Promise<WebhookResult> {
    const c = this.connectors.get(connectorId);
    if (!c?.kind.webhook) return { status: 404, error: `no connector ${JSON.stringify(connectorId)} takes webhooks` };
    const receipt = c.kind.webhook.receive(c.config, request);
    if (receipt.kind === 'unauthorized' || receipt.kind === 'malformed') {
      await this.markFailure(c, receipt.reason, false);
      return { status: receipt.kind === 'unauthorized' ? 401 : 400, error: receipt.reason };
    }
    // An event no converter reads keeps only its id (so a resend is a duplicate), not its body.
    const pending = receipt.kind === 'accepted';
    const stored = (await this.db.query(
      `INSERT INTO webhook_delivery (connector_id, delivery_id, event, status, raw_body, headers, processed_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $4 = 'pending' THEN NULL ELSE now() END)
       ON CONFLICT DO NOTHING RETURNING delivery_id`,
      [
        connectorId,
        receipt.deliveryId,
        pending ? receipt.event : 'ignored',
        pending ? 'pending' : 'ignored',
        pending ? request.rawBody : null,
        pending ? JSON.stringify(keptHeaders(c.kind.webhook, request.headers)) : null,
      ],
    )) as unknown[];
    if (stored.length && pending) this.wakeProcessor();
    if (!pending) await this.markSuccess(c);
    return { status: 202, outcome: !stored.length ? 'duplicate' : pending ? 'accepted' : 'ignored', deliveryId: receipt.deliveryId };
  }

  /** Runs the processor (at most one per instance); a wake-up during a run runs it again after. */
  private wakeProcessor(): void {
    if (this.processing) {
      this.wakeAgain = true;
      return;
    }
    this.processing = this.processPending()
      .catch((err: unknown) => this.log.error({ err }, 'webhook processor failed; pending deliveries are retried'))
      .finally(() => {
        this.processing = null;
        if (this.wakeAgain && !this.stopping.signal.aborted) {
          this.wakeAgain = false;
          this.wakeProcessor();
        }
      });
  }

  /** Processes pending deliveries until none are left, or the rest are held by another instance's processor. */
  private async processPending(): Promise<void> {
    for (;;) {
      const [next] = (await this.db.query(`SELECT connector_id FROM webhook_delivery WHERE status = 'pending' ORDER BY received_at LIMIT 1`)) as Array<{
        connector_id: string;
      }>;
      if (!next || this.stopping.signal.aborted || !(await this.processBatch(next.connector_id))) return;
    }
  }

  /**
   * Converts and writes one connector's oldest pending deliveries, in the order they arrived, in one
   * transaction. A delivery that cannot be converted or whose records cannot be written goes to the
   * dead-letter table (its body stays in the inbox, for a replay to convert again); the others still land.
   */
  private async processBatch(connectorId: string): Promise<number> {
    const c = this.connectors.get(connectorId);
    const actor = c?.actor ?? { id: `connector:${connectorId}`, name: connectorId, role: Role.INTEGRATION };
    const failures: string[] = [];
    const processed = await this.writes.run(actor, async (tx) => {
      const batch = (await tx.manager.query(
        `SELECT delivery_id, event, raw_body, headers, records FROM webhook_delivery WHERE connector_id = $1 AND status = 'pending'
         ORDER BY received_at LIMIT ${WEBHOOK_BATCH} FOR UPDATE SKIP LOCKED`,
        [connectorId],
      )) as KeptDelivery[];
      for (const delivery of batch) {
        let status: DeliveryStatus = 'processed';
        try {
          if (!c) throw new Error(`connector ${connectorId} is no longer configured`);
          const records = convertDelivery(c, delivery);
          if (records) await tx.isolated(() => this.sink.write(tx, connectorId, records));
          else status = 'ignored';
        } catch (error) {
          if (isTransient(error)) throw error;
          const reason = `${delivery.event} ${delivery.delivery_id}: ${messageOf(this.writes.translate(error))}`;
          failures.push(reason);
          // The body stays in the inbox; a row from before the raw layer has only its records to give.
          const payload = delivery.raw_body ? { deliveryId: delivery.delivery_id } : { deliveryId: delivery.delivery_id, records: delivery.records };
          await this.deadLetter(tx, connectorId, `webhook:${delivery.event}`, payload, reason);
          status = 'dead_lettered';
        }
        await tx.manager.query(`UPDATE webhook_delivery SET status = $3, records = NULL, processed_at = now() WHERE connector_id = $1 AND delivery_id = $2`, [
          connectorId,
          delivery.delivery_id,
          status,
        ]);
      }
      return batch.length;
    });
    if (c && processed) {
      if (failures.length) await this.markFailure(c, failures[failures.length - 1]!, false);
      else await this.markSuccess(c);
    }
    return processed;
  }

  /** Resolves once every delivery acknowledged so far has been processed (tests, shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      await this.processing;
      const [left] = (await this.db.query(`SELECT 1 FROM webhook_delivery WHERE status = 'pending' LIMIT 1`)) as unknown[];
      if (!left) return;
      this.wakeProcessor();
      await this.processing;
    }
  }

  /**
   * Asks the connector whether it can reach its source with its credentials. A problem is recorded
   * as the connector's lastError (status FAILING) and returned; null when all is well.
   */
  async check(connectorId: string): Promise<string | null> {
    const c = this.connectors.get(connectorId);
    if (!c) throw new NotFoundError('configured connector', connectorId, 'id');
    if (!c.kind.check) return null;
    const problem = await c.kind.check(c.config, this.sourceIO(c, { ...c.retry, attempts: 1 }));
    if (problem) await this.markFailure(c, `check: ${problem}`, false);
    return problem;
  }

  /** Polls one connector's streams now (skipped while its circuit is open or another instance polls it). */
  poll(connectorId: string): Promise<PollResult> {
    const c = this.connectors.get(connectorId);
    if (!c?.kind.streams?.length) return Promise.reject(new NotFoundError('polled connector', connectorId, 'connectorId'));
    // One poll at a time per connector in this instance; a second caller shares the running one.
    c.polling ??= this.pollSlots.run(() => this.pollStreams(c)).finally(() => (c.polling = undefined));
    return c.polling;
  }

  private async pollStreams(c: Running): Promise<PollResult> {
    const id = c.config.id;
    const result: PollResult = { connectorId: id, ran: false, pages: 0, rejected: 0, error: null };
    const state = await this.db.getRepository(ConnectorState).findOneBy({ connectorId: id });
    if (state?.circuitOpenUntil && state.circuitOpenUntil > this.now()) return result;
    // One poller per connector across instances.
    await whileHolding(this.db, `releasegraph:connector:${id}`, async () => {
      result.ran = true;
      try {
        // Before the first poll, and after a failed one, ask the connector: a wrong password or URL
        // is then reported in words rather than as an HTTP status.
        if (!c.healthy && c.kind.check) {
          const problem = await c.kind.check(c.config, this.sourceIO(c, { ...c.retry, attempts: 1 }));
          if (problem) throw new Error(`check: ${problem}`);
        }
        const io = this.sourceIO(c);
        for (const stream of c.kind.streams ?? []) {
          for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
            const more = await this.readPage(c, stream.name, io, result);
            if (!more) break;
          }
        }
        c.healthy = true;
        await this.markSuccess(c, true);
      } catch (error) {
        c.healthy = false;
        result.error = messageOf(error);
        // A poll cut short because the hub stops is no failure of the source.
        if (!this.stopping.signal.aborted) {
          this.log.warn({ connectorId: id, error: result.error }, 'connector poll failed');
          await this.markFailure(c, result.error, true);
        }
      }
    });
    return result;
  }

  /** Reads one page and writes its records, rejected rows and the new cursor together. Returns whether the source has more. */
  private async readPage(c: Running, streamName: string, io: SourceIO, result: PollResult): Promise<boolean> {
    const id = c.config.id;
    const stream = c.kind.streams!.find((s) => s.name === streamName)!;
    const [saved] = (await this.db.query('SELECT cursor FROM connector_cursor WHERE connector_id = $1 AND stream = $2', [id, streamName])) as Array<{
      cursor: string | null;
    }>;
    const page = await stream.read(c.config, saved?.cursor ?? null, io);
    const rejected = [...(page.rejected ?? [])];
    const saveCursor = (tx: WriteTx) =>
      tx.manager.query(
        `INSERT INTO connector_cursor (connector_id, stream, cursor, newest_at, updated_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (connector_id, stream) DO UPDATE
           SET cursor = excluded.cursor, newest_at = GREATEST(connector_cursor.newest_at, excluded.newest_at), updated_at = now()`,
        [id, streamName, page.cursor, page.newestAt ?? null],
      );
    try {
      await this.writes.run(c.actor, async (tx) => {
        await this.sink.write(tx, id, page.records);
        for (const r of rejected) await this.deadLetter(tx, id, streamName, r.payload, r.error);
        await saveCursor(tx);
      });
    } catch (error) {
      if (isTransient(error)) throw error;
      // One record spoils the page: write the records one by one, dead-letter the ones that fail, then move on.
      this.log.warn({ connectorId: id, stream: streamName, error: messageOf(error) }, 'page failed; writing its records one by one');
      for (const single of splitRecords(page.records)) {
        try {
          await this.writes.run(c.actor, (tx) => this.sink.write(tx, id, single.records));
        } catch (recordError) {
          if (isTransient(recordError)) throw recordError;
          rejected.push({ error: messageOf(this.writes.translate(recordError)), payload: single.payload });
        }
      }
      await this.writes.run(c.actor, async (tx) => {
        for (const r of rejected) await this.deadLetter(tx, id, streamName, r.payload, r.error);
        await saveCursor(tx);
      });
    }
    result.pages++;
    result.rejected += rejected.length;
    return page.more;
  }

  /** Converts and writes a dead-lettered payload again; marks it replayed when that worked. */
  async replayDeadLetter(actor: Actor, deadLetterId: string): Promise<DeadLetter> {
    const letter = await this.db.getRepository(DeadLetter).findOneBy({ id: deadLetterId });
    if (!letter) throw new NotFoundError('dead letter', deadLetterId, 'id');
    if (letter.replayedAt) throw new ConflictError(`dead letter ${deadLetterId} was replayed at ${letter.replayedAt.toISOString()}`, 'id');
    const c = this.connectors.get(letter.connectorId);
    if (!c) throw new NotFoundError('configured connector', letter.connectorId);
    let records: DomainRecords;
    try {
      records = await this.reconvert(c, letter);
    } catch (error) {
      await this.db.query('UPDATE dead_letter SET replay_attempts = replay_attempts + 1, error = $2 WHERE id = $1', [letter.id, messageOf(error)]);
      return this.db.getRepository(DeadLetter).findOneByOrFail({ id: letter.id });
    }
    try {
      await this.writes.run(actor, async (tx) => {
        // Claimed first: two replays at once write the records once.
        const [claimed] = (await tx.manager.query(
          'UPDATE dead_letter SET replay_attempts = replay_attempts + 1, replayed_at = now() WHERE id = $1 AND replayed_at IS NULL RETURNING id',
          [letter.id],
        )) as [unknown[], number];
        if (!claimed.length) throw new ConflictError(`dead letter ${letter.id} was replayed meanwhile`, 'id');
        await this.sink.write(tx, c.config.id, records);
        const deliveryId = webhookDeliveryOf(letter);
        if (deliveryId) {
          await tx.manager.query(
            `UPDATE webhook_delivery SET status = 'processed', processed_at = now() WHERE connector_id = $1 AND delivery_id = $2 AND status = 'dead_lettered'`,
            [c.config.id, deliveryId],
          );
        }
        tx.record('connector.dead_letter_replayed', { subjectId: c.config.id, payload: { deadLetterId: letter.id } });
      });
    } catch (error) {
      if (isTransient(error) || error instanceof ConflictError) throw error;
      await this.db.query('UPDATE dead_letter SET replay_attempts = replay_attempts + 1, error = $2 WHERE id = $1', [
        letter.id,
        messageOf(this.writes.translate(error)),
      ]);
    }
    return this.db.getRepository(DeadLetter).findOneByOrFail({ id: letter.id });
  }

  /** Today's conversion of a dead letter's payload. */
  private async reconvert(c: Running, letter: DeadLetter): Promise<DomainRecords> {
    // Spoiled pages (and deliveries from before the raw layer) keep their converted records.
    if (letter.payload && typeof letter.payload === 'object' && 'records' in letter.payload) {
      return reviveRecords((letter.payload as { records: Partial<DomainRecords> }).records);
    }
    // A delivery is converted again from the body the inbox kept.
    const deliveryId = webhookDeliveryOf(letter);
    if (deliveryId) {
      const [delivery] = (await this.db.query(
        'SELECT delivery_id, event, raw_body, headers, records FROM webhook_delivery WHERE connector_id = $1 AND delivery_id = $2',
        [c.config.id, deliveryId],
      )) as KeptDelivery[];
      if (!delivery?.raw_body) throw new Error(`the inbox no longer holds delivery ${deliveryId}`);
      return convertDelivery(c, delivery) ?? noRecords();
    }
    // Rejected rows keep the source's row.
    if (!c.kind.replay) throw new Error(`connector kind ${c.config.kind} cannot convert a stored ${letter.source} payload again`);
    return c.kind.replay(c.config, letter.source, letter.payload);
  }

  private async deadLetter(tx: WriteTx, connectorId: string, source: string, payload: unknown, error: string): Promise<void> {
    const [row] = (await tx.manager.query('INSERT INTO dead_letter (connector_id, source, payload, error) VALUES ($1, $2, $3, $4) RETURNING id', [
      connectorId,
      source,
      JSON.stringify(payload ?? null),
      error,
    ])) as Array<{ id: string }>;
    tx.record('connector.dead_lettered', { subjectId: connectorId, payload: { deadLetterId: row!.id, source, error } });
  }

  private sourceIO(c: Running, policy: RetryPolicy = c.retry): SourceIO {
    return createSourceIO({
      policy,
      workDir: path.join(this.options.workRoot, c.config.id),
      signal: this.stopping.signal,
      now: this.now,
      sleep: this.options.sleep,
      onRetry: (info) => this.log.info({ connectorId: c.config.id, ...info }, 'retrying source request'),
    });
  }

  /** A success; `fromPoll` closes the poll circuit, a webhook's success leaves an open one as it is. */
  private async markSuccess(c: Running, fromPoll = false): Promise<void> {
    const now = this.now();
    if (!fromPoll && now.getTime() - c.lastSuccessWrite < SUCCESS_WRITE_INTERVAL_MS) return;
    c.lastSuccessWrite = now.getTime();
    c.lastFailure = undefined;
    await this.transition(c, (prev) => afterSuccess(prev, now, fromPoll));
  }

  /** Records a failure; polls that keep failing open the circuit for the policy's time. */
  private async markFailure(c: Running, reason: string, countsTowardCircuit: boolean): Promise<void> {
    const now = this.now();
    // A flood of the same refusal (a sender with the wrong secret) writes the state once per interval.
    if (!countsTowardCircuit && c.lastFailure?.reason === reason && now.getTime() - c.lastFailure.at < SUCCESS_WRITE_INTERVAL_MS) return;
    c.lastFailure = { reason, at: now.getTime() };
    c.lastSuccessWrite = 0;
    await this.transition(c, (prev) => afterFailure(prev, now, reason, countsTowardCircuit, c.retry));
  }

  /** Updates the shared state row under a row lock; a status change is a release event in the same transaction. */
  private async transition(c: Running, next: (prev: ConnectorState | null) => Omit<ConnectorState, 'connectorId'>): Promise<void> {
    const id = c.config.id;
    await this.writes.run(c.actor, async (tx) => {
      const repo = tx.manager.getRepository(ConnectorState);
      await tx.manager.query(`INSERT INTO connector_state (connector_id, status) VALUES ($1, 'WAITING') ON CONFLICT DO NOTHING`, [id]);
      const prev = await repo.findOne({ where: { connectorId: id }, lock: { mode: 'pessimistic_write' } });
      const state = next(prev);
      await repo.update({ connectorId: id }, state);
      if (prev?.status !== state.status) {
        tx.record('connector.status_changed', {
          subjectId: id,
          payload: { connector: id, kind: c.config.kind, from: prev?.status ?? null, to: state.status, error: state.status === 'OK' ? null : state.lastError },
        });
      }
    });
  }
}

/** A delivery as the inbox keeps it. */
interface KeptDelivery {
  delivery_id: string;
  event: string;
  raw_body: Buffer | null;
  headers: Record<string, string> | null;
  /** Only rows stored before the raw layer: their converted records. */
  records: Partial<DomainRecords> | null;
}

/**
 * A kept delivery's records, converted now by the connector's converter; null when the converter
 * records nothing for it. Throws when the converter cannot read it. A row from before the raw layer
 * gives the records converted when it arrived.
 */
function convertDelivery(c: ConfiguredConnector, delivery: KeptDelivery): DomainRecords | null {
  if (!delivery.raw_body) {
    if (!delivery.records) throw new Error('the delivery has neither a body nor records');
    return reviveRecords(delivery.records);
  }
  if (!c.kind.webhook) throw new Error(`connector kind ${c.config.kind} takes no webhooks`);
  const converted = c.kind.webhook.convert(c.config, { headers: delivery.headers ?? {}, rawBody: delivery.raw_body });
  if (converted.kind === 'malformed') throw new Error(`cannot convert: ${converted.reason}`);
  return converted.kind === 'ignored' ? null : converted.records;
}

/** The inbox delivery a dead letter came from, when it came from one. */
function webhookDeliveryOf(letter: DeadLetter): string | null {
  if (!letter.source.startsWith('webhook:') || !letter.payload || typeof letter.payload !== 'object') return null;
  const deliveryId = (letter.payload as { deliveryId?: unknown }).deliveryId;
  return typeof deliveryId === 'string' ? deliveryId : null;
}

/** The records of a page one at a time, each with a payload to dead-letter should it fail. */
function splitRecords(records: DomainRecords): Array<{ records: DomainRecords; payload: unknown }> {
  const out: Array<{ records: DomainRecords; payload: unknown }> = [];
  for (const [list, items] of Object.entries(records) as unknown as Array<[keyof DomainRecords, unknown[]]>) {
    if (list === 'kpiSamples') {
      if (items.length) out.push({ records: { ...noRecords(), kpiSamples: records.kpiSamples }, payload: { records: { kpiSamples: items } } });
      continue;
    }
    for (const item of items) out.push({ records: { ...noRecords(), [list]: [item] }, payload: { records: { [list]: [item] } } });
  }
  return out;
}

const DATE_FIELDS = new Set(['committedAt', 'windowStart', 'windowEnd', 'decidedAt', 'startedAt', 'finishedAt', 'openedAt', 'resolvedAt', 'at']);

/** Records read back from a dead letter's JSON: dates become Dates again. */
function reviveRecords(stored: Partial<DomainRecords>): DomainRecords {
  const out = noRecords() as unknown as Record<string, unknown[]>;
  for (const [list, items] of Object.entries(stored)) {
    out[list] = (items as unknown as Array<Record<string, unknown>>).map((item) =>
      Object.fromEntries(Object.entries(item).map(([k, v]) => [k, DATE_FIELDS.has(k) && typeof v === 'string' ? new Date(v) : v])),
    );
  }
  return out as unknown as DomainRecords;
}

/** At most `size` tasks at once; the others wait their turn. */
class Slots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
