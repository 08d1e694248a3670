import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { whileHolding } from '../../db/session-lock.js';
import { z } from 'zod';
import { NotFoundError } from '../../domain-errors.js';
import type { Logger } from '../../logger.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath } from '../../write/write-path.js';
import { Role } from '../auth/roles.js';
import { fields, parseInput } from '../common/input.js';
import { latencyBucket } from '../telemetry/rollup.js';
import { budgetConsumed, budgetRemaining, DEFAULT_BURN_RULES, evaluateBurnAlerts, type BurnAlertRule, type Counts } from './burn-rate.js';
import { SliKind, Slo, SLO_MAX_WINDOW_DAYS } from './slo.entity.js';
import type { BurnAlert, CreateSloInput, ReleaseBudgetUse, SloStatus } from './slo.types.js';

const EVALUATOR: Actor = { id: 'slo-evaluator', name: 'slo-evaluator', role: Role.INTEGRATION };
const SLO_LOCK = 0x5247_4f31; // "RGO1"

const createSchema = z
  .object({
    name: fields.name,
    serviceId: fields.id,
    environmentId: fields.id,
    objective: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1 (0.999 is 99.9 %)'),
    windowDays: z.number().int().min(1).max(SLO_MAX_WINDOW_DAYS).default(30),
    sli: z.enum(SliKind).default(SliKind.AVAILABILITY),
    latencyThresholdMs: z.number().positive().nullish(),
    kpiMetric: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _')
      .nullish(),
  })
  .refine((s) => s.sli !== SliKind.LATENCY || s.latencyThresholdMs, { path: ['latencyThresholdMs'], message: 'a LATENCY SLI needs latencyThresholdMs' })
  .refine((s) => s.sli !== SliKind.KPI || s.kpiMetric, { path: ['kpiMetric'], message: 'a KPI SLI needs kpiMetric' });

/**
 * SLOs per service and environment: the error budget left, multi-window burn-rate alerts (each
 * naming the deployments inside its window; a change of a firing alert is a release event) and
 * the budget each release spent since its deployments.
 */
export class SloService {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
    private readonly log: Logger,
    private readonly rules: readonly BurnAlertRule[] = DEFAULT_BURN_RULES,
  ) {
    writes.describeConstraints({
      slo_service_fk: { message: 'service does not exist', field: 'input.serviceId' },
      slo_environment_fk: { message: 'environment does not exist', field: 'input.environmentId' },
    });
  }

  async create(actor: Actor, raw: CreateSloInput): Promise<Slo> {
    const input = parseInput(createSchema, raw, 'input');
    return this.writes.run(actor, async (tx) => {
      const id = `rg:slo:${crypto.randomUUID()}`;
      await tx.manager.insert(Slo, {
        id,
        ...input,
        latencyThresholdMs: input.latencyThresholdMs ?? null,
        kpiMetric: input.kpiMetric ?? null,
        firing: [],
        originConnector: 'api',
      });
      const saved = await tx.manager.findOneByOrFail(Slo, { id });
      tx.record('slo.created', { subjectId: id, payload: saved });
      return saved;
    });
  }

  list(): Promise<Slo[]> {
    return this.db.getRepository(Slo).find({ order: { createdAt: 'ASC' } });
  }

  /** The longest window of the SLOs of an SLI kind (ms; 0 without any): how far back they read. */
  async longestWindowMs(sli: SliKind): Promise<number> {
    const [row] = (await this.db.query('SELECT coalesce(max(window_days), 0)::int AS days FROM slo WHERE sli = $1', [sli])) as Array<{ days: number }>;
    return (row?.days ?? 0) * 86_400_000;
  }

  /**
   * Good and bad events of the SLO's service in its environment (all versions, or one), from `from`
   * to `to`: requests from the rollups, or for a KPI SLI its samples, each counting its bad
   * fraction. Rollups are per minute within the telemetry retention and hourly before it (folded
   * there by the sweep, each request in exactly one of them): a window covers the minutes, and past
   * the retention the hours, it touches.
   */
  private async counts(slo: Slo, from: Date, to: Date, version?: string): Promise<Counts> {
    if (slo.sli === SliKind.KPI) {
      const [row] = (await this.db.query(
        `SELECT coalesce(sum(least(greatest(k.value, 0), 1)), 0)::float8 AS bad, count(*)::int AS total
           FROM kpi_sample k JOIN service s ON s.name = k.service JOIN environment e ON e.name = k.environment
          WHERE s.id = $1 AND e.id = $2 AND k.metric = $3 AND k.at >= $4 AND k.at < $5 ${version ? 'AND k.version = $6' : ''}`,
        [slo.serviceId, slo.environmentId, slo.kpiMetric, from, to, ...(version ? [version] : [])],
      )) as Array<{ bad: number; total: number }>;
      return { bad: Number(row?.bad ?? 0), total: Number(row?.total ?? 0) };
    }
    const badExpr = slo.sli === SliKind.LATENCY ? `sum(spans) FILTER (WHERE bucket > ${latencyBucket(slo.latencyThresholdMs!)})` : 'sum(errors)';
    // The time column of each table is named for its unit.
    const part = (table: string, unit: 'minute' | 'hour') =>
      `SELECT coalesce(${badExpr}, 0) AS bad, coalesce(sum(spans), 0) AS total
         FROM ${table} r JOIN service s ON s.name = r.service JOIN environment e ON e.name = r.environment
        WHERE s.id = $1 AND e.id = $2 AND r.${unit} >= date_trunc('${unit}', $3::timestamptz, 'UTC') AND r.${unit} < $4 ${version ? 'AND r.version = $5' : ''}`;
    // One statement: a sweep folding minutes into hours meanwhile is seen entirely or not at all.
    const [row] = (await this.db.query(
      `SELECT sum(bad)::bigint AS bad, sum(total)::bigint AS total FROM (${part('span_rollup', 'minute')} UNION ALL ${part('span_rollup_hour', 'hour')}) counted`,
      [slo.serviceId, slo.environmentId, from, to, ...(version ? [version] : [])],
    )) as Array<{ bad: string; total: string }>;
    return { bad: Number(row?.bad ?? 0), total: Number(row?.total ?? 0) };
  }

  async status(sloId: string, now: Date = new Date()): Promise<SloStatus> {
    const slo = await this.db.getRepository(Slo).findOneBy({ id: sloId });
    if (!slo) throw new NotFoundError('slo', sloId, 'id');
    return this.statusOf(slo, now);
  }

  private async statusOf(slo: Slo, now: Date): Promise<SloStatus> {
    const over = new Map<number, Counts>();
    const windows = [slo.windowDays * 86_400, ...this.rules.flatMap((r) => [r.longSeconds, r.shortSeconds])];
    for (const seconds of new Set(windows)) over.set(seconds, await this.counts(slo, new Date(now.getTime() - seconds * 1000), now));
    const states = evaluateBurnAlerts(this.rules, slo.objective, (seconds) => over.get(seconds)!);
    const alerts: BurnAlert[] = [];
    for (const s of states) {
      alerts.push({
        name: s.name,
        severity: s.severity,
        longWindowSeconds: s.longSeconds,
        shortWindowSeconds: s.shortSeconds,
        factor: s.factor,
        longBurnRate: s.longBurnRate,
        shortBurnRate: s.shortBurnRate,
        firing: s.firing,
        deploymentIds: await this.deploymentsWithin(slo, new Date(now.getTime() - s.longSeconds * 1000), now),
      });
    }
    const window = over.get(slo.windowDays * 86_400)!;
    return { budgetRemaining: budgetRemaining(window, slo.objective), goodEvents: window.total - window.bad, badEvents: window.bad, alerts };
  }

  /** Deployments of the SLO's service to its environment started inside the window, and the one already running when it began. */
  private async deploymentsWithin(slo: Slo, from: Date, to: Date): Promise<string[]> {
    const rows = (await this.db.query(
      `(SELECT id FROM deployment WHERE service_id = $1 AND environment_id = $2 AND coalesce(started_at, created_at) BETWEEN $3 AND $4)
       UNION
       (SELECT id FROM deployment WHERE service_id = $1 AND environment_id = $2 AND coalesce(started_at, created_at) < $3
         ORDER BY coalesce(started_at, created_at) DESC LIMIT 1)`,
      [slo.serviceId, slo.environmentId, from, to],
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id).sort();
  }

  /** Evaluates every SLO's alerts; an alert that starts or stops firing is a release event. One instance at a time. */
  async evaluate(now: Date = new Date()): Promise<void> {
    await whileHolding(this.db, SLO_LOCK, () => this.round(now));
  }

  private async round(now: Date): Promise<void> {
    for (const slo of await this.list()) {
      const status = await this.statusOf(slo, now);
      const firing = status.alerts.filter((a) => a.firing).map((a) => a.name);
      const started = status.alerts.filter((a) => a.firing && !slo.firing.includes(a.name));
      const stopped = slo.firing.filter((name) => !firing.includes(name));
      if (!started.length && !stopped.length) continue;
      await this.writes.run(EVALUATOR, async (tx) => {
        await tx.manager.update(Slo, { id: slo.id }, { firing });
        for (const alert of started) {
          const releases = (await tx.manager.query('SELECT DISTINCT release_id FROM deployment WHERE id = ANY($1) AND release_id IS NOT NULL', [
            alert.deploymentIds,
          ])) as Array<{ release_id: string }>;
          const payload = { slo: slo.name, sloId: slo.id, budgetRemaining: status.budgetRemaining, ...alert };
          // One event per release concerned (the release's stream shows it), or one without a release.
          for (const r of releases.length ? releases : [{ release_id: null }]) {
            tx.record('slo.burn_alert', { subjectId: slo.id, releaseId: r.release_id, payload });
          }
        }
        for (const name of stopped) tx.record('slo.burn_alert_resolved', { subjectId: slo.id, payload: { slo: slo.name, alert: name } });
      });
      this.log.info({ slo: slo.name, started: started.map((a) => a.name), stopped }, 'burn-rate alerts changed');
    }
  }

  /** The budget each SLO lost to the release's deployed versions since their deployments started. */
  async releaseBudget(releaseId: string, now: Date = new Date()): Promise<ReleaseBudgetUse[]> {
    const deployments = (await this.db.query(
      `SELECT service_id, environment_id, version, coalesce(started_at, created_at) AS started_at FROM deployment WHERE release_id = $1`,
      [releaseId],
    )) as Array<{ service_id: string; environment_id: string; version: string; started_at: Date }>;
    if (!deployments.length) return [];
    const slos = await this.list();
    const uses: ReleaseBudgetUse[] = [];
    for (const slo of slos) {
      // One count per version, from its first deployment (a retried deployment of a version is not counted twice).
      const firstOfVersion = new Map<string, Date>();
      for (const d of deployments) {
        if (d.service_id !== slo.serviceId || d.environment_id !== slo.environmentId) continue;
        const at = new Date(d.started_at);
        const known = firstOfVersion.get(d.version);
        if (!known || at < known) firstOfVersion.set(d.version, at);
      }
      if (!firstOfVersion.size) continue;
      let bad = 0;
      for (const [version, since] of firstOfVersion) bad += (await this.counts(slo, since, now, version)).bad;
      const window = await this.counts(slo, new Date(now.getTime() - slo.windowDays * 86_400_000), now);
      uses.push({ sloId: slo.id, slo: slo.name, consumed: budgetConsumed(bad, window.total, slo.objective), badEvents: bad });
    }
    return uses;
  }
}
