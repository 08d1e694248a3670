import { Field, Float, ID, InputType } from 'type-graphql';
import { connectionType } from '../../graphql/connection.js';
import { TimeRange } from '../../graphql/time-range.js';
import { Priority, Release, ReleaseStatus } from './release.entity.js';

export const ReleaseConnection = connectionType('Release', Release);

@InputType()
export class CreateReleaseInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Date, { nullable: true })
  plannedStart?: Date | null;

  @Field(() => Date, { nullable: true })
  plannedEnd?: Date | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone; UTC when omitted.' })
  timezone?: string | null;

  @Field(() => Priority, { nullable: true })
  priority?: Priority | null;

  @Field(() => Date, { nullable: true })
  regulatoryDeadline?: Date | null;

  @Field(() => Float, { nullable: true })
  revenueImpact?: number | null;

  @Field(() => [ID], { nullable: true, description: 'Services the release ships.' })
  serviceIds?: string[] | null;
}

@InputType({ description: 'Only the fields given change; `serviceIds`, when given, replaces the list.' })
export class UpdateReleaseInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  version?: string | null;

  @Field(() => ReleaseStatus, { nullable: true, description: 'Moves the release through its life cycle.' })
  status?: ReleaseStatus | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Date, { nullable: true })
  plannedStart?: Date | null;

  @Field(() => Date, { nullable: true })
  plannedEnd?: Date | null;

  @Field(() => String, { nullable: true })
  timezone?: string | null;

  @Field(() => Priority, { nullable: true })
  priority?: Priority | null;

  @Field(() => Date, { nullable: true })
  regulatoryDeadline?: Date | null;

  @Field(() => Float, { nullable: true })
  revenueImpact?: number | null;

  @Field(() => [ID], { nullable: true })
  serviceIds?: string[] | null;
}

@InputType()
export class ReleaseFilter {
  @Field(() => [ReleaseStatus], { nullable: true })
  status?: ReleaseStatus[] | null;

  @Field(() => ID, { nullable: true, description: 'Releases that ship this service.' })
  serviceId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Releases with a deployment to this environment.' })
  environmentId?: string | null;

  @Field(() => TimeRange, { nullable: true })
  plannedStart?: TimeRange | null;

  @Field(() => TimeRange, { nullable: true })
  createdAt?: TimeRange | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive part of the name.' })
  nameContains?: string | null;
}
