import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '../../graphql/context.js';
import { ConnectorHealth } from './connector.types.js';

@Resolver(() => ConnectorHealth)
export class ConnectorResolver {
  @Query(() => [ConnectorHealth], { description: 'The configured connectors and their health.' })
  connectors(@Ctx() ctx: GraphContext): ConnectorHealth[] {
    return ctx.domain.connectors.health();
  }
}
