import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { EnvironmentTier } from '../environments/environment.entity.js';
import { Comparator } from './verification.entity.js';

@InputType({ description: 'A success criterion; without releaseId, serviceId and environmentTier it applies to every deployment.' })
export class CreateSuccessCriterionInput {
  @Field(() => String)
  metric!: string;

  @Field(() => Comparator)
  comparator!: Comparator;

  @Field(() => Float)
  threshold!: number;

  @Field(() => Int)
  windowSeconds!: number;

  @Field(() => Int, { nullable: true, description: '20 when omitted.' })
  minSamples?: number | null;

  @Field(() => Boolean, { nullable: true })
  relativeToPrevious?: boolean | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => ID, { nullable: true })
  serviceId?: string | null;

  @Field(() => EnvironmentTier, { nullable: true })
  environmentTier?: EnvironmentTier | null;
}
