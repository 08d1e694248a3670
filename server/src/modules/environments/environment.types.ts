import { Field, ID, InputType } from 'type-graphql';
import { connectionType } from '../../graphql/connection.js';
import { Environment, EnvironmentTier } from './environment.entity.js';

export const EnvironmentConnection = connectionType('Environment', Environment);

@InputType()
export class CreateEnvironmentInput {
  @Field(() => String)
  name!: string;

  @Field(() => EnvironmentTier)
  tier!: EnvironmentTier;

  @Field(() => String, { nullable: true })
  region?: string | null;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateEnvironmentInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => EnvironmentTier, { nullable: true })
  tier?: EnvironmentTier | null;

  @Field(() => String, { nullable: true })
  region?: string | null;
}

@InputType()
export class EnvironmentFilter {
  @Field(() => [EnvironmentTier], { nullable: true })
  tier?: EnvironmentTier[] | null;
}
