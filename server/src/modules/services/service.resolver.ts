import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { RequirePermission } from '../../graphql/authorization.js';
import type { GraphContext } from '../../graphql/context.js';
import { PageArgs } from '../../graphql/connection.js';
import { Permission } from '../auth/roles.js';
import { Environment } from '../environments/environment.entity.js';
import { Service } from './service.entity.js';
import { CreateServiceInput, ServiceConnection, ServiceFilter, UpdateServiceInput } from './service.types.js';

@Resolver(() => Service)
export class ServiceResolver {
  @Query(() => ServiceConnection, { description: 'Services, newest first.' })
  services(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ServiceFilter, { nullable: true }) filter: ServiceFilter | null,
    @Ctx() ctx: GraphContext,
  ) {
    return ctx.domain.services.list(filter, page);
  }

  @Mutation(() => Service)
  @RequirePermission(Permission.CatalogWrite)
  createService(@Arg('input', () => CreateServiceInput) input: CreateServiceInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.services.create(ctx.caller, input);
  }

  @Mutation(() => Service)
  @RequirePermission(Permission.CatalogWrite)
  updateService(@Arg('input', () => UpdateServiceInput) input: UpdateServiceInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.services.update(ctx.caller, input);
  }

  @FieldResolver(() => [Service], { description: 'Services this one depends on.' })
  dependsOn(@Root() service: Service, @Ctx() ctx: GraphContext) {
    return ctx.loaders.dependenciesOfService.load(service.id);
  }

  @FieldResolver(() => [Service], { description: 'Services that depend on this one.' })
  dependents(@Root() service: Service, @Ctx() ctx: GraphContext) {
    return ctx.loaders.dependentsOfService.load(service.id);
  }

  @FieldResolver(() => [Environment], { description: 'Environments this service has been deployed to.' })
  environments(@Root() service: Service, @Ctx() ctx: GraphContext) {
    return ctx.loaders.environmentsOfService.load(service.id);
  }
}
