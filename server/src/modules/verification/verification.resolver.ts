import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { RequirePermission } from '../../graphql/authorization.js';
import type { GraphContext } from '../../graphql/context.js';
import { BadUserInputError } from '../../domain-errors.js';
import { Permission } from '../auth/roles.js';
import { Deployment } from '../deployments/deployment.entity.js';
import { Release } from '../releases/release.entity.js';
import { RollbackDecision, SuccessCriterion, Verdict } from './verification.entity.js';
import { CreateSuccessCriterionInput, KpiPoint } from './verification.types.js';
import { kpiUpdates } from './kpi-updates.js';
import { SyntheticResult } from '../synthetics/synthetic.entity.js';

/** The most steps one kpiSeries answer holds. */
const MAX_STEPS = 11_000;

@Resolver()
export class VerificationResolver {
  @Query(() => [KpiPoint], {
    description: 'A KPI of one service version in one environment, step by step (Prometheus samples where configured, else the OTLP rollups).',
  })
  kpiSeries(
    @Ctx() ctx: GraphContext,
    @Arg('service', () => String) service: string,
    @Arg('environment', () => String) environment: string,
    @Arg('version', () => String) version: string,
    @Arg('metric', () => String) metric: string,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('step', () => Int, { description: 'Seconds per step.' }) step: number,
  ): Promise<KpiPoint[]> {
    if (!(to > from)) throw new BadUserInputError('to', 'must be after from');
    if (step < 1) throw new BadUserInputError('step', 'must be at least 1 second');
    if ((to.getTime() - from.getTime()) / 1000 / step > MAX_STEPS) throw new BadUserInputError('step', `at most ${MAX_STEPS} steps per series`);
    return ctx.domain.verifier.kpis.series(metric, { service, environment, version }, from, to, step);
  }

  @Subscription(() => KpiPoint, {
    description:
      'Live points of a KPI for a chart: the current step at once, then each new or changed step — as soon as OTLP traffic changed it, and every intervalSeconds (Prometheus KPIs).',
    subscribe: ({ args, context }) => {
      const a = args as { service: string; environment: string; version: string; metric: string; step: number; intervalSeconds: number };
      if (a.step < 1 || a.step > 86_400) throw new BadUserInputError('step', 'between 1 second and 1 day');
      if (a.intervalSeconds < 1 || a.intervalSeconds > 300) throw new BadUserInputError('intervalSeconds', 'between 1 and 300 seconds');
      const ctx = context as GraphContext;
      return kpiUpdates(
        ctx.domain.verifier.kpis,
        a.metric,
        { service: a.service, environment: a.environment, version: a.version },
        a.step,
        a.intervalSeconds * 1000,
        (scope, onChange) => ctx.domain.rollups.watch(scope, onChange),
      );
    },
  })
  kpiUpdated(
    @Root() point: KpiPoint,
    @Arg('service', () => String) _service: string,
    @Arg('environment', () => String) _environment: string,
    @Arg('version', () => String) _version: string,
    @Arg('metric', () => String) _metric: string,
    @Arg('step', () => Int, { defaultValue: 60, description: 'Seconds per step.' }) _step: number,
    @Arg('intervalSeconds', () => Int, { defaultValue: 5 }) _intervalSeconds: number,
  ): KpiPoint {
    return point;
  }

  @RequirePermission(Permission.ReleaseWrite)
  @Mutation(() => SuccessCriterion)
  createSuccessCriterion(@Ctx() ctx: GraphContext, @Arg('input', () => CreateSuccessCriterionInput) input: CreateSuccessCriterionInput) {
    return ctx.domain.verifier.createCriterion(ctx.caller, input);
  }

  @RequirePermission(Permission.ReleaseWrite)
  @Mutation(() => RollbackDecision, { description: 'Accepts a recommended rollback: the deployment and its release are rolled back.' })
  acceptRollbackDecision(@Ctx() ctx: GraphContext, @Arg('id', () => ID) id: string) {
    return ctx.domain.verifier.settleDecision(ctx.caller, id, true);
  }

  @RequirePermission(Permission.ReleaseWrite)
  @Mutation(() => RollbackDecision, { description: 'Dismisses a recommended rollback: the deployment stays.' })
  dismissRollbackDecision(@Ctx() ctx: GraphContext, @Arg('id', () => ID) id: string) {
    return ctx.domain.verifier.settleDecision(ctx.caller, id, false);
  }
}

@Resolver(() => Deployment)
export class DeploymentVerificationResolver {
  @FieldResolver(() => [Verdict], { description: 'The latest verdict of each success criterion that applies.' })
  verdicts(@Root() d: Deployment, @Ctx() ctx: GraphContext) {
    return ctx.loaders.verdictsOfDeployment.load(d.id);
  }

  @FieldResolver(() => [SyntheticResult], { description: 'Synthetic checks run against this deployment, oldest first.' })
  syntheticResults(@Root() d: Deployment, @Ctx() ctx: GraphContext) {
    return ctx.loaders.syntheticResultsOfDeployment.load(d.id);
  }

  @FieldResolver(() => RollbackDecision, { nullable: true })
  async rollbackDecision(@Root() d: Deployment, @Ctx() ctx: GraphContext) {
    return (await ctx.loaders.rollbackDecisionsOfDeployment.load(d.id))[0] ?? null;
  }
}

@Resolver(() => Release)
export class ReleaseVerificationResolver {
  @FieldResolver(() => [SuccessCriterion], { description: 'Success criteria set for this release (criteria by service or tier apply too).' })
  criteria(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.loaders.criteriaOfRelease.load(r.id);
  }
}

@Resolver(() => Verdict)
export class VerdictResolver {
  @FieldResolver(() => SuccessCriterion)
  async criterion(@Root() v: Verdict, @Ctx() ctx: GraphContext) {
    return ctx.loaders.criterionById.load(v.criterionId);
  }
}
