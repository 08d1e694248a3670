import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { RequirePermission } from '../../graphql/authorization.js';
import type { GraphContext } from '../../graphql/context.js';
import { PageArgs } from '../../graphql/connection.js';
import { Permission } from '../auth/roles.js';
import { Environment } from './environment.entity.js';
import { CreateEnvironmentInput, EnvironmentConnection, EnvironmentFilter, UpdateEnvironmentInput } from './environment.types.js';

@Resolver(() => Environment)
export class EnvironmentResolver {
  @Query(() => EnvironmentConnection, { description: 'Environments, newest first.' })
  environments(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => EnvironmentFilter, { nullable: true }) filter: EnvironmentFilter | null,
    @Ctx() ctx: GraphContext,
  ) {
    return ctx.domain.environments.list(filter, page);
  }

  @Mutation(() => Environment)
  @RequirePermission(Permission.CatalogWrite)
  createEnvironment(@Arg('input', () => CreateEnvironmentInput) input: CreateEnvironmentInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.environments.create(ctx.caller, input);
  }

  @Mutation(() => Environment)
  @RequirePermission(Permission.CatalogWrite)
  updateEnvironment(@Arg('input', () => UpdateEnvironmentInput) input: UpdateEnvironmentInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.environments.update(ctx.caller, input);
  }
}
