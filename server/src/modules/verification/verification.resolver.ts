import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { RequirePermission } from '../../graphql/authorization.js';
import type { GraphContext } from '../../graphql/context.js';
import { Permission } from '../auth/roles.js';
import { Deployment } from '../deployments/deployment.entity.js';
import { Release } from '../releases/release.entity.js';
import { RollbackDecision, SuccessCriterion, Verdict } from './verification.entity.js';
import { CreateSuccessCriterionInput } from './verification.types.js';
import { SyntheticResult } from '../synthetics/synthetic.entity.js';

@Resolver()
export class VerificationResolver {
  @RequirePermission(Permission.ReleaseWrite)
  @Mutation(() => SuccessCriterion)
  createSuccessCriterion(@Ctx() ctx: GraphContext, @Arg('input', () => CreateSuccessCriterionInput) input: CreateSuccessCriterionInput) {
    return ctx.domain.verifier.createCriterion(ctx.caller, input);
  }

  @RequirePermission(Permission.ReleaseWrite)
  @Mutation(() => RollbackDecision, { description: 'Accepts a recommended rollback: the deployment and its release are rolled back.' })
  acceptRollbackDecision(@Ctx() ctx: GraphContext, @Arg('id', () => ID) id: string) {
    return ctx.domain.verifier.settleDecision(ctx.caller, id, true);
  }

  @RequirePermission(Permission.ReleaseWrite)
  @Mutation(() => RollbackDecision, { description: 'Dismisses a recommended rollback: the deployment stays.' })
  dismissRollbackDecision(@Ctx() ctx: GraphContext, @Arg('id', () => ID) id: string) {
    return ctx.domain.verifier.settleDecision(ctx.caller, id, false);
  }
}

@Resolver(() => Deployment)
export class DeploymentVerificationResolver {
  @FieldResolver(() => [Verdict], { description: 'The latest verdict of each success criterion that applies.' })
  verdicts(@Root() d: Deployment, @Ctx() ctx: GraphContext) {
    return ctx.loaders.verdictsOfDeployment.load(d.id);
  }

  @FieldResolver(() => [SyntheticResult], { description: 'Synthetic checks run against this deployment, oldest first.' })
  syntheticResults(@Root() d: Deployment, @Ctx() ctx: GraphContext) {
    return ctx.loaders.syntheticResultsOfDeployment.load(d.id);
  }

  @FieldResolver(() => RollbackDecision, { nullable: true })
  async rollbackDecision(@Root() d: Deployment, @Ctx() ctx: GraphContext) {
    return (await ctx.loaders.rollbackDecisionsOfDeployment.load(d.id))[0] ?? null;
  }
}

@Resolver(() => Release)
export class ReleaseVerificationResolver {
  @FieldResolver(() => [SuccessCriterion], { description: 'Success criteria set for this release (criteria by service or tier apply too).' })
  criteria(@Root() r: Release, @Ctx() ctx: GraphContext) {
    return ctx.loaders.criteriaOfRelease.load(r.id);
  }
}

@Resolver(() => Verdict)
export class VerdictResolver {
  @FieldResolver(() => SuccessCriterion)
  async criterion(@Root() v: Verdict, @Ctx() ctx: GraphContext) {
    return ctx.loaders.criterionById.load(v.criterionId);
  }
}
