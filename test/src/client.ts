import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string; [k: string]: unknown } }>;
}

/**
 * POSTs one GraphQL operation the way any HTTP client would: a typed document (from `graphql(...)`
 * in `src/gql`, generated from schema/schema.graphql) gets its result and variables typed; a string
 * is for what no document can say (introspection, a query built in a loop, bytes the parser refuses).
 */
export async function gql<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token?: string | null,
): Promise<GraphQLResponse<TResult>>;
export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string | null,
): Promise<GraphQLResponse<T>>;
export async function gql(
  url: string,
  operation: string | TypedDocumentNode,
  variables: unknown = {},
  token: string | null = null,
): Promise<GraphQLResponse<unknown>> {
  return post(url, typeof operation === 'string' ? operation : print(operation), variables, token);
}

async function post(url: string, query: string, variables: unknown, token: string | null): Promise<GraphQLResponse<unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as GraphQLResponse<unknown>;
  return { ...body, status: res.status };
}

/** Like {@link gql}, but fails the test with the errors when there are any. */
export async function gqlOk<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token: string,
): Promise<TResult>;
export async function gqlOk<T = Record<string, any>>(url: string, query: string, variables: Record<string, unknown> | undefined, token: string): Promise<T>;
export async function gqlOk(url: string, operation: string | TypedDocumentNode, variables: unknown = {}, token: string): Promise<unknown> {
  const r = await post(url, typeof operation === 'string' ? operation : print(operation), variables, token);
  if (r.errors?.length || !r.data) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors ?? r)}`);
  return r.data;
}

/** The value, or a failed test naming what was missing (a nullable field the scenario needs). */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}, got ${String(value)}`);
  return value;
}

/**
 * A value the schema refuses, typed as if it were allowed: for tests that send it on purpose to
 * show the hub refuses it too. Nothing else should need it.
 */
export function outsideSchema<T>(value: unknown): T {
  return value as T;
}

export function codeOf(r: Pick<GraphQLResponse<unknown>, 'errors'>): string | undefined {
  return r.errors?.[0]?.extensions?.code;
}

/** A graphql-ws client (the real library) authenticating in `connection_init`. */
export function wsClient(url: string, token: string | null, extra: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    ...extra,
  });
}

export const ALL_EVENT_FIELDS = 'cursor type occurredAt actor releaseId subjectType subjectId payload';
