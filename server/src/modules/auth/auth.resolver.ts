import { Arg, Ctx, Field, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { RequirePermission } from '../../graphql/authorization.js';
import { ConflictError } from '../../domain-errors.js';
import type { GraphContext } from '../../graphql/context.js';
import { ApiToken } from './api-token.entity.js';
import { Permission, Role, roleGrants } from './roles.js';

@InputType()
export class CreateApiTokenInput {
  @Field(() => String)
  name!: string;

  @Field(() => Role)
  role!: Role;
}

@ObjectType()
export class CreatedApiToken {
  @Field(() => ApiToken)
  apiToken!: ApiToken;

  @Field(() => String, { description: 'The secret; shown only this once.' })
  token!: string;
}

@ObjectType({ description: 'The caller, as the hub sees them.' })
export class Viewer {
  @Field(() => String)
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => [String], {
    description: 'What the role may change (e.g. release:write, deployment:write); dashboards offer only these actions.',
  })
  permissions!: string[];
}

@Resolver()
export class AuthResolver {
  @Query(() => Viewer, { description: 'Who the token in this request belongs to.' })
  viewer(@Ctx() ctx: GraphContext): Viewer {
    const { name, role } = ctx.caller;
    return { name, role, permissions: Object.values(Permission).filter((p) => roleGrants(role, p)) };
  }

  @Mutation(() => CreatedApiToken)
  @RequirePermission(Permission.TokenManage)
  createApiToken(@Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.auth.createToken(ctx.caller, input);
  }

  @Mutation(() => CreatedApiToken, {
    description:
      'Gives the token of this name that you created a new secret and this role, or creates it: the old secret stops working and no second token piles up (a tool that lost its secret asks again). A revoked token stays revoked (CONFLICT), and so does a token of this name someone else created.',
  })
  @RequirePermission(Permission.TokenManage)
  async reissueApiToken(@Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput, @Ctx() ctx: GraphContext) {
    const reissued = await ctx.domain.auth.reissueToken(ctx.caller, input, 'reissued over the API');
    if (!reissued) throw new ConflictError(`the API token "${input.name}" was revoked; a revoked token stays revoked`);
    return reissued;
  }
}
