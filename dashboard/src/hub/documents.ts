import { gql } from '@apollo/client/core';

/*
 * Operations and their result types, written by hand for this first slice.
 * They follow schema/schema.graphql; GraphQL Code Generator (client preset) replaces them later.
 */

export type ReleaseStatus = 'PLANNED' | 'SCHEDULED' | 'DEPLOYING' | 'STABILIZING' | 'DONE' | 'ROLLED_BACK' | 'CANCELLED';
export type DeploymentStatus = 'PENDING' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'ROLLED_BACK' | 'CANCELLED';
export type VerdictOutcome = 'PASS' | 'FAIL' | 'INCONCLUSIVE';
export type EnvironmentTier = 'DEV' | 'TEST' | 'STAGING' | 'PROD';
export type StabilizationStatus = 'OPEN' | 'EXTENDED' | 'STABLE' | 'ROLLED_BACK';
export type RollbackDecisionStatus = 'RECOMMENDED' | 'ROLLED_BACK' | 'DISMISSED';
export type IncidentStatus = 'TRIGGERED' | 'ACKNOWLEDGED' | 'RESOLVED';
export type ConnectorStatus = 'OK' | 'WAITING' | 'FAILING' | 'CIRCUIT_OPEN';
export type Role = 'VIEWER' | 'ANALYST' | 'ENGINEER' | 'APPROVER' | 'RELEASE_MANAGER' | 'ADMIN' | 'INTEGRATION';

export interface BoardDeployment {
  id: string;
  status: DeploymentStatus;
  version: string;
  startedAt: string | null;
  finishedAt: string | null;
  service: { id: string; name: string };
  environment: { id: string; name: string; tier: EnvironmentTier };
  verdicts: { id: string; outcome: VerdictOutcome }[];
  rollbackDecision: { id: string; status: RollbackDecisionStatus; mode: 'AUTOMATIC' | 'RECOMMENDED'; reason: string; decidedAt: string } | null;
}

export interface BoardStabilization {
  id: string;
  status: StabilizationStatus;
  startsAt: string;
  endsAt: string;
  owners: { owner: string; serviceId: string; service: { name: string } }[];
}

export interface BoardRelease {
  id: string;
  name: string;
  version: string;
  status: ReleaseStatus;
  plannedStart: string | null;
  updatedAt: string;
  deployments: BoardDeployment[];
  stabilization: BoardStabilization | null;
  incidents: { id: string; status: IncidentStatus }[];
}

export interface StatusBoardQueryResult {
  releases: { edges: { node: BoardRelease }[] };
}

/** Every release the board shows, newest first (the hub's order). */
export const STATUS_BOARD_QUERY = gql`
  query StatusBoard {
    releases(first: 50) {
      edges {
        node {
          id
          name
          version
          status
          plannedStart
          updatedAt
          deployments {
            id
            status
            version
            startedAt
            finishedAt
            service {
              id
              name
            }
            environment {
              id
              name
              tier
            }
            verdicts {
              id
              outcome
            }
            rollbackDecision {
              id
              status
              mode
              reason
              decidedAt
            }
          }
          stabilization {
            id
            status
            startsAt
            endsAt
            owners {
              owner
              serviceId
              service {
                name
              }
            }
          }
          incidents {
            id
            status
          }
        }
      }
    }
  }
`;

export interface ConnectorHealth {
  id: string;
  kind: string;
  status: ConnectorStatus;
  lastSuccessAt: string | null;
  lag: number | null;
  lastError: string | null;
  deadLetters: number;
}

export interface ConnectorsQueryResult {
  connectors: ConnectorHealth[];
}

export const CONNECTORS_QUERY = gql`
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
`;

/** Who the signed-in token belongs to. */
export interface Viewer {
  name: string;
  role: Role;
}

/** What the dashboard needs of a release event: where to resume, and what changed. */
export interface ReleaseEventSummary {
  cursor: string;
  type: string;
  releaseId: string | null;
  occurredAt: string;
}

/** A plain string: the feed sends it over graphql-ws itself, to control `after` on every (re)subscribe. */
export const RELEASE_EVENTS_SUBSCRIPTION = /* GraphQL */ `
  subscription ReleaseEvents($after: String) {
    releaseEvents(after: $after) {
      cursor
      type
      releaseId
      occurredAt
    }
  }
`;
