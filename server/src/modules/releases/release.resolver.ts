import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { RequirePermission } from '../../graphql/authorization.js';
import type { GraphContext } from '../../graphql/context.js';
import { PageArgs } from '../../graphql/connection.js';
import { Permission } from '../auth/roles.js';
import { Change } from '../changes/change.entity.js';
import { Commit, GitTag } from '../commits/commit.entity.js';
import { Deployment } from '../deployments/deployment.entity.js';
import { Environment } from '../environments/environment.entity.js';
import { Incident } from '../incidents/incident.entity.js';
import { Artifact, PipelineRun } from '../pipelines/pipeline.entity.js';
import { Service } from '../services/service.entity.js';
import { Release } from './release.entity.js';
import { CreateReleaseInput, ReleaseConnection, ReleaseFilter, UpdateReleaseInput } from './release.types.js';

@Resolver(() => Release)
export class ReleaseResolver {
  @Query(() => Release, { nullable: true })
  release(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphContext) {
    return ctx.loaders.releaseById.load(id);
  }

  @Query(() => ReleaseConnection, { description: 'Releases, newest first.' })
  releases(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ReleaseFilter, { nullable: true }) filter: ReleaseFilter | null,
    @Ctx() ctx: GraphContext,
  ) {
    return ctx.domain.releases.list(filter, page);
  }

  @Mutation(() => Release)
  @RequirePermission(Permission.ReleaseWrite)
  createRelease(@Arg('input', () => CreateReleaseInput) input: CreateReleaseInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.releases.create(ctx.caller, input);
  }

  @Mutation(() => Release)
  @RequirePermission(Permission.ReleaseWrite)
  updateRelease(@Arg('input', () => UpdateReleaseInput) input: UpdateReleaseInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.releases.update(ctx.caller, input);
  }

  @FieldResolver(() => [Service])
  services(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.loaders.servicesOfRelease.load(r.id);
  }

  @FieldResolver(() => [Environment], { description: 'Environments the release has deployments in.' })
  environments(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.loaders.environmentsOfRelease.load(r.id);
  }

  @FieldResolver(() => [Change])
  changes(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.loaders.changesOfRelease.load(r.id);
  }

  @FieldResolver(() => [Commit], { description: "Commits naming the release's changes, and the commits its tags point at." })
  commits(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.loaders.commitsOfRelease.load(r.id);
  }

  @FieldResolver(() => [GitTag])
  tags(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.loaders.tagsOfRelease.load(r.id);
  }

  @FieldResolver(() => [PipelineRun])
  pipelines(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.loaders.pipelinesOfRelease.load(r.id);
  }

  @FieldResolver(() => [Artifact])
  artifacts(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.loaders.artifactsOfRelease.load(r.id);
  }

  @FieldResolver(() => [Deployment])
  deployments(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.loaders.deploymentsOfRelease.load(r.id);
  }

  @FieldResolver(() => [Incident])
  incidents(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.loaders.incidentsOfRelease.load(r.id);
  }
}
