import { NodeResolver } from './node.resolver.js';

/** Relay's node(id:) over every subject (events/subjects.ts). */
export const entities = [];
export const resolvers = [NodeResolver] as const;
