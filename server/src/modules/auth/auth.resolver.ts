import { Arg, Ctx, Field, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { RequirePermission } from '../../graphql/authorization.js';
import type { GraphContext } from '../../graphql/context.js';
import { ApiToken } from './api-token.entity.js';
import { Permission, Role } from './roles.js';

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
}

@Resolver()
export class AuthResolver {
  @Query(() => Viewer, { description: 'Who the token in this request belongs to.' })
  viewer(@Ctx() ctx: GraphContext): Viewer {
    return { name: ctx.caller.name, role: ctx.caller.role };
  }

  @Mutation(() => CreatedApiToken)
  @RequirePermission(Permission.TokenManage)
  createApiToken(@Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput, @Ctx() ctx: GraphContext) {
    return ctx.domain.auth.createToken(ctx.caller, input);
  }
}
