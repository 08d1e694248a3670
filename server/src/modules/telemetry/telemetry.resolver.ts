import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '../../graphql/context.js';
import { Trace } from './telemetry.types.js';

@Resolver(() => Trace)
export class TelemetryResolver {
  @Query(() => Trace, { nullable: true, description: 'The spans and logs of one trace, across services (null when none are kept).' })
  trace(@Ctx() ctx: GraphContext, @Arg('traceId', () => String) traceId: string): Promise<Trace | null> {
    return ctx.domain.telemetry.trace(traceId);
  }
}
