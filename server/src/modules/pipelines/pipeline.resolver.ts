import { Arg, Args, Ctx, Field, FieldResolver, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { GraphContext } from '../../graphql/context.js';
import { PageArgs } from '../../graphql/connection.js';
import { Deployment, DeploymentStatus } from '../deployments/deployment.entity.js';
import { Environment } from '../environments/environment.entity.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';
import { Artifact, PipelineRun } from './pipeline.entity.js';
import { ArtifactConnection, ArtifactFilter, PipelineRunConnection, PipelineRunFilter } from './pipeline.types.js';

@ObjectType({ description: 'An artifact reaching an environment (a successful deployment of it).' })
export class Promotion {
  @Field(() => Environment)
  environment!: Environment;

  @Field(() => Date, { nullable: true })
  at!: Date | null;

  @Field(() => Deployment)
  deployment!: Deployment;
}

@Resolver(() => PipelineRun)
export class PipelineRunResolver {
  @Query(() => PipelineRunConnection, { description: 'Pipeline runs, newest first.' })
  pipelineRuns(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => PipelineRunFilter, { nullable: true }) filter: PipelineRunFilter | null,
    @Ctx() ctx: GraphContext,
  ) {
    return ctx.domain.pipelines.listRuns(filter, page);
  }

  @FieldResolver(() => Service, { nullable: true })
  service(@Root() p: PipelineRun, @Ctx() ctx: GraphContext) {
    return p.serviceId ? ctx.loaders.serviceById.load(p.serviceId) : null;
  }

  @FieldResolver(() => Release, { nullable: true })
  release(@Root() p: PipelineRun, @Ctx() ctx: GraphContext) {
    return p.releaseId ? ctx.loaders.releaseById.load(p.releaseId) : null;
  }

  @FieldResolver(() => [Artifact])
  artifacts(@Root() p: PipelineRun, @Ctx() ctx: GraphContext) {
    return ctx.loaders.artifactsOfPipelineRun.load(p.id);
  }
}

@Resolver(() => Artifact)
export class ArtifactResolver {
  @Query(() => ArtifactConnection, { description: 'Artifacts, newest first.' })
  artifacts(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ArtifactFilter, { nullable: true }) filter: ArtifactFilter | null,
    @Ctx() ctx: GraphContext,
  ) {
    return ctx.domain.pipelines.listArtifacts(filter, page);
  }

  @FieldResolver(() => [Promotion], { description: 'Environments the artifact was deployed to, in order.' })
  async promotions(@Root() a: Artifact, @Ctx() ctx: GraphContext): Promise<Promotion[]> {
    const deployments = (await ctx.loaders.deploymentsOfArtifact.load(a.id)).filter((d) => d.status === DeploymentStatus.SUCCEEDED);
    const environments = await ctx.loaders.environmentById.loadMany(deployments.map((d) => d.environmentId));
    return deployments.flatMap((deployment, i) => {
      const environment = environments[i];
      return environment instanceof Environment ? [{ environment, at: deployment.finishedAt ?? deployment.startedAt, deployment }] : [];
    });
  }

  @FieldResolver(() => Service, { nullable: true })
  service(@Root() a: Artifact, @Ctx() ctx: GraphContext) {
    return a.serviceId ? ctx.loaders.serviceById.load(a.serviceId) : null;
  }

  @FieldResolver(() => PipelineRun, { nullable: true })
  pipelineRun(@Root() a: Artifact, @Ctx() ctx: GraphContext) {
    return a.pipelineRunId ? ctx.loaders.pipelineRunById.load(a.pipelineRunId) : null;
  }
}
