import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { SliKind } from './slo.entity.js';

@InputType()
export class CreateSloInput {
  @Field(() => String)
  name!: string;

  @Field(() => ID)
  serviceId!: string;

  @Field(() => ID)
  environmentId!: string;

  @Field(() => Float)
  objective!: number;

  @Field(() => Int, { nullable: true, description: '30 when omitted.' })
  windowDays?: number | null;

  @Field(() => SliKind, { nullable: true, description: 'AVAILABILITY when omitted.' })
  sli?: SliKind | null;

  @Field(() => Float, { nullable: true, description: 'LATENCY SLIs: requests slower than this are bad.' })
  latencyThresholdMs?: number | null;

  @Field(() => String, { nullable: true, description: 'KPI SLIs: the KPI, a bad fraction (e.g. a Prometheus error_rate).' })
  kpiMetric?: string | null;
}

@ObjectType({ description: 'A multi-window burn-rate alert of an SLO and where it stands.' })
export class BurnAlert {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'page or ticket' })
  severity!: string;

  @Field(() => Int)
  longWindowSeconds!: number;

  @Field(() => Int)
  shortWindowSeconds!: number;

  @Field(() => Float)
  factor!: number;

  @Field(() => Float, { nullable: true })
  longBurnRate!: number | null;

  @Field(() => Float, { nullable: true })
  shortBurnRate!: number | null;

  @Field(() => Boolean)
  firing!: boolean;

  @Field(() => [ID], { description: 'Deployments of the service inside the long window (and the one running when it began).' })
  deploymentIds!: string[];
}

@ObjectType({ description: 'Where an SLO stands now.' })
export class SloStatus {
  @Field(() => Float, { nullable: true, description: 'Fraction of the error budget left over the SLO window (negative once overspent).' })
  budgetRemaining!: number | null;

  @Field(() => Float, { description: 'Good requests (KPI SLIs: samples, each weighted by its good fraction).' })
  goodEvents!: number;

  @Field(() => Float)
  badEvents!: number;

  @Field(() => [BurnAlert])
  alerts!: BurnAlert[];
}

@ObjectType({ description: "The error budget a release's deployments spent since they were deployed, per SLO." })
export class ReleaseBudgetUse {
  @Field(() => ID)
  sloId!: string;

  @Field(() => String)
  slo!: string;

  @Field(() => Float, { nullable: true, description: "Fraction of the SLO window's budget." })
  consumed!: number | null;

  @Field(() => Float)
  badEvents!: number;
}
