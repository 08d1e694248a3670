import { ApolloClient, HttpLink, InMemoryCache, split, from } from '@apollo/client/core';
import { onError } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient, type Client } from 'graphql-ws';
import type { InjectionKey } from 'vue';
import { VIEWER_QUERY, type Viewer } from './documents';
import { createReleaseEventFeed, type ReleaseEventFeed } from './release-event-feed';

/** Everything a view needs to talk to the hub for one signed-in token. */
export interface HubConnection {
  apollo: ApolloClient<unknown>;
  socket: Client;
  events: ReleaseEventFeed;
  dispose(): void;
}

export const hubConnectionKey: InjectionKey<HubConnection> = Symbol('hub-connection');

export interface HubConnectionOptions {
  token: string;
  /** Called when the hub no longer accepts the token (revoked, or the hub's data was reset). */
  onUnauthenticated: () => void;
  /** Defaults to this page's origin. */
  origin?: string;
}

/** Waits a little longer after each failed attempt (1 s, 2 s, 4 s … up to 10 s), with jitter so a fleet of wall screens does not reconnect in step. */
async function reconnectBackoff(retries: number): Promise<void> {
  const delay = Math.min(1000 * 2 ** retries, 10_000) + Math.floor(Math.random() * 500);
  await new Promise((resolve) => setTimeout(resolve, delay));
}

/**
 * HTTP `/graphql` with `Authorization: Bearer <token>` for queries and mutations, and one
 * graphql-ws socket on the same path (token in `connection_init`) for subscriptions.
 */
export function createHubConnection({ token, onUnauthenticated, origin = window.location.origin }: HubConnectionOptions): HubConnection {
  const authorization = `Bearer ${token}`;
  const socket = createClient({
    url: `${origin.replace(/^http/, 'ws')}/graphql`,
    connectionParams: { authorization },
    // Connect now and stay connected: the wall screen must know when it is offline, not only when a view subscribes.
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: reconnectBackoff,
    keepAlive: 15_000,
    // Reconnecting is reported by the banner; nothing to print.
    onNonLazyError: () => undefined,
  });

  const unauthenticated = onError(({ graphQLErrors, networkError }) => {
    const refused =
      graphQLErrors?.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED') ||
      (networkError !== null && typeof networkError === 'object' && 'statusCode' in networkError && networkError.statusCode === 401);
    if (refused) onUnauthenticated();
  });
  const http = new HttpLink({ uri: `${origin}/graphql`, headers: { authorization } });
  const transport = split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(socket),
    http,
  );
  const apollo = new ApolloClient({ link: from([unauthenticated, transport]), cache: new InMemoryCache() });
  const events = createReleaseEventFeed(socket);

  return {
    apollo,
    socket,
    events,
    dispose() {
      events.dispose();
      void socket.dispose();
      apollo.stop();
    },
  };
}

/** Asks the hub who a token belongs to, over plain HTTP: sign-in uses it before storing the token. */
export async function fetchViewer(token: string, origin = window.location.origin): Promise<Viewer> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: VIEWER_QUERY }),
  });
  const body = (await response.json().catch(() => null)) as {
    data?: { viewer?: Viewer };
    errors?: { message: string; extensions?: { code?: string } }[];
  } | null;
  const viewer = body?.data?.viewer;
  if (viewer) return viewer;
  const error = body?.errors?.[0];
  if (error?.extensions?.code === 'UNAUTHENTICATED' || response.status === 401) throw new Error('The hub does not accept this token (unknown or revoked).');
  throw new Error(error?.message ?? `The hub answered ${response.status} ${response.statusText}.`);
}
