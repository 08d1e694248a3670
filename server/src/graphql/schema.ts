import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { ReleaseEventResolver } from '../events/release-event.resolver.js';
import { MODULES } from '../modules/index.js';

export const RESOLVERS = [ReleaseEventResolver, ...MODULES.flatMap((m) => m.resolvers)] as const;

let built: Promise<GraphQLSchema> | undefined;

/** The code-first schema (type-graphql keeps global metadata, so it is built once per process). */
export function releaseGraphSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [...RESOLVERS],
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    validate: false,
    // type-graphql insists on a pubSub when there are subscriptions; ours each bring their own
    // `subscribe` (replay from the event log, then live), so topic-based subscriptions are refused.
    pubSub: {
      publish: () => {
        throw new Error('topic pub/sub is not used: publish through the write path');
      },
      subscribe: () => {
        throw new Error('every subscription defines its own subscribe function');
      },
    },
  });
  return built;
}

/** The SDL as committed in `schema/schema.graphql`: sorted, so diffs show real changes only. */
export async function printReleaseGraphSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await releaseGraphSchema()))}\n`;
}
