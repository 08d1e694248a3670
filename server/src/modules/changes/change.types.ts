import { Field, ID, InputType } from 'type-graphql';
import { connectionType } from '../../graphql/connection.js';
import { TimeRange } from '../../graphql/time-range.js';
import { Change, ChangeRisk, ChangeState, ChangeType } from './change.entity.js';

export const ChangeConnection = connectionType('Change', Change);

@InputType()
export class CreateChangeInput {
  @Field(() => String, { description: 'Ticket key, e.g. CHG0030001 or OPS-123.' })
  key!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ChangeType, { nullable: true, description: 'NORMAL when omitted.' })
  type?: ChangeType | null;

  @Field(() => ChangeRisk, { nullable: true })
  risk?: ChangeRisk | null;

  @Field(() => ChangeState, { nullable: true, description: 'NEW when omitted.' })
  state?: ChangeState | null;

  @Field(() => String, { nullable: true })
  rollbackPlan?: string | null;

  @Field(() => String, { nullable: true })
  rollbackCriteria?: string | null;

  @Field(() => Date, { nullable: true })
  windowStart?: Date | null;

  @Field(() => Date, { nullable: true })
  windowEnd?: Date | null;

  @Field(() => String, { nullable: true })
  requestedBy?: string | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => [ID], { nullable: true })
  serviceIds?: string[] | null;
}

@InputType({ description: 'Only the fields given change; `serviceIds`, when given, replaces the list.' })
export class UpdateChangeInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ChangeType, { nullable: true })
  type?: ChangeType | null;

  @Field(() => ChangeRisk, { nullable: true })
  risk?: ChangeRisk | null;

  @Field(() => ChangeState, { nullable: true })
  state?: ChangeState | null;

  @Field(() => String, { nullable: true })
  rollbackPlan?: string | null;

  @Field(() => String, { nullable: true })
  rollbackCriteria?: string | null;

  @Field(() => Date, { nullable: true })
  windowStart?: Date | null;

  @Field(() => Date, { nullable: true })
  windowEnd?: Date | null;

  @Field(() => String, { nullable: true })
  requestedBy?: string | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => [ID], { nullable: true })
  serviceIds?: string[] | null;
}

@InputType()
export class ChangeFilter {
  @Field(() => [ChangeState], { nullable: true })
  state?: ChangeState[] | null;

  @Field(() => [ChangeType], { nullable: true })
  type?: ChangeType[] | null;

  @Field(() => ID, { nullable: true })
  serviceId?: string | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => String, { nullable: true })
  key?: string | null;

  @Field(() => TimeRange, { nullable: true, description: 'Changes whose window starts in this range.' })
  windowStart?: TimeRange | null;

  @Field(() => TimeRange, { nullable: true })
  createdAt?: TimeRange | null;
}
