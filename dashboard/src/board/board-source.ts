import type { BoardRelease, StatusBoardQueryResult } from '../hub/documents';
import { STATUS_BOARD_QUERY } from '../hub/documents';
import type { HubConnection } from '../hub/hub-connection';
import { watchReleaseEvents, type LiveSource } from '../hub/live-data';

/** Where the status board gets its releases (every one, newest first) and hears that they changed (the hub, or a fake in tests). */
export type BoardSource = LiveSource<BoardRelease[]>;

/** The board over the hub: the query over HTTP (never from cache), changes from the release event feed. */
export function createHubBoardSource(hub: Pick<HubConnection, 'apollo' | 'events'>): BoardSource {
  return {
    async load() {
      const result = await hub.apollo.query<StatusBoardQueryResult>({ query: STATUS_BOARD_QUERY, fetchPolicy: 'network-only' });
      return result.data.releases.edges.map((edge) => edge.node);
    },
    watchChanges: watchReleaseEvents(hub.events),
  };
}
