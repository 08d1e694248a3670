import { print } from 'graphql';
import { graphql } from '../gql';
import type { ReleaseEventsSubscription, StatusBoardQuery, ViewerQuery } from '../gql/graphql';

/*
 * The operations the shared parts of the dashboard send. Their result types are generated from
 * schema/schema.graphql by GraphQL Code Generator (`pnpm codegen`, run before builds and tests);
 * the aliases below name the parts the components pass around. Views keep their own operations
 * next to them.
 */

export type {
  ConnectorStatus,
  DeploymentStatus,
  EnvironmentTier,
  IncidentStatus,
  ReleaseStatus,
  Role,
  RollbackDecisionStatus,
  StabilizationStatus,
  VerdictOutcome,
} from '../gql/graphql';

/** Every release the board shows, newest first (the hub's order). */
export const STATUS_BOARD_QUERY = graphql(`
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
          changes {
            id
            key
            state
            approvals {
              id
              decision
            }
          }
          pipelines {
            id
            status
            gates {
              name
              status
            }
          }
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
            escalations {
              id
              status
              level
              paged
              nextEscalationAt
            }
          }
          incidents {
            id
            key
            status
            severity
          }
        }
      }
    }
  }
`);

export type StatusBoardQueryResult = StatusBoardQuery;
export type BoardRelease = StatusBoardQuery['releases']['edges'][number]['node'];
export type BoardDeployment = BoardRelease['deployments'][number];
export type BoardStabilization = NonNullable<BoardRelease['stabilization']>;

/** Who the signed-in token belongs to (sign-in sends it over plain HTTP, before any client exists). */
export const VIEWER_QUERY = print(
  graphql(`
    query Viewer {
      viewer {
        name
        role
        permissions
      }
    }
  `),
);

export type Viewer = ViewerQuery['viewer'];

/** What the dashboard needs of a release event: where to resume, and what changed. */
export type ReleaseEventSummary = ReleaseEventsSubscription['releaseEvents'];

const RELEASE_EVENTS_DOCUMENT = graphql(`
  subscription ReleaseEvents($after: String) {
    releaseEvents(after: $after) {
      cursor
      type
      releaseId
      subjectId
      occurredAt
    }
  }
`);

/** As text: the feed sends it over graphql-ws itself, to control `after` on every (re)subscribe. */
export const RELEASE_EVENTS_SUBSCRIPTION = print(RELEASE_EVENTS_DOCUMENT);
