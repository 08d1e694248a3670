import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SKIPPED, whileHolding } from '../../db/session-lock.js';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../domain-errors.js';
import type { Logger } from '../../logger.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import { decide, type Cause } from '../../write/state-machine.js';
import { Role } from '../auth/roles.js';
import { DeploymentStatus } from '../deployments/deployment.entity.js';
import type { DeploymentService } from '../deployments/deployment.service.js';
import { Release, ReleaseStatus } from '../releases/release.entity.js';
import type { ReleaseService } from '../releases/release.service.js';
import { ROLLBACK_DECISION_LIFECYCLE } from './rollback-decision.lifecycle.js';
import { fields, parseInput } from '../common/input.js';
import { EnvironmentTier } from '../environments/environment.entity.js';
import { KpiSnapshot, type KpiScope, type Observation } from '../kpis/kpi-series.service.js';
import { Comparator, RollbackDecision, RollbackDecisionStatus, RollbackMode, SuccessCriterion, VerdictOutcome } from './verification.entity.js';
import type { CreateSuccessCriterionInput } from './verification.types.js';

/** How deployments are verified: how often, for how long after they finish, and who rolls back. */
export interface VerificationPolicy {
  /** How long after a deployment finishes it is still evaluated (ms). */
  stabilizationMs: number;
  /** Per environment tier: does a failed criterion roll back on its own, or recommend it? */
  rollback: Partial<Record<EnvironmentTier, RollbackMode>>;
}

export const DEFAULT_POLICY: VerificationPolicy = { stabilizationMs: 72 * 3_600_000, rollback: {} };

const EVALUATOR: Actor = { id: 'verifier', name: 'verifier', role: Role.INTEGRATION };
const EVALUATION_LOCK = 0x5247_5631; // "RGV1": one evaluator across hub instances

/** The longest window a success criterion may look back over (KPI samples are kept at least this long). */
export const MAX_CRITERION_WINDOW_SECONDS = 7 * 24 * 3600;

const createSchema = z
  .object({
    metric: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _ (error_rate, latency_p95, throughput, ...)'),
    comparator: z.enum(Comparator),
    threshold: z.number().finite(),
    windowSeconds: z.number().int().min(10, 'at least 10 seconds').max(MAX_CRITERION_WINDOW_SECONDS),
    minSamples: z.number().int().min(1).default(20),
    relativeToPrevious: z.boolean().default(false),
    releaseId: fields.id.nullish(),
    serviceId: fields.id.nullish(),
    environmentTier: z.enum(EnvironmentTier).nullish(),
  })
  .refine((c) => !c.relativeToPrevious || c.threshold > 0, { path: ['threshold'], message: 'a ratio to the previous version must be above 0' });

interface ActiveDeployment {
  id: string;
  release_id: string | null;
  service_id: string;
  service: string;
  environment: string;
  environment_id: string;
  tier: EnvironmentTier;
  version: string;
  started_at: Date;
  /** The version this deployment replaced in its environment (relative criteria compare with it). */
  previous_version: string | null;
}

interface Evaluation {
  criterion: SuccessCriterion;
  outcome: VerdictOutcome;
  observed: Observation;
  baseline: Observation | null;
  window: { from: Date; to: Date };
}

const passes = (observed: number, comparator: Comparator, limit: number) =>
  comparator === Comparator.LT
    ? observed < limit
    : comparator === Comparator.LTE
      ? observed <= limit
      : comparator === Comparator.GT
        ? observed > limit
        : observed >= limit;

/**
 * Watches deployments after they land: every round it evaluates each active deployment against the
 * success criteria that apply to it, records a verdict per criterion (PASS, FAIL, or INCONCLUSIVE
 * when there are too few samples — never a PASS on too little data), and on a FAIL records one
 * RollbackDecision: automatic (the deployment and its release are rolled back) or recommended (a
 * person accepts or dismisses it), per environment tier. Everything goes through the write path.
 */
export class VerificationService {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
    private readonly log: Logger,
    private readonly deployments: DeploymentService,
    private readonly releases: ReleaseService,
    private readonly policy: VerificationPolicy = DEFAULT_POLICY,
  ) {
    writes.describeConstraints({
      success_criterion_release_fk: { message: 'release does not exist', field: 'input.releaseId' },
      success_criterion_service_fk: { message: 'service does not exist', field: 'input.serviceId' },
    });
  }

  async createCriterion(actor: Actor, raw: CreateSuccessCriterionInput): Promise<SuccessCriterion> {
    const input = parseInput(createSchema, raw, 'input');
    return this.writes.run(actor, async (tx) => {
      const id = `rg:success_criterion:${crypto.randomUUID()}`;
      await tx.manager.insert(SuccessCriterion, {
        id,
        metric: input.metric,
        comparator: input.comparator,
        threshold: input.threshold,
        windowSeconds: input.windowSeconds,
        minSamples: input.minSamples,
        relativeToPrevious: input.relativeToPrevious,
        releaseId: input.releaseId ?? null,
        serviceId: input.serviceId ?? null,
        environmentTier: input.environmentTier ?? null,
        originConnector: 'api',
      });
      const saved = await tx.manager.findOneByOrFail(SuccessCriterion, { id });
      tx.record('success_criterion.created', { subjectId: id, payload: saved });
      return saved;
    });
  }

  /**
   * One evaluation round at `now` (the clock is the caller's: tests move it). Skipped (returns
   * null) while another hub instance runs a round.
   */
  async evaluate(now: Date = new Date()): Promise<{ deployments: number; verdicts: number; decisions: number } | null> {
    const result = await whileHolding(this.db, EVALUATION_LOCK, () => this.round(now));
    return result === SKIPPED ? null : result;
  }

  private async round(now: Date) {
    const totals = { deployments: 0, verdicts: 0, decisions: 0 };
    const criteria = await this.db.getRepository(SuccessCriterion).find();
    if (!criteria.length) return totals;
    const active = (await this.db.query(
      `SELECT d.id, d.release_id, d.service_id, s.name AS service, e.name AS environment, e.id AS environment_id, e.tier, d.version,
              coalesce(d.started_at, d.created_at) AS started_at,
              (SELECT p.version FROM deployment p
                WHERE p.service_id = d.service_id AND p.environment_id = d.environment_id AND p.version <> d.version AND p.id <> d.id
                  AND p.status = 'SUCCEEDED'
                  AND coalesce(p.started_at, p.created_at) < coalesce(d.started_at, d.created_at)
                ORDER BY coalesce(p.started_at, p.created_at) DESC LIMIT 1) AS previous_version
         FROM deployment d JOIN service s ON s.id = d.service_id JOIN environment e ON e.id = d.environment_id
        WHERE d.status IN ('IN_PROGRESS', 'SUCCEEDED') AND coalesce(d.started_at, d.created_at) <= $1
          AND (d.finished_at IS NULL OR d.finished_at > $2)`,
      [now, new Date(now.getTime() - this.policy.stabilizationMs)],
    )) as ActiveDeployment[];
    const work = active
      .map((d) => ({
        d,
        applicable: criteria.filter(
          (c) =>
            (!c.releaseId || c.releaseId === d.release_id) &&
            (!c.serviceId || c.serviceId === d.service_id) &&
            (!c.environmentTier || c.environmentTier === d.tier),
        ),
      }))
      .filter((w) => w.applicable.length);
    if (!work.length) return totals;
    // Every KPI the round needs, read at once.
    const longest = Math.max(...work.flatMap((w) => w.applicable.map((c) => c.windowSeconds)));
    const scopes = work.flatMap(({ d }) => [
      { service: d.service, environment: d.environment, version: d.version },
      ...(d.previous_version ? [{ service: d.service, environment: d.environment, version: d.previous_version }] : []),
    ]);
    const kpis = await KpiSnapshot.load(this.db, scopes, new Date(now.getTime() - longest * 1000), now);
    const evaluated = work.map(({ d, applicable }) => ({ d, evaluations: applicable.map((c) => this.judge(kpis, d, c, now)) }));
    const written = await this.record(evaluated, now);
    return { deployments: evaluated.length, verdicts: written.verdicts, decisions: written.decisions };
  }

  private judge(kpis: KpiSnapshot, d: ActiveDeployment, criterion: SuccessCriterion, now: Date): Evaluation {
    const from = new Date(Math.max(now.getTime() - criterion.windowSeconds * 1000, new Date(d.started_at).getTime()));
    const window = { from, to: now };
    const scope: KpiScope = { service: d.service, environment: d.environment, version: d.version };
    const observed = kpis.observe(criterion.metric, scope, from, now);
    let baseline: Observation | null = null;
    if (criterion.relativeToPrevious) {
      baseline = d.previous_version ? kpis.observe(criterion.metric, { ...scope, version: d.previous_version }, from, now) : { value: null, samples: 0 };
    }
    const enough = observed.samples >= criterion.minSamples && observed.value !== null;
    const baselineEnough = !criterion.relativeToPrevious || (baseline!.samples >= criterion.minSamples && baseline!.value !== null);
    let outcome = VerdictOutcome.INCONCLUSIVE;
    if (enough && baselineEnough) {
      const limit = criterion.relativeToPrevious ? baseline!.value! * criterion.threshold : criterion.threshold;
      outcome = passes(observed.value!, criterion.comparator, limit) ? VerdictOutcome.PASS : VerdictOutcome.FAIL;
    }
    return { criterion, outcome, observed, baseline, window };
  }

  /**
   * Writes the round in one transaction: every verdict (one statement), an event per verdict that
   * changed, and a decision for each deployment with its first FAIL.
   */
  private async record(evaluated: Array<{ d: ActiveDeployment; evaluations: Evaluation[] }>, now: Date): Promise<{ verdicts: number; decisions: number }> {
    return this.writes.run(EVALUATOR, async (tx) => {
      const deploymentIds = evaluated.map((e) => e.d.id);
      const previous = new Map(
        (
          (await tx.manager.query('SELECT id, outcome FROM verdict WHERE deployment_id = ANY($1) FOR UPDATE', [deploymentIds])) as Array<{
            id: string;
            outcome: VerdictOutcome;
          }>
        ).map((v) => [v.id, v.outcome]),
      );
      const rows = evaluated.flatMap(({ d, evaluations }) => evaluations.map((e) => ({ d, e, id: `rg:verdict:${d.id}|${e.criterion.id}` })));
      await tx.manager.query(
        `INSERT INTO verdict (id, deployment_id, criterion_id, outcome, observed, baseline, samples, evaluated_at, origin_connector)
         SELECT *, 'verifier' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::int[], $8::timestamptz[])
         ON CONFLICT (deployment_id, criterion_id) DO UPDATE SET outcome = excluded.outcome, observed = excluded.observed, baseline = excluded.baseline,
           samples = excluded.samples, evaluated_at = excluded.evaluated_at, updated_at = now()`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.d.id),
          rows.map((r) => r.e.criterion.id),
          rows.map((r) => r.e.outcome),
          rows.map((r) => r.e.observed.value),
          rows.map((r) => r.e.baseline?.value ?? null),
          rows.map((r) => r.e.observed.samples),
          rows.map(() => now),
        ],
      );
      let changed = 0;
      for (const { d, e, id } of rows) {
        const before = previous.get(id) ?? null;
        if (before === e.outcome) continue;
        changed++;
        tx.record('verdict.changed', {
          subjectId: d.id,
          releaseId: d.release_id,
          payload: { previousOutcome: before, outcome: e.outcome, ...evidenceOf(e) },
        });
      }
      let decisions = 0;
      const failing = evaluated.filter(({ evaluations }) => evaluations.some((e) => e.outcome === VerdictOutcome.FAIL));
      if (failing.length) {
        const decided = new Set(
          (
            (await tx.manager.query('SELECT deployment_id FROM rollback_decision WHERE deployment_id = ANY($1)', [failing.map((f) => f.d.id)])) as Array<{
              deployment_id: string;
            }>
          ).map((r) => r.deployment_id),
        );
        for (const { d, evaluations } of failing) {
          if (decided.has(d.id)) continue;
          await this.decide(
            tx,
            d,
            evaluations.filter((e) => e.outcome === VerdictOutcome.FAIL),
            now,
          );
          decisions++;
        }
      }
      return { verdicts: changed, decisions };
    });
  }

  private async decide(tx: WriteTx, d: ActiveDeployment, failed: Evaluation[], now: Date): Promise<void> {
    const mode = this.policy.rollback[d.tier] ?? RollbackMode.RECOMMENDED;
    const changeKeys = d.release_id
      ? ((await tx.manager.query('SELECT key FROM change WHERE release_id = $1 ORDER BY key', [d.release_id])) as Array<{ key: string }>).map((c) => c.key)
      : [];
    const reason = failed.map((e) => `${e.criterion.metric} ${formatValue(e.observed.value)} is not ${e.criterion.comparator} ${formatLimit(e)}`).join('; ');
    const id = `rg:rollback_decision:${crypto.randomUUID()}`;
    await tx.manager.insert(RollbackDecision, {
      id,
      deploymentId: d.id,
      releaseId: d.release_id,
      mode,
      status: mode === RollbackMode.AUTOMATIC ? RollbackDecisionStatus.ROLLED_BACK : RollbackDecisionStatus.RECOMMENDED,
      reason: `${d.service} ${d.version} in ${d.environment}: ${reason}`,
      evidence: failed.map(evidenceOf),
      changeKeys,
      decidedAt: now,
      decidedBy: mode === RollbackMode.AUTOMATIC ? EVALUATOR.name : null,
      originConnector: 'verifier',
    });
    const decision = await tx.manager.findOneByOrFail(RollbackDecision, { id });
    tx.record('rollback.decided', { subjectId: d.id, releaseId: d.release_id, payload: decision });
    if (mode === RollbackMode.AUTOMATIC) await this.rollBack(tx, d.id, d.release_id, { kind: 'verifier', reason: decision.reason });
  }

  /**
   * A person acts on a recommendation (the rollback decision's one transition, see
   * ROLLBACK_DECISION_LIFECYCLE): accept rolls the deployment and its release back; dismiss keeps them.
   */
  async settleDecision(actor: Actor, decisionId: string, accept: boolean): Promise<RollbackDecision> {
    return this.writes.run(actor, async (tx) => {
      const decision = await tx.manager.findOne(RollbackDecision, { where: { id: decisionId }, lock: { mode: 'pessimistic_write' } });
      if (!decision) throw new NotFoundError('rollback decision', decisionId, 'id');
      const status = accept ? RollbackDecisionStatus.ROLLED_BACK : RollbackDecisionStatus.DISMISSED;
      const outcome = decide(ROLLBACK_DECISION_LIFECYCLE, decision.status, status, 'person');
      if (outcome.kind !== 'move') throw new ConflictError(`the decision is already ${decision.status}`, 'id');
      await tx.manager.update(RollbackDecision, { id: decisionId }, { status, decidedBy: actor.name });
      const saved = await tx.manager.findOneByOrFail(RollbackDecision, { id: decisionId });
      tx.record(accept ? 'rollback.accepted' : 'rollback.dismissed', { subjectId: decision.deploymentId, releaseId: decision.releaseId, payload: saved });
      if (accept) await this.rollBack(tx, decision.deploymentId, decision.releaseId, { kind: 'person', reason: `rollback accepted: ${decision.reason}` });
      return saved;
    });
  }

  /** Rolls a deployment back, and its release while it is still deploying or stabilizing, through their owners' transitions. */
  private async rollBack(tx: WriteTx, deploymentId: string, releaseId: string | null, cause: Cause): Promise<void> {
    await this.deployments.transition(tx, deploymentId, DeploymentStatus.ROLLED_BACK, cause);
    if (!releaseId) return;
    const release = await tx.manager.findOne(Release, { where: { id: releaseId }, select: { id: true, status: true } });
    if (release && (release.status === ReleaseStatus.DEPLOYING || release.status === ReleaseStatus.STABILIZING)) {
      await this.releases.transition(tx, releaseId, ReleaseStatus.ROLLED_BACK, cause);
    }
  }
}

function evidenceOf(e: Evaluation) {
  return {
    criterionId: e.criterion.id,
    metric: e.criterion.metric,
    comparator: e.criterion.comparator,
    threshold: e.criterion.threshold,
    relativeToPrevious: e.criterion.relativeToPrevious,
    observed: e.observed.value,
    samples: e.observed.samples,
    baseline: e.baseline?.value ?? null,
    baselineSamples: e.baseline?.samples ?? null,
    from: e.window.from.toISOString(),
    to: e.window.to.toISOString(),
  };
}

const formatValue = (v: number | null) => (v === null ? 'n/a' : Number(v.toPrecision(4)).toString());
const formatLimit = (e: Evaluation) =>
  e.criterion.relativeToPrevious ? `${e.criterion.threshold}× the previous version (${formatValue(e.baseline?.value ?? null)})` : String(e.criterion.threshold);
