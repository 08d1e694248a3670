import { inject } from 'vue';
import { hubConnectionKey, type HubConnection } from './hub-connection';

/**
 * The signed-in tab's connection to the hub (Apollo over HTTP, the socket, the release event feed),
 * as AppLayout provides it. Every view gets it here and hands it to its source; nothing below a view
 * injects it.
 */
export function useHub(): HubConnection {
  const hub = inject(hubConnectionKey, null);
  if (!hub) throw new Error('A view needs the hub connection that AppLayout provides.');
  return hub;
}
