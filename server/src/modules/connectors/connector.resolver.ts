import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '../../graphql/context.js';
import { RequirePermission } from '../../graphql/authorization.js';
import { Permission } from '../auth/roles.js';
import { ConnectorCheck, ConnectorHealth, ConnectorPollResult, DeadLetterEntry } from './connector.types.js';

@Resolver(() => ConnectorHealth)
export class ConnectorResolver {
  @Query(() => [ConnectorHealth], { description: 'The configured connectors and their health.' })
  connectors(@Ctx() ctx: GraphContext): Promise<ConnectorHealth[]> {
    return ctx.domain.connectors.health();
  }

  @Query(() => [DeadLetterEntry], { description: 'Payloads connectors could not convert or write, newest first (at most 500).' })
  deadLetters(
    @Ctx() ctx: GraphContext,
    @Arg('connectorId', () => String, { nullable: true }) connectorId?: string | null,
    @Arg('includeReplayed', () => Boolean, { defaultValue: false }) includeReplayed?: boolean,
  ): Promise<DeadLetterEntry[]> {
    return ctx.domain.connectors.deadLetters(connectorId, includeReplayed ?? false);
  }

  @RequirePermission(Permission.ConnectorOperate)
  @Mutation(() => DeadLetterEntry, { description: 'Converts and writes a dead-lettered payload again (after the source data or the converter was fixed).' })
  replayDeadLetter(@Ctx() ctx: GraphContext, @Arg('id', () => ID) id: string): Promise<DeadLetterEntry> {
    return ctx.domain.connectors.replayDeadLetter(ctx.caller, id);
  }

  @RequirePermission(Permission.ConnectorOperate)
  @Mutation(() => ConnectorCheck, { description: 'Asks a connector whether it can reach its source with its credentials (recorded in its health).' })
  async checkConnector(@Ctx() ctx: GraphContext, @Arg('id', () => String) id: string): Promise<ConnectorCheck> {
    const problem = await ctx.domain.connectors.check(id);
    return { id, ok: problem === null, problem };
  }

  @RequirePermission(Permission.ConnectorOperate)
  @Mutation(() => ConnectorPollResult, { description: "Polls a connector's streams now instead of at its next interval." })
  pollConnector(@Ctx() ctx: GraphContext, @Arg('id', () => String) id: string): Promise<ConnectorPollResult> {
    return ctx.domain.connectors.poll(id);
  }
}
