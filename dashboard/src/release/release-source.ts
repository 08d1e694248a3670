import { graphql } from '../gql';
import type { ReleaseViewQuery, ReleaseViewQueryVariables } from '../gql/graphql';
import type { HubConnection } from '../hub/hub-connection';
import { watchReleaseEvents } from '../hub/live-data';

/*
 * The operations of the release view: one release's whole graph (changes to incidents) with its
 * audit trail in one request, and the two answers to a recommended rollback.
 */

/** How many audit entries the view shows (the newest; the hub pages at most 100). */
export const AUDIT_PAGE_SIZE = 100;

export const RELEASE_VIEW_QUERY = graphql(`
  query ReleaseView($id: ID!, $auditFirst: Int!) {
    release(id: $id) {
      id
      name
      version
      status
      description
      timezone
      plannedStart
      plannedEnd
      priority
      createdAt
      createdBy
      updatedAt
      changes {
        id
        key
        title
        state
        type
        risk
        source
        requestedBy
        createdAt
        rollbackPlan
        rollbackCriteria
        approvals {
          id
          approver
          decision
          comment
          createdAt
          decidedAt
        }
      }
      commits {
        id
        sha
        message
        author
        repository
        committedAt
        changeKeys
        changes {
          id
        }
      }
      pipelines {
        id
        provider
        status
        commitSha
        ref
        url
        startedAt
        finishedAt
        service {
          id
          name
        }
        gates {
          name
          kind
          status
        }
      }
      artifacts {
        id
        name
        digest
        version
        createdAt
        pipelineRun {
          id
        }
      }
      deployments {
        id
        status
        version
        strategy
        deployer
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
        artifact {
          id
        }
        verdicts {
          id
          outcome
          observed
          baseline
          samples
          evaluatedAt
          criterion {
            id
            metric
            comparator
            threshold
            windowSeconds
            relativeToPrevious
          }
        }
        rollbackDecision {
          id
          mode
          status
          reason
          createdAt
          decidedAt
          decidedBy
          changeKeys
        }
      }
      criteria {
        id
        metric
        comparator
        threshold
        windowSeconds
        minSamples
        relativeToPrevious
        environmentTier
        serviceId
      }
      incidents {
        id
        key
        title
        severity
        status
        openedAt
        resolvedAt
        services {
          id
        }
        suspects {
          deploymentId
          confidence
        }
      }
    }
    auditEntries(first: $auditFirst, filter: { releaseId: $id }) {
      totalCount
      edges {
        node {
          seq
          at
          actor
          action
          subjectType
          hash
          prevHash
        }
      }
    }
  }
`);

export const ACCEPT_ROLLBACK_MUTATION = graphql(`
  mutation AcceptRollbackDecision($id: ID!) {
    acceptRollbackDecision(id: $id) {
      id
      status
      decidedAt
      decidedBy
    }
  }
`);

export const DISMISS_ROLLBACK_MUTATION = graphql(`
  mutation DismissRollbackDecision($id: ID!) {
    dismissRollbackDecision(id: $id) {
      id
      status
      decidedAt
      decidedBy
    }
  }
`);

export type ReleaseDetail = NonNullable<ReleaseViewQuery['release']>;
export type ReleaseChange = ReleaseDetail['changes'][number];
export type ReleaseCommit = ReleaseDetail['commits'][number];
export type ReleasePipeline = ReleaseDetail['pipelines'][number];
export type ReleaseArtifact = ReleaseDetail['artifacts'][number];
export type ReleaseDeployment = ReleaseDetail['deployments'][number];
export type ReleaseVerdict = ReleaseDeployment['verdicts'][number];
export type ReleaseRollbackDecision = NonNullable<ReleaseDeployment['rollbackDecision']>;
export type ReleaseCriterion = ReleaseDetail['criteria'][number];
export type ReleaseIncident = ReleaseDetail['incidents'][number];
export type AuditEntryRow = ReleaseViewQuery['auditEntries']['edges'][number]['node'];

/** What the view shows: the release (null when the hub does not know it) and its audit trail. */
export interface ReleasePageData {
  release: ReleaseDetail | null;
  audit: { entries: AuditEntryRow[]; totalCount: number };
}

export type RollbackAnswer = 'accept' | 'dismiss';

/** Where the release view gets its data, hears that it changed, and answers a rollback (the hub, or a fake in tests). */
export interface ReleaseSource {
  load(): Promise<ReleasePageData>;
  /** Calls `onChange` whenever this release may have changed. Returns the unsubscribe function. */
  watchChanges(onChange: () => void): () => void;
  answerRollback(decisionId: string, answer: RollbackAnswer): Promise<void>;
}

/** The release over the hub: the query over HTTP (never from cache), changes from the events of this release only. */
export function createHubReleaseSource(hub: Pick<HubConnection, 'apollo' | 'events'>, releaseId: string): ReleaseSource {
  return {
    async load() {
      const variables: ReleaseViewQueryVariables = { id: releaseId, auditFirst: AUDIT_PAGE_SIZE };
      const result = await hub.apollo.query({ query: RELEASE_VIEW_QUERY, variables, fetchPolicy: 'network-only' });
      return {
        release: result.data.release,
        audit: { entries: result.data.auditEntries.edges.map((edge) => edge.node), totalCount: result.data.auditEntries.totalCount },
      };
    },
    watchChanges: watchReleaseEvents(hub.events, (event) => event.releaseId === releaseId),
    async answerRollback(decisionId, answer) {
      await hub.apollo.mutate({ mutation: answer === 'accept' ? ACCEPT_ROLLBACK_MUTATION : DISMISS_ROLLBACK_MUTATION, variables: { id: decisionId } });
    },
  };
}
