import { graphql } from '../gql';
import type { StabilizationWindowsQuery } from '../gql/graphql';
import type { ReleaseEventSummary } from '../hub/documents';
import { watchReleaseEvents, type LiveSource } from '../hub/live-data';
import type { HubConnection } from '../hub/hub-connection';

/*
 * The stabilization view's operations. Operation names carry a `Stabilization` prefix: the client
 * preset needs them unique across the dashboard, and other views settle escalations too. The
 * escalation fields are spelled out in each (no fragment), so a mutation's answer has the shape of a loaded row.
 */

/**
 * Releases that can have a window: one opens when a production deployment succeeds (DEPLOYING →
 * STABILIZING), and closes STABLE (DONE) or ROLLED_BACK. Newest first; the model keeps those with a window.
 */
export const STABILIZATION_WINDOWS_QUERY = graphql(`
  query StabilizationWindows {
    releases(first: 100, filter: { status: [DEPLOYING, STABILIZING, DONE, ROLLED_BACK] }) {
      edges {
        node {
          id
          name
          version
          status
          deployments {
            id
            service {
              id
              name
            }
          }
          stabilization {
            id
            releaseId
            status
            startsAt
            endsAt
            updatedAt
            owners {
              owner
              serviceId
              since
              service {
                id
                name
              }
            }
            escalations {
              id
              windowId
              serviceId
              level
              paged
              status
              reason
              raisedAt
              nextEscalationAt
              acknowledgedAt
              acknowledgedBy
              updatedAt
            }
          }
        }
      }
    }
  }
`);

export const STABILIZATION_ACKNOWLEDGE_MUTATION = graphql(`
  mutation StabilizationAcknowledgeEscalation($id: ID!) {
    acknowledgeEscalation(id: $id) {
      id
      windowId
      serviceId
      level
      paged
      status
      reason
      raisedAt
      nextEscalationAt
      acknowledgedAt
      acknowledgedBy
      updatedAt
    }
  }
`);

export const STABILIZATION_RESOLVE_MUTATION = graphql(`
  mutation StabilizationResolveEscalation($id: ID!) {
    resolveEscalation(id: $id) {
      id
      windowId
      serviceId
      level
      paged
      status
      reason
      raisedAt
      nextEscalationAt
      acknowledgedAt
      acknowledgedBy
      updatedAt
    }
  }
`);

export const STABILIZATION_ASSIGN_OWNER_MUTATION = graphql(`
  mutation StabilizationAssignOwner($windowId: ID!, $serviceId: ID!, $owner: String!) {
    assignStabilizationOwner(windowId: $windowId, serviceId: $serviceId, owner: $owner) {
      id
      owners {
        owner
        serviceId
        since
      }
    }
  }
`);

export type StabilizationRelease = StabilizationWindowsQuery['releases']['edges'][number]['node'];
/** One escalation; the mutations select the same fields, so what they return replaces a loaded one. */
export type StabilizationEscalation = NonNullable<StabilizationRelease['stabilization']>['escalations'][number];

/** What the view's buttons do (the hub, or a fake in tests). */
export interface StabilizationActions {
  acknowledge(escalationId: string): Promise<StabilizationEscalation>;
  resolve(escalationId: string): Promise<StabilizationEscalation>;
  assignOwner(windowId: string, serviceId: string, owner: string): Promise<void>;
}

export type StabilizationSource = LiveSource<StabilizationRelease[]> & StabilizationActions;

/** The events after which a window, its owners or its escalations may have changed. */
export function isStabilizationEvent(event: Pick<ReleaseEventSummary, 'type'>): boolean {
  return /^(stabilization|escalation|release)\./.test(event.type);
}

/** The view over the hub: the query over HTTP (never from cache), changes from the release event feed. */
export function createHubStabilizationSource(hub: Pick<HubConnection, 'apollo' | 'events'>): StabilizationSource {
  const { apollo, events } = hub;
  return {
    async load() {
      const result = await apollo.query({ query: STABILIZATION_WINDOWS_QUERY, fetchPolicy: 'network-only' });
      return result.data.releases.edges.map((edge) => edge.node);
    },
    watchChanges: watchReleaseEvents(events, isStabilizationEvent),
    async acknowledge(id) {
      const result = await apollo.mutate({ mutation: STABILIZATION_ACKNOWLEDGE_MUTATION, variables: { id } });
      if (!result.data) throw new Error('The hub did not return the escalation.');
      return result.data.acknowledgeEscalation;
    },
    async resolve(id) {
      const result = await apollo.mutate({ mutation: STABILIZATION_RESOLVE_MUTATION, variables: { id } });
      if (!result.data) throw new Error('The hub did not return the escalation.');
      return result.data.resolveEscalation;
    },
    async assignOwner(windowId, serviceId, owner) {
      await apollo.mutate({ mutation: STABILIZATION_ASSIGN_OWNER_MUTATION, variables: { windowId, serviceId, owner } });
    },
  };
}
