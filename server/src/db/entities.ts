import { ApiToken } from '../modules/auth/api-token.entity.js';
import { AuditEntry } from '../modules/audit/audit-entry.entity.js';
import { Approval, Change, ChangeServiceLink } from '../modules/changes/change.entity.js';
import { Commit, GitTag } from '../modules/commits/commit.entity.js';
import { Deployment } from '../modules/deployments/deployment.entity.js';
import { Environment } from '../modules/environments/environment.entity.js';
import { Incident, IncidentServiceLink } from '../modules/incidents/incident.entity.js';
import { Artifact, PipelineRun } from '../modules/pipelines/pipeline.entity.js';
import { Release, ReleaseServiceLink } from '../modules/releases/release.entity.js';
import { Service, ServiceDependency } from '../modules/services/service.entity.js';
import { ReleaseEventRow } from '../events/release-event.entity.js';
import { WebhookDelivery } from '../modules/connectors/webhook-delivery.entity.js';
import { ConnectorCursor, ConnectorState, DeadLetter } from '../modules/connectors/connector-state.entity.js';
import { Slo } from '../modules/slo/slo.entity.js';
import { SyntheticResult } from '../modules/synthetics/synthetic.entity.js';
import { Escalation, StabilizationOwner, StabilizationWindow } from '../modules/stabilization/stabilization.entity.js';
import { NotificationDelivery, EventConsumerCursor } from '../modules/notifications/notification.entity.js';
import { RollbackDecision, SuccessCriterion, Verdict } from '../modules/verification/verification.entity.js';
import { ErrorTrace, KpiSample, LogRecordRow, SpanRollup, SpanRollupHour, SpanRow, TelemetryVersion } from '../modules/telemetry/telemetry.entity.js';

/** Every TypeORM entity of the hub. */
export const ENTITIES = [
  Service,
  ServiceDependency,
  Environment,
  Release,
  ReleaseServiceLink,
  Change,
  ChangeServiceLink,
  Approval,
  Commit,
  GitTag,
  PipelineRun,
  Artifact,
  Deployment,
  Incident,
  IncidentServiceLink,
  ApiToken,
  ReleaseEventRow,
  AuditEntry,
  WebhookDelivery,
  ConnectorCursor,
  ConnectorState,
  DeadLetter,
  SpanRow,
  ErrorTrace,
  SpanRollup,
  SpanRollupHour,
  LogRecordRow,
  TelemetryVersion,
  KpiSample,
  SuccessCriterion,
  Verdict,
  RollbackDecision,
  NotificationDelivery,
  EventConsumerCursor,
  Slo,
  StabilizationWindow,
  StabilizationOwner,
  Escalation,
  SyntheticResult,
];
