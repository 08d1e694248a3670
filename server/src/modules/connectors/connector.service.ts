import path from 'node:path';
import type { DomainRecords, SourceIO, WebhookRequest } from '@releasegraph/connectors';
import type { DataSource } from 'typeorm';
import { NotFoundError } from '../../graphql/errors.js';
import { createSourceIO } from '../../ingest/source-io.js';
import { RecordWriter } from '../../ingest/record-writer.js';
import type { Logger } from '../../logger.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import { Role } from '../auth/roles.js';
import type { ConfiguredConnector } from './connector-config.js';
import { ConnectorState, DeadLetter } from './connector-state.entity.js';
import { ConnectorStatus, type ConnectorHealth } from './connector.types.js';

interface Running extends ConfiguredConnector {
  actor: Actor;
  timer?: NodeJS.Timeout;
  polling?: Promise<PollResult>;
  /** When this instance last wrote a success (webhooks: at most one state write per few seconds). */
  lastSuccessWrite: number;
}

/** What the hook endpoint answers. */
export type WebhookResult =
  { status: 202; outcome: 'recorded' | 'duplicate' | 'ignored' | 'dead-lettered'; deliveryId: string } | { status: 400 | 401 | 404; error: string };

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

  constructor(
    configs: ConfiguredConnector[],
    private readonly db: DataSource,
    private readonly writes: WritePath,
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

  /** Starts polling every connector that has streams (the first poll at once). */
  start(): void {
    for (const c of this.connectors.values()) if (c.kind.streams?.length) this.schedule(c, 0);
  }

  async stop(): Promise<void> {
    this.stopping.abort(new Error('the hub is stopping'));
    for (const c of this.connectors.values()) clearTimeout(c.timer);
    await Promise.allSettled([...this.connectors.values()].map((c) => c.polling));
  }

  private schedule(c: Running, delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    c.timer = setTimeout(() => {
      void this.poll(c.config.id).finally(() => this.schedule(c, c.pollIntervalMs));
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
   * Verifies, converts and records one delivery. The delivery id is written in the same transaction
   * as its rows, so a repeated delivery (even many at once) writes nothing and raises no event. A
   * delivery whose records cannot be written goes to the dead-letter table (answered 202: the
   * sender's retries would not help).
   */
  async receiveWebhook(connectorId: string, request: WebhookRequest): Promise<WebhookResult> {
    const c = this.connectors.get(connectorId);
    if (!c?.kind.webhook) return { status: 404, error: `no connector ${JSON.stringify(connectorId)} takes webhooks` };
    const outcome = c.kind.webhook(c.config, request);
    if (outcome.kind === 'unauthorized' || outcome.kind === 'malformed') {
      await this.markFailure(c, outcome.reason, false);
      return { status: outcome.kind === 'unauthorized' ? 401 : 400, error: outcome.reason };
    }
    const event = outcome.kind === 'records' ? outcome.event : 'ignored';
    const claim = (tx: WriteTx) =>
      tx.manager.query('INSERT INTO webhook_delivery (connector_id, delivery_id, event) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING delivery_id', [
        connectorId,
        outcome.deliveryId,
        event,
      ]) as Promise<unknown[]>;
    try {
      const recorded = await this.writes.run(c.actor, async (tx) => {
        if (!(await claim(tx)).length) return false;
        if (outcome.kind === 'records') await new RecordWriter(tx, connectorId).write(outcome.records);
        return true;
      });
      await this.markSuccess(c);
      return { status: 202, outcome: !recorded ? 'duplicate' : outcome.kind === 'records' ? 'recorded' : 'ignored', deliveryId: outcome.deliveryId };
    } catch (error) {
      if (isTransient(error)) {
        this.log.error({ err: error, connectorId, deliveryId: outcome.deliveryId }, 'webhook delivery could not be recorded');
        await this.markFailure(c, 'the delivery could not be recorded; the sender should retry', false).catch(() => undefined);
        throw error;
      }
      // The payload itself cannot be written: keep it (with the headers a replay needs to verify it) and claim the id.
      const reason = `${event}: ${messageOf(error)}`;
      const recorded = await this.writes.run(c.actor, async (tx) => {
        if (!(await claim(tx)).length) return false;
        await this.deadLetter(tx, connectorId, `webhook:${event}`, { headers: request.headers, body: request.rawBody.toString('utf8') }, reason);
        return true;
      });
      await this.markFailure(c, reason, false);
      return { status: 202, outcome: recorded ? 'dead-lettered' : 'duplicate', deliveryId: outcome.deliveryId };
    }
  }

  /** Polls one connector's streams now (skipped while its circuit is open or another instance polls it). */
  poll(connectorId: string): Promise<PollResult> {
    const c = this.connectors.get(connectorId);
    if (!c?.kind.streams?.length) return Promise.reject(new NotFoundError('polled connector', connectorId, 'connectorId'));
    // One poll at a time per connector in this instance; a second caller shares the running one.
    c.polling ??= this.pollStreams(c).finally(() => (c.polling = undefined));
    return c.polling;
  }

  private async pollStreams(c: Running): Promise<PollResult> {
    const id = c.config.id;
    const result: PollResult = { connectorId: id, ran: false, pages: 0, rejected: 0, error: null };
    const state = await this.db.getRepository(ConnectorState).findOneBy({ connectorId: id });
    if (state?.circuitOpenUntil && state.circuitOpenUntil > this.now()) return result;
    // One poller per connector across instances: a session advisory lock on a dedicated connection.
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = (await runner.query(`SELECT pg_try_advisory_lock(hashtext('releasegraph:connector:' || $1)) AS ok`, [id])) as Array<{ ok: boolean }>;
      if (!lock?.ok) return result;
      result.ran = true;
      try {
        const io = this.sourceIO(c);
        for (const stream of c.kind.streams ?? []) {
          for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
            const more = await this.readPage(c, stream.name, io, result);
            if (!more) break;
          }
        }
        await this.markSuccess(c, true);
      } catch (error) {
        result.error = messageOf(error);
        this.log.warn({ connectorId: id, error: result.error }, 'connector poll failed');
        await this.markFailure(c, result.error, true);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('releasegraph:connector:' || $1))`, [id]);
      }
    } finally {
      await runner.release();
    }
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
        await new RecordWriter(tx, id).write(page.records);
        for (const r of rejected) await this.deadLetter(tx, id, streamName, r.payload, r.error);
        await saveCursor(tx);
      });
    } catch (error) {
      if (isTransient(error)) throw error;
      // One record spoils the page: write the records one by one, dead-letter the ones that fail, then move on.
      this.log.warn({ connectorId: id, stream: streamName, error: messageOf(error) }, 'page failed; writing its records one by one');
      for (const single of splitRecords(page.records)) {
        try {
          await this.writes.run(c.actor, (tx) => new RecordWriter(tx, id).write(single.records));
        } catch (recordError) {
          if (isTransient(recordError)) throw recordError;
          rejected.push({ error: messageOf(recordError), payload: single.payload });
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
    const c = this.connectors.get(letter.connectorId);
    if (!c) throw new NotFoundError('configured connector', letter.connectorId);
    let records: DomainRecords;
    try {
      records = this.reconvert(c, letter);
    } catch (error) {
      await this.db.query('UPDATE dead_letter SET replay_attempts = replay_attempts + 1, error = $2 WHERE id = $1', [letter.id, messageOf(error)]);
      return this.db.getRepository(DeadLetter).findOneByOrFail({ id: letter.id });
    }
    try {
      await this.writes.run(actor, async (tx) => {
        await new RecordWriter(tx, c.config.id).write(records);
        await tx.manager.query('UPDATE dead_letter SET replay_attempts = replay_attempts + 1, replayed_at = now() WHERE id = $1', [letter.id]);
        tx.record({ type: 'connector.dead_letter_replayed', subjectType: 'Connector', subjectId: c.config.id, payload: { deadLetterId: letter.id } });
      });
    } catch (error) {
      if (isTransient(error)) throw error;
      await this.db.query('UPDATE dead_letter SET replay_attempts = replay_attempts + 1, error = $2 WHERE id = $1', [letter.id, messageOf(error)]);
    }
    return this.db.getRepository(DeadLetter).findOneByOrFail({ id: letter.id });
  }

  private reconvert(c: Running, letter: DeadLetter): DomainRecords {
    if (letter.source.startsWith('webhook:')) {
      const saved = letter.payload as { headers: Record<string, string | undefined>; body: string };
      const outcome = c.kind.webhook!(c.config, { headers: saved.headers, rawBody: Buffer.from(saved.body, 'utf8') });
      if (outcome.kind === 'records') return outcome.records;
      throw new Error(outcome.kind === 'ignored' ? `the delivery converts to nothing: ${outcome.reason}` : outcome.reason);
    }
    if (letter.payload && typeof letter.payload === 'object' && 'records' in letter.payload) {
      return reviveRecords((letter.payload as { records: DomainRecords }).records);
    }
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
    tx.record({ type: 'connector.dead_lettered', subjectType: 'Connector', subjectId: connectorId, payload: { deadLetterId: row!.id, source, error } });
  }

  private sourceIO(c: Running): SourceIO {
    return createSourceIO({
      policy: c.retry,
      workDir: path.join(this.options.workRoot, c.config.id),
      signal: this.stopping.signal,
      now: this.now,
      sleep: this.options.sleep,
      onRetry: (info) => this.log.info({ connectorId: c.config.id, ...info }, 'retrying source request'),
    });
  }

  private async markSuccess(c: Running, force = false): Promise<void> {
    const now = this.now();
    if (!force && now.getTime() - c.lastSuccessWrite < SUCCESS_WRITE_INTERVAL_MS) return;
    c.lastSuccessWrite = now.getTime();
    await this.transition(c, (prev) => ({
      status: ConnectorStatus.OK,
      lastSuccessAt: now,
      lastError: prev?.lastError ?? null,
      lastErrorAt: prev?.lastErrorAt ?? null,
      consecutiveFailures: 0,
      circuitOpenUntil: null,
    }));
  }

  /** Records a failure; polls that keep failing open the circuit for the policy's time. */
  private async markFailure(c: Running, reason: string, countsTowardCircuit: boolean): Promise<void> {
    const now = this.now();
    c.lastSuccessWrite = 0;
    await this.transition(c, (prev) => {
      const failures = (prev?.consecutiveFailures ?? 0) + (countsTowardCircuit ? 1 : 0);
      const open = countsTowardCircuit && failures >= c.retry.circuitAfter;
      return {
        status: open ? ConnectorStatus.CIRCUIT_OPEN : ConnectorStatus.FAILING,
        lastSuccessAt: prev?.lastSuccessAt ?? null,
        lastError: reason,
        lastErrorAt: now,
        consecutiveFailures: failures,
        circuitOpenUntil: open ? new Date(now.getTime() + c.retry.circuitOpenMs) : null,
      };
    });
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
        tx.record({
          type: 'connector.status_changed',
          subjectType: 'Connector',
          subjectId: id,
          payload: { connector: id, kind: c.config.kind, from: prev?.status ?? null, to: state.status, error: state.status === 'OK' ? null : state.lastError },
        });
      }
    });
  }
}

/** The records of a page one at a time, each with a payload to dead-letter should it fail. */
function splitRecords(records: DomainRecords): Array<{ records: DomainRecords; payload: unknown }> {
  const out: Array<{ records: DomainRecords; payload: unknown }> = [];
  for (const [list, items] of Object.entries(records) as unknown as Array<[keyof DomainRecords, unknown[]]>) {
    if (list === 'kpiSamples') {
      if (items.length) out.push({ records: { ...emptyRecords(), kpiSamples: records.kpiSamples }, payload: { records: { kpiSamples: items } } });
      continue;
    }
    for (const item of items) out.push({ records: { ...emptyRecords(), [list]: [item] }, payload: { records: { [list]: [item] } } });
  }
  return out;
}

const emptyRecords = (): DomainRecords => ({
  commits: [],
  tags: [],
  changes: [],
  approvals: [],
  pipelineRuns: [],
  artifacts: [],
  deployments: [],
  incidents: [],
  kpiSamples: [],
});

const DATE_FIELDS = new Set(['committedAt', 'windowStart', 'windowEnd', 'decidedAt', 'startedAt', 'finishedAt', 'openedAt', 'resolvedAt', 'at']);

/** Records read back from a dead letter's JSON: dates become Dates again. */
function reviveRecords(stored: Partial<DomainRecords>): DomainRecords {
  const out = emptyRecords() as unknown as Record<string, unknown[]>;
  for (const [list, items] of Object.entries(stored)) {
    out[list] = (items as unknown as Array<Record<string, unknown>>).map((item) =>
      Object.fromEntries(Object.entries(item).map(([k, v]) => [k, DATE_FIELDS.has(k) && typeof v === 'string' ? new Date(v) : v])),
    );
  }
  return out as unknown as DomainRecords;
}
