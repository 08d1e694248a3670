import { Arg, Args, Ctx, Field, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphContext } from '../graphql/context.js';
import { PageArgs, PageInfo, checkPageSize } from '../graphql/connection.js';
import { releaseEventIterator } from './event-stream.js';
import { ReleaseEvent, ReleaseEventFilter, decodeEventCursor, encodeEventCursor, toReleaseEvent, type EventRecord } from './release-event.types.js';

@ObjectType('ReleaseEventEdge')
class ReleaseEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ReleaseEvent)
  node!: ReleaseEvent;
}

@ObjectType('ReleaseEventConnection', { description: 'A page of the event log, oldest first.' })
class ReleaseEventConnection {
  @Field(() => [ReleaseEventEdge])
  edges!: ReleaseEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@Resolver(() => ReleaseEvent)
export class ReleaseEventResolver {
  @Query(() => ReleaseEventConnection, { description: 'The release event log, oldest first; its cursors resume `releaseEvents`.' })
  async releaseEventLog(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ReleaseEventFilter, { nullable: true }) filter: ReleaseEventFilter | null,
    @Ctx() ctx: GraphContext,
  ): Promise<ReleaseEventConnection> {
    const first = checkPageSize(page.first);
    const afterId = page.after ? decodeEventCursor(page.after) : '0';
    const rows = await ctx.domain.events.readAfter(afterId, first + 1, filter);
    const edges = rows.slice(0, first).map((r) => ({ cursor: encodeEventCursor(r.id), node: toReleaseEvent(r) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > first,
        hasPreviousPage: afterId !== '0',
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? page.after ?? null,
      },
    };
  }

  @Subscription(() => ReleaseEvent, {
    description:
      'Every committed state change. Without `after`: from now on. With `after`: the missed events first, exactly once and in order, then live ones.',
    subscribe: ({ args, context }) => {
      const ctx = context as GraphContext;
      const { after, filter } = args as { after?: string | null; filter?: ReleaseEventFilter | null };
      const afterId = after ? decodeEventCursor(after) : null;
      return releaseEventIterator(ctx.domain.events, ctx.domain.pubsub, { afterId, filter });
    },
  })
  releaseEvents(
    @Root() event: EventRecord,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
    @Arg('filter', () => ReleaseEventFilter, { nullable: true }) _filter: ReleaseEventFilter | null,
  ): ReleaseEvent {
    return toReleaseEvent(event);
  }
}
