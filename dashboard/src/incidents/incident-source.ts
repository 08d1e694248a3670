import { graphql } from '../gql';
import type { IncidentTraceQuery, IncidentsQuery } from '../gql/graphql';
import type { ReleaseEventSummary } from '../hub/documents';
import type { HubConnection } from '../hub/hub-connection';
import { watchReleaseEvents } from '../hub/live-data';

/*
 * The incidents view's operations: the open incidents and the recently resolved ones with their ranked
 * suspects (one request), and the spans and logs of one correlated trace (loaded when it is shown).
 */

export const INCIDENTS_QUERY = graphql(`
  query Incidents {
    open: incidents(first: 50, filter: { status: [TRIGGERED, ACKNOWLEDGED] }) {
      edges {
        node {
          ...IncidentFields
        }
      }
    }
    resolved: incidents(first: 20, filter: { status: [RESOLVED] }) {
      edges {
        node {
          ...IncidentFields
        }
      }
    }
  }
`);

export const INCIDENT_FIELDS_FRAGMENT = graphql(`
  fragment IncidentFields on Incident {
    id
    key
    title
    severity
    status
    source
    openedAt
    resolvedAt
    correlationSummary
    traceIds
    services {
      id
      name
    }
    release {
      id
      name
      version
    }
    suspects {
      deploymentId
      service
      version
      environment
      startedAt
      confidence
      errorSpans
      errorTraces
      incidentTraces
      evidence
      changeKeys
      commitShas
    }
  }
`);

export const INCIDENT_TRACE_QUERY = graphql(`
  query IncidentTrace($traceId: String!) {
    trace(traceId: $traceId) {
      traceId
      spans {
        traceId
        spanId
        parentSpanId
        name
        service
        version
        environment
        kind
        startTime
        durationMs
        status
        statusMessage
        attributes
      }
      logs {
        time
        service
        severityText
        severityNumber
        body
        spanId
        attributes
      }
    }
  }
`);

export type Incident = IncidentsQuery['open']['edges'][number]['node'];
export type Suspect = Incident['suspects'][number];
export type Trace = NonNullable<IncidentTraceQuery['trace']>;
export type TraceSpan = Trace['spans'][number];
export type TraceLog = Trace['logs'][number];

export interface IncidentLists {
  /** Triggered or acknowledged, newest first (the hub's order). */
  open: Incident[];
  /** The newest resolved ones. */
  resolved: Incident[];
}

/** Where the incidents view gets its data and hears that it changed (the hub, or a fake in tests). */
export interface IncidentSource {
  load(): Promise<IncidentLists>;
  /** The trace's spans and logs, or null when the hub keeps none of it. */
  loadTrace(traceId: string): Promise<Trace | null>;
  /** Calls `onChange` whenever the incidents may have changed. Returns the unsubscribe function. */
  watchChanges(onChange: () => void): () => void;
}

/** Incidents are raised, acknowledged and resolved by `incident.*` events; their suspects move with deployments. */
export function affectsIncidents(event: Pick<ReleaseEventSummary, 'type'>): boolean {
  return event.type.startsWith('incident.') || event.type.startsWith('deployment.');
}

/** The incidents over the hub: queries over HTTP (never from cache), changes from the release event feed. */
export function createHubIncidentSource(hub: Pick<HubConnection, 'apollo' | 'events'>): IncidentSource {
  return {
    async load() {
      const { data } = await hub.apollo.query({ query: INCIDENTS_QUERY, fetchPolicy: 'network-only' });
      return { open: data.open.edges.map((e) => e.node), resolved: data.resolved.edges.map((e) => e.node) };
    },
    async loadTrace(traceId) {
      const { data } = await hub.apollo.query({ query: INCIDENT_TRACE_QUERY, variables: { traceId }, fetchPolicy: 'network-only' });
      return data.trace;
    },
    watchChanges: watchReleaseEvents(hub.events, affectsIncidents),
  };
}
