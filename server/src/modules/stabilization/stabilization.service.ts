import crypto from 'node:crypto';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '../../domain-errors.js';
import type { Logger } from '../../logger.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import { Role } from '../auth/roles.js';
import { EventConsumer, type ConsumedEvent } from '../../events/event-consumer.js';
import { decide } from '../../write/state-machine.js';
import { IncidentCorrelator } from '../incidents/incident-correlation.js';
import type { IncidentService } from '../incidents/incident.service.js';
import { ReleaseStatus } from '../releases/release.entity.js';
import type { ReleaseService } from '../releases/release.service.js';
import { STABILIZATION_WINDOW_LIFECYCLE } from './stabilization-window.lifecycle.js';
import { Escalation, EscalationStatus, StabilizationOwner, StabilizationWindow, WindowStatus } from './stabilization.entity.js';

/** One escalation level: after how long unacknowledged (from when it was raised) it pages whom (`owner` = the service's owner). */
export interface EscalationLevel {
  afterMs: number;
  to: string;
}

export interface StabilizationPolicy {
  /** How long a window lasts after the production deployment succeeded. */
  durationMs: number;
  /** Rotations by service name: the n-th window that includes a service is owned by its person n mod length (see rotationOwner). */
  owners: Record<string, string[]>;
  levels: EscalationLevel[];
  /** How long an expired window with open problems is extended each time. */
  extensionMs: number;
}

export const DEFAULT_STABILIZATION: StabilizationPolicy = {
  durationMs: 72 * 3_600_000,
  owners: {},
  levels: [
    { afterMs: 0, to: 'owner' },
    { afterMs: 15 * 60_000, to: 'team-lead' },
    { afterMs: 30 * 60_000, to: 'engineering-manager' },
  ],
  extensionMs: 3_600_000,
};

const STEWARD: Actor = { id: 'stabilization', name: 'stabilization', role: Role.INTEGRATION };
const OPEN_WINDOW_LOCK = 0x5247_5731; // "RGW1"
/** Release events that are anomalies for an open window, and the service they concern. */
const ANOMALIES = ['rollback.decided', 'slo.burn_alert', 'verdict.changed', 'incident.created'] as const;
/** An incident pages the owner of a suspect this confident or more. */
const SUSPECT_CONFIDENCE = 0.5;

/**
 * The 72 hours after a release reaches production: a window opens when a production deployment of
 * it succeeds, with an owner per service (from the rotation in the config, or assigned and handed
 * off by mutation). Anomalies — failed criteria, rollback decisions, burn-rate alerts, incidents that
 * name the release's deployment as a confident suspect — page the
 * service's owner and climb the escalation levels on time until acknowledged; every step is a
 * release event (and so a notification). The window closes STABLE at its end, or is extended while
 * problems are open. `tick(now)` runs one round with the caller's clock.
 */
export class StabilizationService {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
    private readonly log: Logger,
    private readonly releases: ReleaseService,
    private readonly incidents: IncidentService,
    private readonly policy: StabilizationPolicy = DEFAULT_STABILIZATION,
  ) {
    this.anomalies = new EventConsumer(db, 'stabilization', { batch: 500, types: ANOMALIES });
  }

  /** Reads the anomalies of stabilizing releases from the event log. */
  private readonly anomalies: EventConsumer;

  async tick(now: Date = new Date()): Promise<void> {
    await this.openWindows(now);
    await this.routeAnomalies(now);
    await this.escalate(now);
    await this.closeWindows(now);
  }

  /**
   * A window for each STABILIZING release without one (the release's own life moved it there when
   * every service of it succeeded in production), from the time the last of them succeeded.
   */
  private async openWindows(now: Date): Promise<void> {
    const due = (await this.db.query(
      `SELECT r.id AS release_id, coalesce(max(coalesce(d.finished_at, d.updated_at)), r.updated_at) AS at
         FROM release r
         LEFT JOIN deployment d ON d.release_id = r.id AND d.status = 'SUCCEEDED'
              AND EXISTS (SELECT 1 FROM environment e WHERE e.id = d.environment_id AND e.tier = 'PROD')
        WHERE r.status = 'STABILIZING' AND NOT EXISTS (SELECT 1 FROM stabilization_window w WHERE w.release_id = r.id)
        GROUP BY r.id
        ORDER BY at, r.id`,
    )) as Array<{ release_id: string; at: Date }>;
    for (const { release_id: releaseId, at } of due) {
      await this.writes.run(STEWARD, async (tx) => {
        // One window opens at a time across instances, so each counts the ones before it (the rotation).
        await tx.manager.query('SELECT pg_advisory_xact_lock($1)', [OPEN_WINDOW_LOCK]);
        const id = `rg:stabilization_window:${crypto.randomUUID()}`;
        const startsAt = new Date(Math.min(new Date(at).getTime(), now.getTime()));
        const inserted = (await tx.manager.query(
          `INSERT INTO stabilization_window (id, release_id, starts_at, ends_at, status, origin_connector) VALUES ($1, $2, $3, $4, 'OPEN', 'stabilization')
           ON CONFLICT DO NOTHING RETURNING id`,
          [id, releaseId, startsAt, new Date(startsAt.getTime() + this.policy.durationMs)],
        )) as unknown[];
        if (!inserted.length) return;
        const window = await tx.manager.findOneByOrFail(StabilizationWindow, { id });
        tx.record('stabilization.opened', { subjectId: id, releaseId, payload: window });
        const services = (await tx.manager.query(
          `SELECT DISTINCT s.id, s.name FROM deployment d JOIN service s ON s.id = d.service_id WHERE d.release_id = $1`,
          [releaseId],
        )) as Array<{ id: string; name: string }>;
        for (const s of services) {
          const owner = await rotationOwner(tx.manager, this.policy.owners[s.name], s.id, id);
          if (owner) await this.setOwner(tx, window, s.id, owner, now, 'rotation');
        }
      });
    }
  }

  /** Each anomaly of a release with an open window pages the owner of the service it concerns (once per open problem). */
  private async routeAnomalies(now: Date): Promise<void> {
    await this.anomalies.next(async (m, events) => {
      for (const e of events) {
        if (e.type === 'verdict.changed' && e.payload.outcome !== 'FAIL') continue;
        if (e.type === 'incident.created') {
          await this.pageSuspects(m, e.subjectId, now);
          continue;
        }
        if (!e.releaseId) continue;
        const reason = describe(e);
        const serviceId = await serviceOf(m, e);
        await this.raise(e.releaseId, serviceId, reason, now);
      }
    });
  }

  /**
   * A new incident pages the owners of its confident suspects whose releases are stabilizing. An
   * incident that came without a release (a page names a service, not a release) is linked to the
   * release of its most likely suspect, so the release shows it.
   */
  private async pageSuspects(m: EntityManager, incidentId: string, now: Date): Promise<void> {
    const { suspects } = await new IncidentCorrelator(this.db).correlate(incidentId);
    const top = suspects[0];
    if (top && top.confidence >= SUSPECT_CONFIDENCE) await this.linkToSuspectRelease(incidentId, top.deploymentId);
    for (const s of suspects.filter((x) => x.confidence >= SUSPECT_CONFIDENCE)) {
      const [d] = (await m.query('SELECT release_id, service_id FROM deployment WHERE id = $1', [s.deploymentId])) as Array<{
        release_id: string | null;
        service_id: string;
      }>;
      if (!d?.release_id) continue;
      const [incident] = (await m.query('SELECT key, title FROM incident WHERE id = $1', [incidentId])) as Array<{ key: string; title: string }>;
      await this.raise(
        d.release_id,
        d.service_id,
        `suspected in incident ${incident?.key ?? incidentId} (${incident?.title ?? ''}): ${s.evidence[0] ?? ''}`,
        now,
      );
    }
  }

  private async linkToSuspectRelease(incidentId: string, deploymentId: string): Promise<void> {
    await this.writes.run(STEWARD, async (tx) => {
      const [d] = (await tx.manager.query('SELECT release_id FROM deployment WHERE id = $1', [deploymentId])) as Array<{ release_id: string | null }>;
      if (d?.release_id) await this.incidents.linkRelease(tx, incidentId, d.release_id, deploymentId, 'its most likely suspect belongs to the release');
    });
  }

  private async raise(releaseId: string, serviceId: string | null, reason: string, now: Date): Promise<void> {
    await this.writes.run(STEWARD, async (tx) => {
      const window = await tx.manager.findOne(StabilizationWindow, { where: { releaseId }, lock: { mode: 'pessimistic_write' } });
      if (!window || (window.status !== WindowStatus.OPEN && window.status !== WindowStatus.EXTENDED)) return;
      const open = await tx.manager.findOne(Escalation, { where: { windowId: window.id, serviceId: serviceId ?? IsNull(), status: EscalationStatus.OPEN } });
      if (open) return; // one page per open problem: the owner is already on it
      const owner = serviceId ? ((await tx.manager.findOneBy(StabilizationOwner, { windowId: window.id, serviceId }))?.owner ?? null) : null;
      const first = this.policy.levels[0]!;
      const id = `rg:escalation:${crypto.randomUUID()}`;
      await tx.manager.insert(Escalation, {
        id,
        windowId: window.id,
        serviceId,
        reason,
        level: 1,
        paged: first.to === 'owner' ? (owner ?? 'unassigned') : first.to,
        status: EscalationStatus.OPEN,
        raisedAt: now,
        nextEscalationAt: this.policy.levels[1] ? new Date(now.getTime() + this.policy.levels[1].afterMs) : null,
        originConnector: 'stabilization',
      });
      const saved = await tx.manager.findOneByOrFail(Escalation, { id });
      tx.record('escalation.raised', { subjectId: id, releaseId, payload: saved });
    });
  }

  /** Unacknowledged escalations whose time has come climb one level (more if several intervals passed). */
  private async escalate(now: Date): Promise<void> {
    const due = await this.db.getRepository(Escalation).createQueryBuilder('x').where(`x.status = 'OPEN' AND x.next_escalation_at <= :now`, { now }).getMany();
    for (const x of due) {
      await this.writes.run(STEWARD, async (tx) => {
        const current = await tx.manager.findOne(Escalation, { where: { id: x.id }, lock: { mode: 'pessimistic_write' } });
        if (!current || current.status !== EscalationStatus.OPEN || !current.nextEscalationAt || current.nextEscalationAt > now) return;
        const elapsed = now.getTime() - current.raisedAt.getTime();
        let level = current.level;
        while (this.policy.levels[level] && this.policy.levels[level]!.afterMs <= elapsed) level++;
        const target = this.policy.levels[level - 1]!;
        const next = this.policy.levels[level];
        await tx.manager.update(
          Escalation,
          { id: x.id },
          { level, paged: target.to, nextEscalationAt: next ? new Date(current.raisedAt.getTime() + next.afterMs) : null },
        );
        const window = await tx.manager.findOneByOrFail(StabilizationWindow, { id: current.windowId });
        tx.record('escalation.escalated', {
          subjectId: x.id,
          releaseId: window.releaseId,
          payload: { ...current, level, paged: target.to, reason: `${current.reason} — not acknowledged after ${Math.round(elapsed / 60_000)} min` },
        });
      });
    }
  }

  /** Windows past their end close STABLE without open problems; with problems they are extended. */
  private async closeWindows(now: Date): Promise<void> {
    const ended = (await this.db.query(
      `SELECT w.id FROM stabilization_window w JOIN release r ON r.id = w.release_id
        WHERE w.status IN ('OPEN', 'EXTENDED') AND (w.ends_at <= $1 OR r.status = 'ROLLED_BACK')`,
      [now],
    )) as Array<{ id: string }>;
    for (const { id } of ended) {
      await this.writes.run(STEWARD, async (tx) => {
        // Locked and read again: another instance's round, or a page raised meanwhile, may have changed it.
        const window = await tx.manager.findOne(StabilizationWindow, { where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!window || (window.status !== WindowStatus.OPEN && window.status !== WindowStatus.EXTENDED)) return;
        const [facts] = (await tx.manager.query(
          `SELECT r.status AS release_status,
                  (SELECT count(*)::int FROM escalation x WHERE x.window_id = $1 AND x.status <> 'RESOLVED') AS problems,
                  (SELECT count(*)::int FROM rollback_decision d WHERE d.release_id = $2 AND d.status = 'RECOMMENDED') AS pending_decisions
             FROM release r WHERE r.id = $2`,
          [id, window.releaseId],
        )) as Array<{ release_status: string; problems: number; pending_decisions: number }>;
        if (!facts) return;
        const releaseId = window.releaseId;
        const cause = { kind: 'stabilization' } as const;
        if (facts.release_status === 'ROLLED_BACK') {
          await this.transitionWindow(tx, window, WindowStatus.ROLLED_BACK);
        } else if (window.endsAt > now) {
          return;
        } else if (facts.problems || facts.pending_decisions) {
          // Extended again: its end moves, its status stays EXTENDED.
          const endsAt = new Date(now.getTime() + this.policy.extensionMs);
          if (
            window.status !== WindowStatus.EXTENDED &&
            decide(STABILIZATION_WINDOW_LIFECYCLE, window.status, WindowStatus.EXTENDED, cause.kind).kind !== 'move'
          )
            return;
          await tx.manager.update(StabilizationWindow, { id }, { status: WindowStatus.EXTENDED, endsAt });
          tx.record('stabilization.extended', {
            subjectId: id,
            releaseId,
            payload: {
              from: window.status,
              to: WindowStatus.EXTENDED,
              cause,
              endsAt,
              openProblems: facts.problems,
              pendingRollbackDecisions: facts.pending_decisions,
            },
          });
        } else {
          await this.transitionWindow(tx, window, WindowStatus.STABLE);
          await this.releases.transition(tx, releaseId, ReleaseStatus.DONE, cause);
        }
      });
    }
  }

  /** A window's one status transition (see STABILIZATION_WINDOW_LIFECYCLE): closing it STABLE or ROLLED_BACK. */
  private async transitionWindow(tx: WriteTx, window: StabilizationWindow, to: WindowStatus.STABLE | WindowStatus.ROLLED_BACK): Promise<void> {
    const cause = { kind: 'stabilization' } as const;
    if (decide(STABILIZATION_WINDOW_LIFECYCLE, window.status, to, cause.kind).kind !== 'move') return;
    await tx.manager.update(StabilizationWindow, { id: window.id }, { status: to });
    tx.record('stabilization.closed', { subjectId: window.id, releaseId: window.releaseId, payload: { from: window.status, to, cause } });
  }

  private async setOwner(tx: WriteTx, window: StabilizationWindow, serviceId: string, owner: string, now: Date, how: 'rotation' | 'assigned'): Promise<void> {
    const previous = await tx.manager.findOneBy(StabilizationOwner, { windowId: window.id, serviceId });
    if (previous?.owner === owner) return;
    await tx.manager.upsert(StabilizationOwner, { windowId: window.id, serviceId, owner, since: now }, ['windowId', 'serviceId']);
    if (previous)
      tx.record('stabilization.handoff', {
        subjectId: window.id,
        releaseId: window.releaseId,
        payload: { serviceId, owner, previousOwner: previous.owner, how },
      });
    else
      tx.record('stabilization.owner_assigned', { subjectId: window.id, releaseId: window.releaseId, payload: { serviceId, owner, previousOwner: null, how } });
  }

  /** Assigns (or hands off) a service's ownership for a window. */
  assignOwner(actor: Actor, windowId: string, serviceId: string, owner: string, now: Date = new Date()): Promise<StabilizationWindow> {
    return this.writes.run(actor, async (tx) => {
      const window = await tx.manager.findOne(StabilizationWindow, { where: { id: windowId }, lock: { mode: 'pessimistic_write' } });
      if (!window) throw new NotFoundError('stabilization window', windowId, 'windowId');
      if (!(await tx.manager.existsBy(StabilizationOwner, { windowId, serviceId })) && !(await serviceInRelease(tx.manager, window.releaseId, serviceId))) {
        throw new NotFoundError('service of the release', serviceId, 'serviceId');
      }
      await this.setOwner(tx, window, serviceId, owner.trim(), now, 'assigned');
      return window;
    });
  }

  /** Acknowledging stops the climb; resolving also closes the problem (the window may then close). */
  settleEscalation(actor: Actor, id: string, resolve: boolean, now: Date = new Date()): Promise<Escalation> {
    return this.writes.run(actor, async (tx) => {
      const x = await tx.manager.findOne(Escalation, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!x) throw new NotFoundError('escalation', id, 'id');
      if (x.status === EscalationStatus.RESOLVED) throw new ConflictError('the escalation is already resolved', 'id');
      const status = resolve ? EscalationStatus.RESOLVED : EscalationStatus.ACKNOWLEDGED;
      if (!resolve && x.status === EscalationStatus.ACKNOWLEDGED) return x;
      await tx.manager.update(
        Escalation,
        { id },
        {
          status,
          nextEscalationAt: null,
          ...(x.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedBy: actor.name }),
        },
      );
      const saved = await tx.manager.findOneByOrFail(Escalation, { id });
      const window = await tx.manager.findOneByOrFail(StabilizationWindow, { id: x.windowId });
      tx.record(resolve ? 'escalation.resolved' : 'escalation.acknowledged', { subjectId: id, releaseId: window.releaseId, payload: saved });
      return saved;
    });
  }
}

async function serviceInRelease(m: EntityManager, releaseId: string, serviceId: string): Promise<boolean> {
  const rows = (await m.query('SELECT 1 FROM deployment WHERE release_id = $1 AND service_id = $2 LIMIT 1', [releaseId, serviceId])) as unknown[];
  return rows.length > 0;
}

/**
 * Whose turn it is in a service's rotation for a window being opened: the n-th window that includes
 * the service (n from 0: the other windows whose release deployed it, all opened before this one)
 * gets the person at n mod the rotation's length. Counted from the database, so every instance and
 * restart agrees; handoffs do not move the rotation.
 */
async function rotationOwner(m: EntityManager, rotation: string[] | undefined, serviceId: string, windowId: string): Promise<string | undefined> {
  if (!rotation?.length) return undefined;
  const [row] = (await m.query(
    `SELECT count(*)::int AS n FROM stabilization_window w
      WHERE w.id <> $2 AND EXISTS (SELECT 1 FROM deployment d WHERE d.release_id = w.release_id AND d.service_id = $1)`,
    [serviceId, windowId],
  )) as Array<{ n: number }>;
  return rotation[(row?.n ?? 0) % rotation.length];
}

/** The service an anomaly concerns: its deployment's, or the SLO's. */
async function serviceOf(m: EntityManager, e: ConsumedEvent): Promise<string | null> {
  const sql =
    e.subjectType === 'Deployment'
      ? 'SELECT service_id FROM deployment WHERE id = $1'
      : e.subjectType === 'Slo'
        ? 'SELECT service_id FROM slo WHERE id = $1'
        : null;
  if (!sql) return null;
  const [row] = (await m.query(sql, [e.subjectId])) as Array<{ service_id: string }>;
  return row?.service_id ?? null;
}

function describe(e: { type: string; payload: Record<string, unknown> }): string {
  const p = e.payload;
  if (e.type === 'rollback.decided') return `rollback ${p.mode === 'AUTOMATIC' ? 'done' : 'recommended'}: ${String(p.reason ?? '')}`;
  if (e.type === 'slo.burn_alert') return `${String(p.slo ?? 'an SLO')} burns its error budget (${String(p.name ?? '')} alert)`;
  return `${String(p.metric ?? 'a criterion')} ${String(p.observed ?? 'n/a')} failed its criterion (${String(p.comparator ?? '')} ${String(p.threshold ?? '')})`;
}
