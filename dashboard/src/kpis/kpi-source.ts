import { graphql } from '../gql';
import type { KpiCatalogQuery, KpiDeploymentDetailsQuery, KpiSeriesQuery, KpiUpdatedSubscription } from '../gql/graphql';
import type { HubConnection } from '../hub/hub-connection';
import { watchReleaseEvents } from '../hub/live-data';
import { KPI_STEP_SECONDS, splitRange, type KpiPointInput } from './kpi-model';

/** Services (with the environments they were deployed to) and the latest deployments, for the selects and the default. */
export const KPI_CATALOG_QUERY = graphql(`
  query KpiCatalog {
    services(first: 100) {
      edges {
        node {
          id
          name
          environments {
            id
            name
            tier
          }
        }
      }
    }
    deployments(first: 50) {
      edges {
        node {
          ...KpiDeploymentSummary
        }
      }
    }
  }

  fragment KpiDeploymentSummary on Deployment {
    id
    version
    status
    startedAt
    createdAt
    service {
      id
      name
    }
    environment {
      id
      name
      tier
    }
  }
`);

/** The deployments of one service in one environment, newest first. */
export const KPI_DEPLOYMENTS_QUERY = graphql(`
  query KpiDeployments($filter: DeploymentFilter!) {
    deployments(filter: $filter, first: 50) {
      edges {
        node {
          ...KpiDeploymentSummary
        }
      }
    }
  }
`);

/** What the markers and the error budget need of the new deployment. */
export const KPI_DEPLOYMENT_DETAILS_QUERY = graphql(`
  query KpiDeploymentDetails($id: ID!) {
    node(id: $id) {
      ... on Deployment {
        id
        verdicts {
          id
          outcome
          evaluatedAt
          observed
          baseline
          samples
          criterion {
            id
            metric
            comparator
            threshold
            relativeToPrevious
            windowSeconds
          }
        }
        release {
          id
          name
          errorBudget {
            sloId
            slo
            consumed
            badEvents
          }
        }
      }
    }
    slos {
      id
      name
      serviceId
      environmentId
      objective
      status {
        budgetRemaining
      }
    }
  }
`);

/** Both versions' series in one request. */
export const KPI_SERIES_QUERY = graphql(`
  query KpiSeries(
    $service: String!
    $environment: String!
    $metric: String!
    $from: DateTime!
    $to: DateTime!
    $step: Int!
    $current: String!
    $previous: String!
    $withPrevious: Boolean!
  ) {
    current: kpiSeries(service: $service, environment: $environment, version: $current, metric: $metric, from: $from, to: $to, step: $step) {
      at
      value
      samples
    }
    previous: kpiSeries(service: $service, environment: $environment, version: $previous, metric: $metric, from: $from, to: $to, step: $step)
      @include(if: $withPrevious) {
      at
      value
      samples
    }
  }
`);

export const KPI_UPDATED_SUBSCRIPTION = graphql(`
  subscription KpiUpdated($service: String!, $environment: String!, $version: String!, $metric: String!, $step: Int!, $intervalSeconds: Int!) {
    kpiUpdated(service: $service, environment: $environment, version: $version, metric: $metric, step: $step, intervalSeconds: $intervalSeconds) {
      at
      value
      samples
    }
  }
`);

export type KpiCatalog = {
  services: KpiCatalogQuery['services']['edges'][number]['node'][];
  deployments: KpiDeployment[];
};
export type KpiDeployment = KpiCatalogQuery['deployments']['edges'][number]['node'];
export type KpiDeploymentDetails = DeploymentNode & {
  slos: KpiDeploymentDetailsQuery['slos'];
};
type DeploymentNode = Extract<NonNullable<KpiDeploymentDetailsQuery['node']>, { verdicts: unknown }>;

const isDeploymentNode = (node: KpiDeploymentDetailsQuery['node']): node is DeploymentNode =>
  node !== null && Array.isArray((node as { verdicts?: unknown }).verdicts);

export type KpiVerdict = NonNullable<KpiDeploymentDetails['verdicts']>[number];
export type KpiSlo = KpiDeploymentDetailsQuery['slos'][number];

export interface KpiSeriesRequest {
  service: string;
  environment: string;
  metric: string;
  current: string;
  previous: string | null;
  from: Date;
  to: Date;
}

export interface KpiSeriesAnswer {
  current: KpiPointInput[];
  previous: KpiPointInput[] | null;
}

export interface KpiPointScope {
  service: string;
  environment: string;
  version: string;
  metric: string;
}

/** Where the Live KPIs view gets its data (the hub, or a fake in tests). */
export interface KpiSource {
  loadCatalog(): Promise<KpiCatalog>;
  loadDeployments(serviceId: string, environmentId: string): Promise<KpiDeployment[]>;
  loadDetails(deploymentId: string): Promise<KpiDeploymentDetails | null>;
  loadSeries(request: KpiSeriesRequest): Promise<KpiSeriesAnswer>;
  /** Live points of one version (kpiUpdated). Returns the function that stops them. */
  watchPoints(scope: KpiPointScope, onPoint: (point: KpiPointInput) => void, onError: (error: Error) => void): () => void;
  /** Calls `onChange` when deployments, verdicts, releases or SLOs may have changed. */
  watchChanges(onChange: () => void): () => void;
}

/** Seconds between the hub's looks for changed steps (it also looks as soon as telemetry arrives). */
export const KPI_LOOK_INTERVAL_SECONDS = 5;

const MARKER_EVENT = /^(deployment|verdict|release|slo)\./;

/**
 * The view over the hub: queries over HTTP, never from or into the cache (the series are large and
 * always fresh), live points over the graphql-ws socket, changes from the release event feed.
 */
export function createHubKpiSource(hub: Pick<HubConnection, 'apollo' | 'events'>): KpiSource {
  const { apollo } = hub;
  return {
    async loadCatalog() {
      const { data } = await apollo.query({ query: KPI_CATALOG_QUERY, fetchPolicy: 'no-cache' });
      return { services: data.services.edges.map((e) => e.node), deployments: data.deployments.edges.map((e) => e.node) };
    },
    async loadDeployments(serviceId, environmentId) {
      const { data } = await apollo.query({ query: KPI_DEPLOYMENTS_QUERY, variables: { filter: { serviceId, environmentId } }, fetchPolicy: 'no-cache' });
      return data.deployments.edges.map((e) => e.node);
    },
    async loadDetails(id) {
      const { data } = await apollo.query({ query: KPI_DEPLOYMENT_DETAILS_QUERY, variables: { id }, fetchPolicy: 'no-cache' });
      const node = data.node;
      return isDeploymentNode(node) ? { ...node, slos: data.slos } : null;
    },
    async loadSeries(request) {
      // Long ranges in pieces the hub accepts, asked for together, joined in order.
      const pieces = await Promise.all(
        splitRange({ from: request.from, to: request.to }).map(async (piece) => {
          const { data } = await apollo.query<KpiSeriesQuery>({
            query: KPI_SERIES_QUERY,
            variables: {
              service: request.service,
              environment: request.environment,
              metric: request.metric,
              from: piece.from.toISOString(),
              to: piece.to.toISOString(),
              step: KPI_STEP_SECONDS,
              current: request.current,
              previous: request.previous ?? request.current,
              withPrevious: request.previous !== null,
            },
            fetchPolicy: 'no-cache',
          });
          return data;
        }),
      );
      return {
        current: pieces.flatMap((data) => data.current),
        previous: request.previous === null ? null : pieces.flatMap((data) => data.previous ?? []),
      };
    },
    watchPoints(scope, onPoint, onError) {
      const subscription = apollo
        .subscribe<KpiUpdatedSubscription>({
          query: KPI_UPDATED_SUBSCRIPTION,
          variables: { ...scope, step: KPI_STEP_SECONDS, intervalSeconds: KPI_LOOK_INTERVAL_SECONDS },
          fetchPolicy: 'no-cache',
        })
        .subscribe({
          next: (result) => {
            if (result.errors?.length) onError(new Error(result.errors.map((e) => e.message).join('; ')));
            const point = result.data?.kpiUpdated;
            if (point) onPoint(point);
          },
          error: (error: unknown) => onError(error instanceof Error ? error : new Error(String(error))),
        });
      return () => subscription.unsubscribe();
    },
    watchChanges: watchReleaseEvents(hub.events, (event) => MARKER_EVENT.test(event.type)),
  };
}
