import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { RequirePermission } from '../../graphql/authorization.js';
import type { GraphContext } from '../../graphql/context.js';
import { PageArgs } from '../../graphql/connection.js';
import { Permission } from '../auth/roles.js';
import { Environment } from '../environments/environment.entity.js';
import { Artifact } from '../pipelines/pipeline.entity.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';
import { Deployment } from './deployment.entity.js';
import { CreateDeploymentInput, DeploymentConnection, DeploymentFilter, UpdateDeploymentInput } from './deployment.types.js';

@Resolver(() => Deployment)
export class DeploymentResolver {
  @Query(() => DeploymentConnection, { description: 'Deployments, newest first.' })
  deployments(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => DeploymentFilter, { nullable: true }) filter: DeploymentFilter | null,
    @Ctx() ctx: GraphContext,
  ) {
    return ctx.domain.deployments.list(filter, page);
  }

  @Mutation(() => Deployment)
  @RequirePermission(Permission.DeploymentWrite)
  createDeployment(@Arg('input', () => CreateDeploymentInput) input: CreateDeploymentInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.deployments.create(ctx.caller, input);
  }

  @Mutation(() => Deployment)
  @RequirePermission(Permission.DeploymentWrite)
  updateDeployment(@Arg('input', () => UpdateDeploymentInput) input: UpdateDeploymentInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.deployments.update(ctx.caller, input);
  }

  @FieldResolver(() => Release, { nullable: true })
  release(@Root() d: Deployment, @Ctx() ctx: GraphContext) {
    return d.releaseId ? ctx.loaders.releaseById.load(d.releaseId) : null;
  }

  @FieldResolver(() => Service)
  service(@Root() d: Deployment, @Ctx() ctx: GraphContext) {
    return ctx.loaders.serviceById.load(d.serviceId);
  }

  @FieldResolver(() => Environment)
  environment(@Root() d: Deployment, @Ctx() ctx: GraphContext) {
    return ctx.loaders.environmentById.load(d.environmentId);
  }

  @FieldResolver(() => Artifact, { nullable: true })
  artifact(@Root() d: Deployment, @Ctx() ctx: GraphContext) {
    return d.artifactId ? ctx.loaders.artifactById.load(d.artifactId) : null;
  }
}
