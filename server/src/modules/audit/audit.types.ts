import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection.js';
import { TimeRange } from '../../graphql/time-range.js';
import { AuditEntry } from './audit-entry.entity.js';

export const AuditEntryConnection = connectionType('AuditEntry', AuditEntry);

@InputType()
export class AuditEntryFilter {
  @Field(() => ID, { nullable: true })
  subjectId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Everything that happened to a release: its own entries and those of its deployments, changes, approvals, rollback decisions, windows, ….',
  })
  releaseId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Everything that happened to a change ticket and its approvals.' })
  changeId?: string | null;

  @Field(() => String, { nullable: true })
  actor?: string | null;

  @Field(() => String, { nullable: true })
  action?: string | null;

  @Field(() => TimeRange, { nullable: true })
  at?: TimeRange | null;
}

@ObjectType({ description: 'Result of re-computing the audit hash chain.' })
export class AuditChainVerification {
  @Field(() => Boolean)
  intact!: boolean;

  @Field(() => Int)
  entries!: number;

  @Field(() => String, { nullable: true, description: 'The first entry whose hash does not match, if any.' })
  firstBrokenSeq!: string | null;
}
