import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type { ASTVisitor, FragmentDefinitionNode, SelectionSetNode, ValidationContext, validate as graphqlValidate } from 'graphql';

/*
 * graphql ships a CommonJS and an ES module build; a schema from one cannot be validated by the
 * other. The schema comes from type-graphql, which Node loads as CommonJS, so this module takes
 * graphql the same way (under a bundler or test runner that prefers the ES build too).
 */
const { GraphQLError, Kind, specifiedRules, validate } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/** How deep an operation may select (introspection is not counted: its type references nest by design). */
export const MAX_QUERY_DEPTH = 15;

/**
 * A validation rule refusing operations nested deeper than `max` fields, so one request cannot
 * ask the graph for an exponential walk (release → deployments → release → deployments → ...).
 */
export function maxDepthRule(max: number = MAX_QUERY_DEPTH) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          if (s.name.value.startsWith('__')) continue;
          deepest = Math.max(deepest, s.selectionSet ? 1 + depthOf(s.selectionSet, seen) : 1);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(s.selectionSet, seen));
        } else {
          const name = s.name.value;
          if (seen.has(name)) continue; // a cycle is another rule's error
          deepest = Math.max(deepest, depthOf(fragments.get(name)?.selectionSet, new Set([...seen, name])));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > max) {
          context.reportError(
            new GraphQLError(`the operation is ${depth} fields deep; at most ${max} are allowed`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }),
          );
        }
      },
    };
  };
}

/** graphql's validation with the depth limit, for the WebSocket transport. */
export const validateWithDepthLimit: typeof graphqlValidate = (schema, document, rules = specifiedRules, options, typeInfo) =>
  validate(schema, document, [...rules, maxDepthRule()], options, typeInfo);
