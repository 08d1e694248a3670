import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { RequirePermission } from '../../graphql/authorization.js';
import type { GraphContext } from '../../graphql/context.js';
import { Permission } from '../auth/roles.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';
import { Escalation, StabilizationOwner, StabilizationWindow } from './stabilization.entity.js';

@Resolver(() => StabilizationWindow)
export class StabilizationResolver {
  @FieldResolver(() => [StabilizationOwner])
  owners(@Root() w: StabilizationWindow, @Ctx() ctx: GraphContext) {
    return ctx.loaders.ownersOfWindow.load(w.id);
  }

  @FieldResolver(() => [Escalation], { description: 'Newest first.' })
  escalations(@Root() w: StabilizationWindow, @Ctx() ctx: GraphContext) {
    return ctx.loaders.escalationsOfWindow.load(w.id);
  }

  @RequirePermission(Permission.ReleaseWrite)
  @Mutation(() => StabilizationWindow, { description: "Assigns a service's owner for the window, or hands ownership off to someone else." })
  assignStabilizationOwner(
    @Ctx() ctx: GraphContext,
    @Arg('windowId', () => ID) windowId: string,
    @Arg('serviceId', () => ID) serviceId: string,
    @Arg('owner', () => String) owner: string,
  ) {
    return ctx.domain.stabilization.assignOwner(ctx.caller, windowId, serviceId, owner);
  }

  @RequirePermission(Permission.DeploymentWrite)
  @Mutation(() => Escalation, { description: 'Acknowledges a page: it stops climbing the escalation levels.' })
  acknowledgeEscalation(@Ctx() ctx: GraphContext, @Arg('id', () => ID) id: string) {
    return ctx.domain.stabilization.settleEscalation(ctx.caller, id, false);
  }

  @RequirePermission(Permission.DeploymentWrite)
  @Mutation(() => Escalation, { description: 'Resolves the problem behind a page (the window can then close).' })
  resolveEscalation(@Ctx() ctx: GraphContext, @Arg('id', () => ID) id: string) {
    return ctx.domain.stabilization.settleEscalation(ctx.caller, id, true);
  }
}

@Resolver(() => StabilizationOwner)
export class StabilizationOwnerResolver {
  @FieldResolver(() => Service)
  service(@Root() o: StabilizationOwner, @Ctx() ctx: GraphContext) {
    return ctx.loaders.serviceById.load(o.serviceId);
  }
}

@Resolver(() => Release)
export class ReleaseStabilizationResolver {
  @FieldResolver(() => StabilizationWindow, { nullable: true, description: 'Its stabilization window, once a production deployment succeeded.' })
  async stabilization(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return (await ctx.loaders.windowsOfRelease.load(r.id))[0] ?? null;
  }
}
