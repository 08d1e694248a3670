import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { RequirePermission } from '../../graphql/authorization.js';
import type { GraphContext } from '../../graphql/context.js';
import { Permission } from '../auth/roles.js';
import { Release } from '../releases/release.entity.js';
import { Slo } from './slo.entity.js';
import { CreateSloInput, ReleaseBudgetUse, SloStatus } from './slo.types.js';

@Resolver(() => Slo)
export class SloResolver {
  @Query(() => [Slo], { description: 'Every SLO.' })
  slos(@Ctx() ctx: GraphContext) {
    return ctx.domain.slos.list();
  }

  @FieldResolver(() => SloStatus, { description: 'Budget left and burn-rate alerts, now.' })
  status(@Root() slo: Slo, @Ctx() ctx: GraphContext) {
    return ctx.domain.slos.status(slo.id);
  }

  @RequirePermission(Permission.CatalogWrite)
  @Mutation(() => Slo)
  createSlo(@Ctx() ctx: GraphContext, @Arg('input', () => CreateSloInput) input: CreateSloInput) {
    return ctx.domain.slos.create(ctx.caller, input);
  }
}

@Resolver(() => Release)
export class ReleaseBudgetResolver {
  @FieldResolver(() => [ReleaseBudgetUse], { description: "The error budget the release's deployed versions spent since their deployments, per SLO." })
  errorBudget(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.domain.slos.releaseBudget(r.id);
  }
}
