import { ApolloServer, HeaderMap } from '@apollo/server';
import { type GraphQLError as GraphQLErrorClass, buildSchema, graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../domain-errors.js';
import type { Logger } from '../logger.js';
import { domainErrorOf, domainErrorStatus, formatError, formatSubscriptionResult, toGraphQLError } from './errors.js';

const sdl = 'type Query { badInput: Int, missing: Int, conflict: Int, forbidden: Int, unauthenticated: Int, broken: Int, fine: Int }';
const resolvers = {
  badInput: () => {
    throw new BadUserInputError('input.name', 'must not be empty');
  },
  missing: () => {
    throw new NotFoundError('Release', 'rg:release:nope', 'input.releaseId');
  },
  conflict: () => {
    throw new ConflictError('a release named "1.0" already exists', 'input.name');
  },
  forbidden: () => {
    throw new ForbiddenError('role viewer does not grant release:write');
  },
  unauthenticated: () => {
    throw new UnauthenticatedError();
  },
  broken: () => {
    throw new Error('connect ECONNREFUSED 10.0.0.5:5432');
  },
  fine: () => 1,
};

describe('domainErrorOf', () => {
  it('finds the domain error a GraphQL error wraps, whichever build of graphql (ESM or CommonJS) made it', async () => {
    const cause = new ConflictError('taken');
    for (const build of ['graphql/index.mjs', 'graphql/index.js']) {
      const { GraphQLError } = (await import(build)) as { GraphQLError: typeof GraphQLErrorClass };
      expect(domainErrorOf(new GraphQLError('taken', { originalError: cause }))).toBe(cause);
      expect(domainErrorOf(new GraphQLError('boom', { originalError: new Error('boom') }))).toBeUndefined();
    }
  });
});

/** What a client reads over HTTP: Apollo's own pipeline, with the hub's error formatting. */
describe('errors over HTTP', () => {
  const log = { error: vi.fn() };
  const apollo = new ApolloServer({
    typeDefs: sdl,
    resolvers: { Query: resolvers },
    includeStacktraceInErrorResponses: false,
    formatError: formatError(log as unknown as Logger),
    plugins: [domainErrorStatus],
  });
  beforeAll(() => apollo.start());
  afterAll(() => apollo.stop());

  async function post(query: string, context: () => Promise<object> = async () => ({})) {
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query } },
      context,
    });
    if (response.body.kind !== 'complete') throw new Error('expected a complete response');
    return { status: response.status ?? 200, body: JSON.parse(response.body.string) as { data?: unknown; errors?: Record<string, unknown>[] } };
  }

  it('gives expected failures their code and details, beside the data of the other fields', async () => {
    const { status, body } = await post('{ badInput missing conflict forbidden fine }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ badInput: null, missing: null, conflict: null, forbidden: null, fine: 1 });
    expect(body.errors).toEqual([
      {
        message: 'input.name: must not be empty',
        locations: [{ line: 1, column: 3 }],
        path: ['badInput'],
        extensions: { code: 'BAD_USER_INPUT', field: 'input.name' },
      },
      {
        message: 'Release "rg:release:nope" does not exist',
        locations: [{ line: 1, column: 12 }],
        path: ['missing'],
        extensions: { code: 'NOT_FOUND', type: 'Release', id: 'rg:release:nope', field: 'input.releaseId' },
      },
      {
        message: 'a release named "1.0" already exists',
        locations: [{ line: 1, column: 20 }],
        path: ['conflict'],
        extensions: { code: 'CONFLICT', field: 'input.name' },
      },
      { message: 'role viewer does not grant release:write', locations: [{ line: 1, column: 29 }], path: ['forbidden'], extensions: { code: 'FORBIDDEN' } },
    ]);
  });

  it('answers UNAUTHENTICATED with HTTP 401, from a field or from the request context', async () => {
    const field = await post('{ unauthenticated }');
    expect(field.status).toBe(401);
    expect(field.body.errors).toEqual([
      {
        message: 'a valid API token is required (Authorization: Bearer <token>)',
        locations: [{ line: 1, column: 3 }],
        path: ['unauthenticated'],
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ]);
    const context = await post('{ fine }', async () => {
      throw toGraphQLError(new UnauthenticatedError('the API token is not valid (unknown or revoked)'));
    });
    expect(context.status).toBe(401);
    expect(context.body).toEqual({ errors: [{ message: 'the API token is not valid (unknown or revoked)', extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('masks an unexpected error as INTERNAL_SERVER_ERROR with a reference, and logs it under that reference', async () => {
    log.error.mockClear();
    const { status, body } = await post('{ broken fine }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ broken: null, fine: 1 });
    const [error] = body.errors!;
    expect(error).toEqual({
      message: expect.stringMatching(/^Internal server error \(ref [0-9a-f-]{36}\)$/),
      locations: [{ line: 1, column: 3 }],
      path: ['broken'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', ref: expect.any(String) },
    });
    expect(JSON.stringify(body)).not.toContain('ECONNREFUSED');
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ ref: (error!.extensions as { ref: string }).ref }), 'unexpected error');
  });

  it("passes GraphQL's own validation errors as they are", async () => {
    const { status, body } = await post('{ nope }');
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      { message: 'Cannot query field "nope" on type "Query".', locations: [{ line: 1, column: 3 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
  });
});

/** What a client reads over WebSocket: graphql-ws sends the execution result, as `onNext` formats it, as JSON. */
describe('errors over WebSocket', () => {
  async function overWebSocket(query: string) {
    const result = await graphql({ schema: buildSchema(sdl), source: query, rootValue: resolvers });
    return JSON.parse(JSON.stringify(formatSubscriptionResult(result) ?? result)) as { data?: unknown; errors?: unknown[] };
  }

  it('gives expected failures their code and details', async () => {
    const { data, errors } = await overWebSocket('{ badInput missing fine }');
    expect(data).toEqual({ badInput: null, missing: null, fine: 1 });
    expect(errors).toEqual([
      {
        message: 'input.name: must not be empty',
        locations: [{ line: 1, column: 3 }],
        path: ['badInput'],
        extensions: { code: 'BAD_USER_INPUT', field: 'input.name' },
      },
      {
        message: 'Release "rg:release:nope" does not exist',
        locations: [{ line: 1, column: 12 }],
        path: ['missing'],
        extensions: { code: 'NOT_FOUND', type: 'Release', id: 'rg:release:nope', field: 'input.releaseId' },
      },
    ]);
  });
});
