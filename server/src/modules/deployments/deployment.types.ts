import { Field, ID, InputType } from 'type-graphql';
import { connectionType } from '../../graphql/connection.js';
import { TimeRange } from '../../graphql/time-range.js';
import { Deployment, DeploymentStatus, DeploymentStrategy } from './deployment.entity.js';

export const DeploymentConnection = connectionType('Deployment', Deployment);

@InputType()
export class CreateDeploymentInput {
  @Field(() => ID)
  serviceId!: string;

  @Field(() => ID)
  environmentId!: string;

  @Field(() => String)
  version!: string;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => ID, { nullable: true })
  artifactId?: string | null;

  @Field(() => DeploymentStatus, { nullable: true, description: 'PENDING when omitted.' })
  status?: DeploymentStatus | null;

  @Field(() => DeploymentStrategy, { nullable: true })
  strategy?: DeploymentStrategy | null;

  @Field(() => Date, { nullable: true, description: 'Now, when the deployment starts IN_PROGRESS and this is omitted.' })
  startedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'The caller when omitted.' })
  deployer?: string | null;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateDeploymentInput {
  @Field(() => ID)
  id!: string;

  @Field(() => DeploymentStatus, { nullable: true })
  status?: DeploymentStatus | null;

  @Field(() => DeploymentStrategy, { nullable: true })
  strategy?: DeploymentStrategy | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => ID, { nullable: true })
  artifactId?: string | null;

  @Field(() => Date, { nullable: true })
  startedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt?: Date | null;
}

@InputType()
export class DeploymentFilter {
  @Field(() => [DeploymentStatus], { nullable: true })
  status?: DeploymentStatus[] | null;

  @Field(() => ID, { nullable: true })
  serviceId?: string | null;

  @Field(() => ID, { nullable: true })
  environmentId?: string | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => String, { nullable: true })
  version?: string | null;

  @Field(() => TimeRange, { nullable: true })
  startedAt?: TimeRange | null;
}
