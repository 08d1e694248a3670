import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { ReleaseEventResolver } from '../events/release-event.resolver.js';
import { KpiResolver } from '../modules/kpis/kpi.resolver.js';
import { AuditResolver } from '../modules/audit/audit.resolver.js';
import { AuthResolver } from '../modules/auth/auth.resolver.js';
import { ApprovalResolver, ChangeResolver } from '../modules/changes/change.resolver.js';
import { CommitResolver, GitTagResolver } from '../modules/commits/commit.resolver.js';
import { DeploymentResolver } from '../modules/deployments/deployment.resolver.js';
import { EnvironmentResolver } from '../modules/environments/environment.resolver.js';
import { IncidentResolver } from '../modules/incidents/incident.resolver.js';
import { NodeResolver } from '../modules/node/node.resolver.js';
import { ConnectorResolver } from '../modules/connectors/connector.resolver.js';
import { TelemetryResolver } from '../modules/telemetry/telemetry.resolver.js';
import { ReleaseBudgetResolver, SloResolver } from '../modules/slo/slo.resolver.js';
import { ReleaseStabilizationResolver, StabilizationOwnerResolver, StabilizationResolver } from '../modules/stabilization/stabilization.resolver.js';
import {
  DeploymentVerificationResolver,
  ReleaseVerificationResolver,
  VerdictResolver,
  VerificationResolver,
} from '../modules/verification/verification.resolver.js';
import { ArtifactResolver, PipelineRunResolver } from '../modules/pipelines/pipeline.resolver.js';
import { ReleaseResolver } from '../modules/releases/release.resolver.js';
import { ServiceResolver } from '../modules/services/service.resolver.js';

export const RESOLVERS = [
  NodeResolver,
  AuthResolver,
  ServiceResolver,
  EnvironmentResolver,
  ReleaseResolver,
  ChangeResolver,
  ApprovalResolver,
  CommitResolver,
  GitTagResolver,
  PipelineRunResolver,
  ArtifactResolver,
  DeploymentResolver,
  IncidentResolver,
  AuditResolver,
  ReleaseEventResolver,
  ConnectorResolver,
  TelemetryResolver,
  VerificationResolver,
  KpiResolver,
  DeploymentVerificationResolver,
  ReleaseVerificationResolver,
  VerdictResolver,
  SloResolver,
  ReleaseBudgetResolver,
  StabilizationResolver,
  StabilizationOwnerResolver,
  ReleaseStabilizationResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

/** The code-first schema (type-graphql keeps global metadata, so it is built once per process). */
export function releaseGraphSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [...RESOLVERS],
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    validate: false,
    // type-graphql insists on a pubSub when there are subscriptions; ours each bring their own
    // `subscribe` (replay from the event log, then live), so topic-based subscriptions are refused.
    pubSub: {
      publish: () => {
        throw new Error('topic pub/sub is not used: publish through the write path');
      },
      subscribe: () => {
        throw new Error('every subscription defines its own subscribe function');
      },
    },
  });
  return built;
}

/** The SDL as committed in `schema/schema.graphql`: sorted, so diffs show real changes only. */
export async function printReleaseGraphSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await releaseGraphSchema()))}\n`;
}
