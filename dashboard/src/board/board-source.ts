import type { BoardRelease, StatusBoardQueryResult } from '../hub/documents';
import { STATUS_BOARD_QUERY } from '../hub/documents';
import type { HubConnection } from '../hub/hub-connection';
import { watchReleaseEvents } from '../hub/live-data';

/** Where the status board gets its releases and hears that they changed (the hub, or a fake in tests). */
export interface BoardSource {
  /** Every release on the board, newest first. */
  loadReleases(): Promise<BoardRelease[]>;
  /** Calls `onChange` whenever the release graph may have changed. Returns the unsubscribe function. */
  watchChanges(onChange: () => void): () => void;
}

/** The board over the hub: the query over HTTP (never from cache), changes from the release event feed. */
export function createHubBoardSource(hub: Pick<HubConnection, 'apollo' | 'events'>): BoardSource {
  return {
    async loadReleases() {
      const result = await hub.apollo.query<StatusBoardQueryResult>({ query: STATUS_BOARD_QUERY, fetchPolicy: 'network-only' });
      return result.data.releases.edges.map((edge) => edge.node);
    },
    watchChanges: watchReleaseEvents(hub.events),
  };
}
