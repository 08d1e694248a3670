import type { Origin } from './ids.js';

/*
 * Domain records: what connectors hand the server. Every record carries a deterministic `id`
 * (`<connector>:<entity>:<source key>`, see recordId) and its origin; references to other rows are
 * by natural key (service name, environment name, release version, change key, commit sha), which
 * the server resolves — connectors never know database ids.
 */

/** A git commit as a connector reports it, ready for the release graph. */
export interface CommitRecord {
  /** Deterministic id, `<connector>:commit:<repository>@<sha>`. */
  id: string;
  sha: string;
  repository: string;
  message: string;
  author: string | null;
  committedAt: Date;
  /** Change keys named in the message or the branch (CHG0030001, OPS-123). */
  changeKeys: string[];
  origin: Origin;
}

/** A git tag; `releaseVersion` (the tag name without a leading `v`) links it to the release of that version. */
export interface TagRecord {
  id: string;
  name: string;
  repository: string;
  commitSha: string | null;
  releaseVersion: string | null;
  origin: Origin;
}

export type ChangeType = 'STANDARD' | 'NORMAL' | 'EMERGENCY';
export type ChangeRisk = 'LOW' | 'MODERATE' | 'HIGH' | 'VERY_HIGH';
export type ChangeState = 'NEW' | 'ASSESS' | 'AUTHORIZE' | 'SCHEDULED' | 'IMPLEMENT' | 'REVIEW' | 'CLOSED' | 'CANCELLED';

/** A change ticket (ServiceNow change_request, Jira issue). `origin.originalStatus` keeps the source's state. */
export interface ChangeRecord {
  id: string;
  /** Ticket key: CHG0030001, OPS-123. */
  key: string;
  /** The system the ticket lives in: `servicenow`, `jira`. */
  source: string;
  title: string;
  description: string | null;
  type: ChangeType;
  risk: ChangeRisk | null;
  state: ChangeState;
  rollbackPlan: string | null;
  windowStart: Date | null;
  windowEnd: Date | null;
  requestedBy: string | null;
  /** Names of the services it touches (cmdb_ci, Jira components). */
  services: string[];
  /** The release version it ships in (Jira fixVersions), when the source says. */
  releaseVersion: string | null;
  origin: Origin;
}

export type ApprovalDecision = 'REQUESTED' | 'APPROVED' | 'REJECTED';

/** An approval on a change (a CAB decision, an approver's sign-off). */
export interface ApprovalRecord {
  id: string;
  /** The change's record id. */
  changeId: string;
  approver: string;
  decision: ApprovalDecision;
  decidedAt: Date | null;
  comment: string | null;
  origin: Origin;
}

export type PipelineStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type GateKind = 'STATIC_ANALYSIS' | 'VULNERABILITY_SCAN' | 'TESTS' | 'PERFORMANCE' | 'OTHER';
export type GateStatus = 'PENDING' | 'PASSED' | 'FAILED' | 'SKIPPED';

/** A stage of a pipeline that counts as a quality gate (see gates.ts). */
export interface GateResult {
  name: string;
  kind: GateKind;
  status: GateStatus;
}

/** A CI/CD pipeline run (GitHub workflow_run, GitLab pipeline, Jenkins build). */
export interface PipelineRunRecord {
  id: string;
  /** `github`, `gitlab`, `jenkins`. */
  provider: string;
  /** The run's id in the provider. */
  externalId: string;
  name: string;
  status: PipelineStatus;
  commitSha: string | null;
  ref: string | null;
  url: string | null;
  gates: GateResult[];
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Service name, when the source names it (repository or job name). */
  service: string | null;
  releaseVersion: string | null;
  origin: Origin;
}

/** A built artifact, identified by digest (a container image, a package). */
export interface ArtifactRecord {
  id: string;
  name: string;
  version: string;
  digest: string;
  service: string | null;
  /** The pipeline run's record id that built it. */
  pipelineRunId: string | null;
  /** The release version its tag names, when it has one (`2.4.0` for `v2.4.0`). */
  releaseVersion: string | null;
  origin: Origin;
}

export type DeploymentStatus = 'PENDING' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'ROLLED_BACK' | 'CANCELLED';

/** A deployment of one service version to one environment. */
export interface DeploymentRecord {
  id: string;
  service: string;
  environment: string;
  version: string;
  status: DeploymentStatus;
  startedAt: Date | null;
  finishedAt: Date | null;
  deployer: string | null;
  /** The artifact's digest, when known. */
  artifactDigest: string | null;
  releaseVersion: string | null;
  origin: Origin;
}

export type IncidentSeverity = 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
export type IncidentStatus = 'TRIGGERED' | 'ACKNOWLEDGED' | 'RESOLVED';

/** An incident (PagerDuty incident.*, an ITSM incident). */
export interface IncidentRecord {
  id: string;
  key: string;
  /** `pagerduty`, `servicenow`, ... */
  source: string;
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  openedAt: Date;
  resolvedAt: Date | null;
  services: string[];
  url: string | null;
  /** Trace ids that show the problem (a detector's sample of failing traces). */
  traceIds?: string[];
  origin: Origin;
}

export type KpiMetric = 'error_rate' | 'latency_p50' | 'latency_p95' | 'latency_p99' | 'throughput' | (string & {});

/** One point of a KPI time series (Prometheus query_range), per service/environment/version. */
export interface KpiSampleRecord {
  metric: KpiMetric;
  service: string;
  environment: string | null;
  version: string | null;
  at: Date;
  value: number;
  /** The connector that measured it. */
  connector: string;
}

/** What one webhook delivery or poll page turns into. Every list may be empty. */
export interface DomainRecords {
  commits: CommitRecord[];
  tags: TagRecord[];
  changes: ChangeRecord[];
  approvals: ApprovalRecord[];
  pipelineRuns: PipelineRunRecord[];
  artifacts: ArtifactRecord[];
  deployments: DeploymentRecord[];
  incidents: IncidentRecord[];
  kpiSamples: KpiSampleRecord[];
}

export const noRecords = (): DomainRecords => ({
  commits: [],
  tags: [],
  changes: [],
  approvals: [],
  pipelineRuns: [],
  artifacts: [],
  deployments: [],
  incidents: [],
  kpiSamples: [],
});

/** `noRecords()` with some lists filled. */
export const records = (some: Partial<DomainRecords>): DomainRecords => ({ ...noRecords(), ...some });
