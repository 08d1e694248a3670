import { Field, ID, InputType } from 'type-graphql';
import { connectionType } from '../../graphql/connection.js';
import { TimeRange } from '../../graphql/time-range.js';
import { Commit, GitTag } from './commit.entity.js';

export const CommitConnection = connectionType('Commit', Commit);
export const GitTagConnection = connectionType('GitTag', GitTag);

@InputType()
export class CommitFilter {
  @Field(() => String, { nullable: true })
  repository?: string | null;

  @Field(() => String, { nullable: true, description: 'Commits that name this change key.' })
  changeKey?: string | null;

  @Field(() => String, { nullable: true })
  sha?: string | null;

  @Field(() => TimeRange, { nullable: true })
  committedAt?: TimeRange | null;
}

@InputType()
export class GitTagFilter {
  @Field(() => String, { nullable: true })
  repository?: string | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => TimeRange, { nullable: true })
  createdAt?: TimeRange | null;
}
