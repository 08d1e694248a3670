import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { RequirePermission } from '../../graphql/authorization.js';
import type { GraphContext } from '../../graphql/context.js';
import { PageArgs } from '../../graphql/connection.js';
import { Permission } from '../auth/roles.js';
import { Commit } from '../commits/commit.entity.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';
import { Approval, Change } from './change.entity.js';
import { ChangeConnection, ChangeFilter, CreateChangeInput, UpdateChangeInput } from './change.types.js';

@Resolver(() => Change)
export class ChangeResolver {
  @Query(() => ChangeConnection, { description: 'Change tickets, newest first.' })
  changes(@Args(() => PageArgs) page: PageArgs, @Arg('filter', () => ChangeFilter, { nullable: true }) filter: ChangeFilter | null, @Ctx() ctx: GraphContext) {
    return ctx.domain.changes.list(filter, page);
  }

  @Mutation(() => Change)
  @RequirePermission(Permission.ChangeWrite)
  createChange(@Arg('input', () => CreateChangeInput) input: CreateChangeInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.changes.create(ctx.caller, input);
  }

  @Mutation(() => Change)
  @RequirePermission(Permission.ChangeWrite)
  updateChange(@Arg('input', () => UpdateChangeInput) input: UpdateChangeInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.changes.update(ctx.caller, input);
  }

  @FieldResolver(() => [Approval])
  approvals(@Root() c: Change, @Ctx() ctx: GraphContext) {
    return ctx.loaders.approvalsOfChange.load(c.id);
  }

  @FieldResolver(() => [Commit], { description: 'Commits that name this change key.' })
  commits(@Root() c: Change, @Ctx() ctx: GraphContext) {
    return ctx.loaders.commitsOfChangeKey.load(c.key);
  }

  @FieldResolver(() => [Service])
  services(@Root() c: Change, @Ctx() ctx: GraphContext) {
    return ctx.loaders.servicesOfChange.load(c.id);
  }

  @FieldResolver(() => Release, { nullable: true })
  release(@Root() c: Change, @Ctx() ctx: GraphContext) {
    return c.releaseId ? ctx.loaders.releaseById.load(c.releaseId) : null;
  }
}

@Resolver(() => Approval)
export class ApprovalResolver {
  @FieldResolver(() => Change)
  change(@Root() a: Approval, @Ctx() ctx: GraphContext) {
    return ctx.loaders.changeById.load(a.changeId);
  }
}
