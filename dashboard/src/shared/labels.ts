import type {
  ApprovalDecision,
  ChangeRisk,
  ChangeState,
  Comparator,
  ConnectorStatus,
  DeploymentStatus,
  EscalationStatus,
  GateStatus,
  IncidentSeverity,
  IncidentStatus,
  PipelineStatus,
  Priority,
  ReleaseStatus,
  Role,
  RollbackDecisionStatus,
  RollbackMode,
  StabilizationStatus,
} from '../gql/graphql';
import type { ApprovalState, GateState, Health } from '../board/board-model';
import type { RangeChoice } from '../kpis/kpi-model';
import type { TimelineKind } from '../release/release-model';

/*
 * The words for every enum the dashboard shows: one table per enum, used by every view, so a status
 * reads the same on the board, the release page and the stabilization page. A label stands on its
 * own (a heading, a pill, a timeline entry); the word always comes with the colour, never colour alone.
 */

// ---------------------------------------------------------------- the hub's enums (schema/schema.graphql)

export const RELEASE_STATUS_LABEL: Record<ReleaseStatus, string> = {
  PLANNED: 'Planned',
  SCHEDULED: 'Scheduled',
  DEPLOYING: 'Deploying',
  STABILIZING: 'Stabilizing',
  DONE: 'Done',
  ROLLED_BACK: 'Rolled back',
  CANCELLED: 'Cancelled',
};

export const DEPLOYMENT_STATUS_LABEL: Record<DeploymentStatus, string> = {
  PENDING: 'Pending',
  IN_PROGRESS: 'In progress',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  ROLLED_BACK: 'Rolled back',
  CANCELLED: 'Cancelled',
};

/** A closed window says it is closed: "Stable" alone would read as "fine so far" on a window still watched. */
export const STABILIZATION_STATUS_LABEL: Record<StabilizationStatus, string> = {
  OPEN: 'Open',
  EXTENDED: 'Extended',
  STABLE: 'Closed · stable',
  ROLLED_BACK: 'Closed · rolled back',
};

/** Named as a rollback: the board shows it as a heading of its own, without the word "rollback" around it. */
export const ROLLBACK_STATUS_LABEL: Record<RollbackDecisionStatus, string> = {
  RECOMMENDED: 'Rollback recommended',
  ROLLED_BACK: 'Rolled back',
  DISMISSED: 'Rollback dismissed',
};

export const ROLLBACK_MODE_LABEL: Record<RollbackMode, string> = { AUTOMATIC: 'Automatic', RECOMMENDED: 'Recommended' };

export const CHANGE_STATE_LABEL: Record<ChangeState, string> = {
  NEW: 'New',
  ASSESS: 'Assess',
  AUTHORIZE: 'Authorize',
  SCHEDULED: 'Scheduled',
  IMPLEMENT: 'Implement',
  REVIEW: 'Review',
  CLOSED: 'Closed',
  CANCELLED: 'Cancelled',
};

export const RISK_LABEL: Record<ChangeRisk, string> = { LOW: 'Low risk', MODERATE: 'Moderate risk', HIGH: 'High risk', VERY_HIGH: 'Very high risk' };

export const APPROVAL_DECISION_LABEL: Record<ApprovalDecision, string> = { APPROVED: 'Approved', REJECTED: 'Rejected', REQUESTED: 'Requested' };

export const PIPELINE_STATUS_LABEL: Record<PipelineStatus, string> = {
  QUEUED: 'Queued',
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

export const GATE_STATUS_LABEL: Record<GateStatus, string> = { PASSED: 'Passed', FAILED: 'Failed', PENDING: 'Pending', SKIPPED: 'Skipped' };

export const INCIDENT_STATUS_LABEL: Record<IncidentStatus, string> = { TRIGGERED: 'Triggered', ACKNOWLEDGED: 'Acknowledged', RESOLVED: 'Resolved' };

export const SEVERITY_LABEL: Record<IncidentSeverity, string> = {
  SEV1: 'SEV1 · critical',
  SEV2: 'SEV2 · major',
  SEV3: 'SEV3 · minor',
  SEV4: 'SEV4 · low',
};

/** Words first: the colour of an escalation only underlines them. */
export const ESCALATION_STATUS_LABEL: Record<EscalationStatus, string> = {
  OPEN: 'Paging now — not acknowledged',
  ACKNOWLEDGED: 'Acknowledged',
  RESOLVED: 'Resolved',
};

export const CONNECTOR_STATUS_LABEL: Record<ConnectorStatus, string> = { OK: 'OK', WAITING: 'Waiting', FAILING: 'Failing', CIRCUIT_OPEN: 'Circuit open' };

/** Inside a sentence ("Priority: high"). */
export const PRIORITY_LABEL: Record<Priority, string> = { CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low' };

/** Inside a sentence, beside the signed-in name ("erin (release manager)"). */
export const ROLE_LABEL: Record<Role, string> = {
  ADMIN: 'admin',
  ANALYST: 'analyst',
  APPROVER: 'approver',
  ENGINEER: 'engineer',
  INTEGRATION: 'integration',
  RELEASE_MANAGER: 'release manager',
  VIEWER: 'viewer',
};

export const COMPARATOR_SYMBOL: Record<Comparator, string> = { LT: '<', LTE: '≤', GT: '>', GTE: '≥' };

// ---------------------------------------------------------------- the dashboard's own summaries

export const HEALTH_LABEL: Record<Health, string> = {
  failing: 'Failing',
  inconclusive: 'Inconclusive',
  healthy: 'Healthy',
  unknown: 'No verdicts yet',
};

export const APPROVAL_LABEL: Record<ApprovalState, string> = {
  approved: 'Approved',
  rejected: 'Rejected',
  awaiting: 'Awaiting approval',
  none: 'No approvals',
};

export const GATE_LABEL: Record<GateState, string> = {
  passed: 'Gates passed',
  failed: 'Gate failed',
  pending: 'Gates pending',
  none: 'No gates',
};

export const TIMELINE_KIND_LABEL: Record<TimelineKind, string> = {
  change: 'Change created',
  approval: 'Approval',
  commit: 'Commit',
  'pipeline-start': 'Pipeline started',
  'pipeline-finish': 'Pipeline finished',
  'deployment-start': 'Deployment started',
  'deployment-finish': 'Deployment finished',
  verdict: 'Verdict',
  rollback: 'Rollback decision',
  'incident-open': 'Incident opened',
  'incident-resolve': 'Incident resolved',
};

/** OpenTelemetry's span kinds by number (0, unspecified, has no word). */
export const SPAN_KIND_LABEL: Readonly<Record<number, string>> = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };

/** The Live KPIs view's fixed look-backs (`?range=`). */
export const RANGE_LABEL: Record<RangeChoice, string> = {
  '2h': 'Last 2 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};
