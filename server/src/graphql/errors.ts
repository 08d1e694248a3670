import type { ApolloServerPlugin } from '@apollo/server';
import { type ExecutionResult, type FormattedExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../domain-errors.js';
import type { Logger } from '../logger.js';

/** The code of an unexpected failure: the client gets only a reference to the log line. */
export const INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR';

/** The domain error behind an error GraphQL reports (graphql-js wraps what a resolver throws), if it is one. */
export function domainErrorOf(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  // Not `instanceof GraphQLError`: with graphql's ESM and CommonJS builds both loaded (Vite), that fails.
  const original = (error as { originalError?: unknown } | null)?.originalError;
  return original instanceof DomainError ? original : undefined;
}

/** What a client gets beside the message: the code and the details. */
function extensionsOf(error: DomainError): Record<string, unknown> {
  return { code: error.code, ...error.details };
}

/**
 * A domain error as a GraphQL error: `extensions` are its code and details, plus Apollo's `http`
 * where it refuses the whole request. `at` is the error graphql-js reported, whose place (locations,
 * path) it keeps.
 */
export function toGraphQLError(error: DomainError, at?: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: at?.nodes,
    source: at?.source,
    positions: at?.positions,
    path: at?.path,
    originalError: error,
    extensions: { ...extensionsOf(error), ...(error.httpStatus ? { http: { status: error.httpStatus } } : {}) },
  });
}

/** Apollo's `formatError`: expected errors pass with their code and details; anything else is logged with a reference and masked. */
export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const domain = domainErrorOf(error);
    if (domain) return { ...formatted, message: domain.message, extensions: extensionsOf(domain) };
    const code = formatted.extensions?.code;
    if (code && code !== INTERNAL_SERVER_ERROR) return formatted; // GraphQL validation, parse and variable errors
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const ref = crypto.randomUUID();
    log.error({ err: original, ref, path: formatted.path }, 'unexpected error');
    return {
      message: `Internal server error (ref ${ref})`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: INTERNAL_SERVER_ERROR, ref },
    };
  };
}

/**
 * Sets the HTTP status of a response from a domain error that refuses the whole request
 * (UNAUTHENTICATED: 401). `formatError` runs after Apollo has read the status from the errors, so
 * this is where a field's error sets it; an error of the request context is thrown as `toGraphQLError`.
 */
export const domainErrorStatus: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, response }) {
        for (const error of errors) {
          const status = domainErrorOf(error)?.httpStatus;
          if (status) response.http.status = status;
        }
      },
    };
  },
};

/**
 * graphql-ws `onNext`: a result whose errors include domain errors, with those errors as clients
 * get them (the same JSON as `toGraphQLError`); nothing when there are none, so the result goes as it is.
 */
export function formatSubscriptionResult(result: ExecutionResult): FormattedExecutionResult | undefined {
  if (!result.errors?.some((e) => domainErrorOf(e))) return undefined;
  return {
    ...result,
    errors: result.errors.map((e) => {
      const domain = domainErrorOf(e);
      return (domain ? toGraphQLError(domain, e) : e).toJSON();
    }),
  };
}
