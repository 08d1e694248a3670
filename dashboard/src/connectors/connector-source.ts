import { graphql } from '../gql';
import type { ConnectorsQuery } from '../gql/graphql';
import type { HubConnection } from '../hub/hub-connection';
import { watchReleaseEvents, type LiveSource } from '../hub/live-data';

/** Every configured connector and its health. */
export const CONNECTORS_QUERY = graphql(`
  query Connectors {
    connectors {
      id
      kind
      status
      lastSuccessAt
      lag
      lastError
      deadLetters
    }
  }
`);

export type ConnectorHealth = ConnectorsQuery['connectors'][number];

/** Where the connectors view gets the connectors' health and hears that it may have changed (the hub, or a fake in tests). */
export type ConnectorSource = LiveSource<ConnectorHealth[]>;

/** Connector health (lag, last success) also moves without release events: the page looks this often as well. */
export const CONNECTOR_POLL_MS = 15_000;

/** The connectors over the hub: the query over HTTP (never from cache), changes from every release event and resync. */
export function createHubConnectorSource(hub: Pick<HubConnection, 'apollo' | 'events'>): ConnectorSource {
  return {
    async load() {
      const { data } = await hub.apollo.query({ query: CONNECTORS_QUERY, fetchPolicy: 'network-only' });
      return data.connectors;
    },
    watchChanges: watchReleaseEvents(hub.events),
  };
}
