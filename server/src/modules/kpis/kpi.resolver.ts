import { Arg, Ctx, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphContext } from '../../graphql/context.js';
import { BadUserInputError } from '../../domain-errors.js';
import { kpiUpdates } from './kpi-updates.js';
import { KpiPoint } from './kpi.types.js';

/** The most steps one kpiSeries answer holds. */
const MAX_STEPS = 11_000;

/** KPI series and their live points (what success criteria, SLOs and the Live KPIs view read). */
@Resolver()
export class KpiResolver {
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
    return ctx.domain.kpiReader.series(metric, { service, environment, version }, from, to, step);
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
        ctx.domain.kpiReader,
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
}
