import { Field, ID, InputType } from 'type-graphql';
import { connectionType } from '../../graphql/connection.js';
import { TimeRange } from '../../graphql/time-range.js';
import { Artifact, PipelineRun, PipelineStatus } from './pipeline.entity.js';

export const PipelineRunConnection = connectionType('PipelineRun', PipelineRun);
export const ArtifactConnection = connectionType('Artifact', Artifact);

@InputType()
export class PipelineRunFilter {
  @Field(() => [PipelineStatus], { nullable: true })
  status?: PipelineStatus[] | null;

  @Field(() => ID, { nullable: true })
  serviceId?: string | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => String, { nullable: true })
  commitSha?: string | null;

  @Field(() => String, { nullable: true })
  provider?: string | null;

  @Field(() => TimeRange, { nullable: true })
  startedAt?: TimeRange | null;
}

@InputType()
export class ArtifactFilter {
  @Field(() => ID, { nullable: true })
  serviceId?: string | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => String, { nullable: true })
  digest?: string | null;

  @Field(() => TimeRange, { nullable: true })
  createdAt?: TimeRange | null;
}
