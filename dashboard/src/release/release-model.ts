import type { ApprovalDecision } from '../gql/graphql';
import type { EnvironmentTier, RollbackDecisionStatus, VerdictOutcome } from '../hub/documents';
import { formatSeconds, shortSha } from '../shared/format';
import {
  APPROVAL_DECISION_LABEL,
  CHANGE_STATE_LABEL,
  COMPARATOR_SYMBOL,
  DEPLOYMENT_STATUS_LABEL,
  INCIDENT_STATUS_LABEL,
  PIPELINE_STATUS_LABEL,
  RISK_LABEL,
  ROLLBACK_STATUS_LABEL,
} from '../shared/labels';
import type {
  AuditEntryRow,
  ReleaseArtifact,
  ReleaseChange,
  ReleaseCommit,
  ReleaseCriterion,
  ReleaseDeployment,
  ReleaseDetail,
  ReleaseIncident,
  ReleasePipeline,
  ReleaseRollbackDecision,
  ReleaseVerdict,
} from './release-source';

/*
 * Pure functions of the release view: the graph (nodes, links, layout), the timeline, the rollback
 * decisions and the wording of criteria. The components only render them; labels and times come from
 * src/shared/.
 */

/** How a status reads at a glance; the word always comes with it (never colour alone). */
export type Tone = 'good' | 'bad' | 'warn' | 'info' | 'neutral';

const TONE: Record<string, Tone> = {
  APPROVED: 'good',
  PASSED: 'good',
  SUCCEEDED: 'good',
  PASS: 'good',
  CLOSED: 'good',
  RESOLVED: 'good',
  DISMISSED: 'neutral',
  REJECTED: 'bad',
  FAILED: 'bad',
  FAIL: 'bad',
  ROLLED_BACK: 'bad',
  TRIGGERED: 'bad',
  RECOMMENDED: 'bad',
  REQUESTED: 'warn',
  PENDING: 'warn',
  QUEUED: 'warn',
  INCONCLUSIVE: 'warn',
  ACKNOWLEDGED: 'warn',
  RUNNING: 'info',
  IN_PROGRESS: 'info',
  IMPLEMENT: 'info',
};

/** The tone of any status word of the release graph (unknown ones are neutral). */
export function toneOf(status: string): Tone {
  return TONE[status] ?? 'neutral';
}

// ---------------------------------------------------------------- formatting

export const firstLine = (message: string): string => message.split(/\r?\n/, 1)[0]!.trim();

/** "sha256:3f9a1c2b7d4e" — the algorithm and the first 12 hex digits. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return colon >= 0 ? `${digest.slice(0, colon + 1)}${digest.slice(colon + 1, colon + 13)}` : digest.slice(0, 12);
}

/** A measured value with at most four significant digits ("0.041", "1234", "12.35"). */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** "error_rate ≤ 0.01 over 10 min", "latency_p95 ≤ 1.2 × previous version over 5 min". */
export function criterionText(criterion: Pick<ReleaseCriterion, 'metric' | 'comparator' | 'threshold' | 'windowSeconds' | 'relativeToPrevious'>): string {
  const threshold = criterion.relativeToPrevious ? `${formatNumber(criterion.threshold)} × previous version` : formatNumber(criterion.threshold);
  return `${criterion.metric} ${COMPARATOR_SYMBOL[criterion.comparator]} ${threshold} over ${formatSeconds(criterion.windowSeconds)}`;
}

/** "observed 0.041 (120 samples)", or "no samples" when nothing was measured. */
export function observedText(verdict: Pick<ReleaseVerdict, 'observed' | 'baseline' | 'samples'>): string {
  if (verdict.observed === null) return `no samples (${verdict.samples})`;
  const baseline = verdict.baseline === null ? '' : `, previous version ${formatNumber(verdict.baseline)}`;
  return `observed ${formatNumber(verdict.observed)}${baseline} (${verdict.samples} samples)`;
}

/** Decimal sequence numbers compared as integers (they outgrow Number). */
export function compareSeq(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The audit entries newest first (by their place in the chain). */
export function auditNewestFirst(entries: readonly AuditEntryRow[]): AuditEntryRow[] {
  return [...entries].sort((a, b) => compareSeq(b.seq, a.seq));
}

// ---------------------------------------------------------------- the graph

export type StageKey = 'changes' | 'commits' | 'pipelines' | 'artifacts' | 'deployments' | 'incidents';

export const STAGES: readonly { key: StageKey; title: string; empty: string }[] = [
  { key: 'changes', title: 'Changes', empty: 'No change tickets' },
  { key: 'commits', title: 'Commits', empty: 'No commits' },
  { key: 'pipelines', title: 'Pipelines', empty: 'No pipeline runs' },
  { key: 'artifacts', title: 'Artifacts', empty: 'No artifacts' },
  { key: 'deployments', title: 'Deployments', empty: 'No deployments' },
  { key: 'incidents', title: 'Incidents', empty: 'No incidents' },
];

interface NodeBase {
  /** Unique over the whole graph: `<stage>:<id>`. */
  id: string;
  /** The first line on the node (a key, a sha, a name). */
  label: string;
  /** The second line (its state in words). */
  detail: string;
  /** The status the tone comes from, as the hub spells it. */
  status: string;
  tone: Tone;
}

export type GraphNode =
  | (NodeBase & { stage: 'changes'; item: ReleaseChange })
  | (NodeBase & { stage: 'commits'; item: ReleaseCommit })
  | (NodeBase & { stage: 'pipelines'; item: ReleasePipeline })
  | (NodeBase & { stage: 'artifacts'; item: ReleaseArtifact })
  | (NodeBase & { stage: 'deployments'; item: ReleaseDeployment })
  | (NodeBase & { stage: 'incidents'; item: ReleaseIncident });

export interface GraphLink {
  source: string;
  target: string;
}

export interface ReleaseGraphModel {
  nodes: GraphNode[];
  links: GraphLink[];
}

export const nodeId = (stage: StageKey, id: string): string => `${stage}:${id}`;

/** The change's approvals in one state: a rejection blocks, an open request waits. */
export function approvalState(change: ReleaseChange): ApprovalDecision | 'NONE' {
  const decisions = change.approvals.map((a) => a.decision);
  if (decisions.includes('REJECTED')) return 'REJECTED';
  if (decisions.includes('REQUESTED')) return 'REQUESTED';
  return decisions.length > 0 ? 'APPROVED' : 'NONE';
}

/** The worst verdict of a deployment, or null without verdicts. */
export function worstVerdict(deployment: ReleaseDeployment): VerdictOutcome | null {
  const outcomes = deployment.verdicts.map((v) => v.outcome);
  if (outcomes.includes('FAIL')) return 'FAIL';
  if (outcomes.includes('INCONCLUSIVE')) return 'INCONCLUSIVE';
  return outcomes.length > 0 ? 'PASS' : null;
}

/** "2/3 gates passed", "gate failed: sast", "no gates". */
export function gatesText(pipeline: ReleasePipeline): string {
  if (pipeline.gates.length === 0) return 'no gates';
  const failed = pipeline.gates.filter((g) => g.status === 'FAILED').map((g) => g.name);
  if (failed.length > 0) return `${failed.length === 1 ? 'gate' : 'gates'} failed: ${failed.join(', ')}`;
  const passed = pipeline.gates.filter((g) => g.status === 'PASSED').length;
  return `${passed}/${pipeline.gates.length} gates passed`;
}

const TIER_ORDER: Record<EnvironmentTier, number> = { DEV: 0, TEST: 1, STAGING: 2, PROD: 3 };
const timeOf = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : Number.POSITIVE_INFINITY);

const shaMatches = (a: string, b: string): boolean => a.length > 0 && b.length > 0 && (a.startsWith(b) || b.startsWith(a));

/**
 * The release as a graph, stage by stage: change → commit (the commit names the change) → pipeline
 * run (built that commit) → artifact (the run produced it) → deployment (rolled it out) → incident
 * (the hub suspects the deployment; without suspects, the newest deployment of an affected service
 * that started before the incident opened).
 */
export function releaseGraph(release: ReleaseDetail): ReleaseGraphModel {
  const nodes: GraphNode[] = [];
  const links: GraphLink[] = [];
  const link = (source: string, target: string): void => {
    if (!links.some((l) => l.source === source && l.target === target)) links.push({ source, target });
  };

  for (const change of release.changes) {
    const approvals = approvalState(change);
    const words = [
      CHANGE_STATE_LABEL[change.state],
      change.risk ? RISK_LABEL[change.risk] : null,
      approvals === 'NONE' ? 'no approvals' : APPROVAL_DECISION_LABEL[approvals],
    ];
    nodes.push({
      id: nodeId('changes', change.id),
      stage: 'changes',
      item: change,
      label: change.key,
      detail: words.filter(Boolean).join(' · '),
      status: approvals === 'NONE' ? change.state : approvals,
      tone: approvals === 'NONE' ? toneOf(change.state) : toneOf(approvals),
    });
  }

  const commits = [...release.commits].sort((a, b) => timeOf(a.committedAt) - timeOf(b.committedAt));
  for (const commit of commits) {
    nodes.push({
      id: nodeId('commits', commit.id),
      stage: 'commits',
      item: commit,
      label: shortSha(commit.sha),
      detail: firstLine(commit.message),
      status: 'COMMITTED',
      tone: 'neutral',
    });
    for (const change of release.changes) {
      if (commit.changes.some((c) => c.id === change.id) || commit.changeKeys.includes(change.key))
        link(nodeId('changes', change.id), nodeId('commits', commit.id));
    }
  }

  const pipelines = [...release.pipelines].sort((a, b) => timeOf(a.startedAt) - timeOf(b.startedAt));
  for (const pipeline of pipelines) {
    nodes.push({
      id: nodeId('pipelines', pipeline.id),
      stage: 'pipelines',
      item: pipeline,
      label: [pipeline.provider, pipeline.service?.name].filter(Boolean).join(' · '),
      detail: `${PIPELINE_STATUS_LABEL[pipeline.status]} · ${gatesText(pipeline)}`,
      status: pipeline.status,
      tone: pipeline.gates.some((g) => g.status === 'FAILED') ? 'bad' : toneOf(pipeline.status),
    });
    const sha = pipeline.commitSha;
    if (sha) for (const commit of commits) if (shaMatches(commit.sha, sha)) link(nodeId('commits', commit.id), nodeId('pipelines', pipeline.id));
  }

  const artifacts = [...release.artifacts].sort((a, b) => timeOf(a.createdAt) - timeOf(b.createdAt));
  for (const artifact of artifacts) {
    nodes.push({
      id: nodeId('artifacts', artifact.id),
      stage: 'artifacts',
      item: artifact,
      label: `${artifact.name} ${artifact.version}`,
      detail: shortDigest(artifact.digest),
      status: 'BUILT',
      tone: 'neutral',
    });
    const run = artifact.pipelineRun;
    if (run && release.pipelines.some((p) => p.id === run.id)) link(nodeId('pipelines', run.id), nodeId('artifacts', artifact.id));
  }

  const deployments = [...release.deployments].sort(
    (a, b) => TIER_ORDER[a.environment.tier] - TIER_ORDER[b.environment.tier] || timeOf(a.startedAt) - timeOf(b.startedAt),
  );
  for (const deployment of deployments) {
    const verdict = worstVerdict(deployment);
    nodes.push({
      id: nodeId('deployments', deployment.id),
      stage: 'deployments',
      item: deployment,
      label: `${deployment.service.name} ${deployment.version}`,
      detail: [deployment.environment.name, DEPLOYMENT_STATUS_LABEL[deployment.status], verdict].filter(Boolean).join(' · '),
      status: verdict === 'FAIL' ? 'FAIL' : deployment.status,
      tone: verdict === 'FAIL' ? 'bad' : deployment.status === 'SUCCEEDED' && verdict === 'INCONCLUSIVE' ? 'warn' : toneOf(deployment.status),
    });
    const artifact = deployment.artifact;
    if (artifact && release.artifacts.some((a) => a.id === artifact.id)) link(nodeId('artifacts', artifact.id), nodeId('deployments', deployment.id));
  }

  for (const incident of release.incidents) {
    nodes.push({
      id: nodeId('incidents', incident.id),
      stage: 'incidents',
      item: incident,
      label: `${incident.key} ${incident.severity}`,
      detail: `${INCIDENT_STATUS_LABEL[incident.status]} · ${incident.title}`,
      status: incident.status,
      tone: toneOf(incident.status),
    });
    for (const deployment of suspectedDeployments(release, incident)) link(nodeId('deployments', deployment.id), nodeId('incidents', incident.id));
  }

  return { nodes, links };
}

/** The release's deployments an incident points at (see releaseGraph). */
export function suspectedDeployments(release: ReleaseDetail, incident: ReleaseIncident): ReleaseDeployment[] {
  const suspects = release.deployments.filter((d) => incident.suspects.some((s) => s.deploymentId === d.id));
  if (suspects.length > 0) return suspects;
  const opened = Date.parse(incident.openedAt);
  const running = new Map<string, ReleaseDeployment>();
  for (const deployment of release.deployments) {
    if (!incident.services.some((s) => s.id === deployment.service.id) || !deployment.startedAt) continue;
    const started = Date.parse(deployment.startedAt);
    if (started > opened) continue;
    const current = running.get(deployment.service.id);
    if (!current || started > Date.parse(current.startedAt!)) running.set(deployment.service.id, deployment);
  }
  return [...running.values()];
}

/** Every node linked to `id` upstream or downstream (and `id` itself): the path a selection highlights. */
export function connectedNodes(graph: ReleaseGraphModel, id: string): Set<string> {
  const related = new Set<string>([id]);
  const walk = (from: string, forward: boolean): void => {
    for (const l of graph.links) {
      const [here, next] = forward ? [l.source, l.target] : [l.target, l.source];
      if (here === from && !related.has(next)) {
        related.add(next);
        walk(next, forward);
      }
    }
  };
  walk(id, true);
  walk(id, false);
  return related;
}

/** What a node links to, in words, for the lists ("from CHG0031", "to a1b2c3d"). */
export function linkedLabels(graph: ReleaseGraphModel, id: string, direction: 'from' | 'to'): string[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return graph.links
    .filter((l) => (direction === 'from' ? l.target === id : l.source === id))
    .map((l) => byId.get(direction === 'from' ? l.source : l.target)?.label)
    .filter((label): label is string => label !== undefined);
}

export interface NodeBox {
  node: GraphNode;
  x: number;
  y: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
  columns: { key: StageKey; title: string; empty: string; x: number; count: number }[];
  boxes: NodeBox[];
  paths: { source: string; target: string; d: string }[];
}

/**
 * Columns left to right, one per stage; in each column the nodes follow the average position of
 * what links into them (fewer crossings), and links are curves from the right edge of the source
 * to the left edge of the target.
 */
export function layoutGraph(graph: ReleaseGraphModel, { nodeWidth = 220, nodeHeight = 56, columnGap = 56, rowGap = 14, headerHeight = 36 } = {}): GraphLayout {
  const position = new Map<string, number>();
  const boxes: NodeBox[] = [];
  let rows = 1;
  const columns = STAGES.map((stage, column) => {
    const inColumn = graph.nodes.filter((n) => n.stage === stage.key);
    const rank = (n: GraphNode): number => {
      const sources = graph.links
        .filter((l) => l.target === n.id)
        .map((l) => position.get(l.source))
        .filter((p): p is number => p !== undefined);
      return sources.length > 0 ? sources.reduce((a, b) => a + b, 0) / sources.length : Number.POSITIVE_INFINITY;
    };
    const ordered = inColumn.map((n, i) => ({ n, i, r: rank(n) })).sort((a, b) => a.r - b.r || a.i - b.i);
    const x = column * (nodeWidth + columnGap);
    ordered.forEach(({ n }, row) => {
      position.set(n.id, row);
      boxes.push({ node: n, x, y: headerHeight + row * (nodeHeight + rowGap) });
    });
    rows = Math.max(rows, ordered.length);
    return { ...stage, x, count: ordered.length };
  });
  const byId = new Map(boxes.map((b) => [b.node.id, b]));
  const paths = graph.links.flatMap((l) => {
    const from = byId.get(l.source);
    const to = byId.get(l.target);
    if (!from || !to) return [];
    const x1 = from.x + nodeWidth;
    const y1 = from.y + nodeHeight / 2;
    const x2 = to.x;
    const y2 = to.y + nodeHeight / 2;
    const bend = (x2 - x1) / 2;
    return [{ source: l.source, target: l.target, d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}` }];
  });
  return {
    width: STAGES.length * nodeWidth + (STAGES.length - 1) * columnGap,
    height: headerHeight + rows * (nodeHeight + rowGap),
    nodeWidth,
    nodeHeight,
    columns,
    boxes,
    paths,
  };
}

/** Cuts a text to fit a node line, with an ellipsis. */
export function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

// ---------------------------------------------------------------- the timeline

export type TimelineKind =
  | 'change'
  | 'approval'
  | 'commit'
  | 'pipeline-start'
  | 'pipeline-finish'
  | 'deployment-start'
  | 'deployment-finish'
  | 'verdict'
  | 'rollback'
  | 'incident-open'
  | 'incident-resolve';

export interface TimelineEvent {
  id: string;
  at: string;
  kind: TimelineKind;
  title: string;
  /** The outcome in words (a status, a decision), if the event has one. */
  status: string | null;
  statusLabel: string | null;
  tone: Tone;
}

/** Everything that happened to the release, oldest first (ties keep the order of the release's life: change before commit before pipeline …). */
export function releaseTimeline(release: ReleaseDetail): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  const add = (event: Omit<TimelineEvent, 'tone' | 'statusLabel'> & { statusLabel?: string | null; tone?: Tone }): void => {
    events.push({ ...event, statusLabel: event.statusLabel ?? null, tone: event.tone ?? (event.status ? toneOf(event.status) : 'neutral') });
  };

  for (const change of release.changes) {
    add({ id: `change-${change.id}`, at: change.createdAt, kind: 'change', title: `${change.key} ${change.title}`, status: null });
    for (const approval of change.approvals) {
      const decided = approval.decision !== 'REQUESTED' && approval.decidedAt;
      add({
        id: `approval-${approval.id}`,
        at: decided ? approval.decidedAt! : approval.createdAt,
        kind: 'approval',
        title: decided ? `${approval.approver} on ${change.key}` : `${change.key} awaits ${approval.approver}`,
        status: approval.decision,
        statusLabel: APPROVAL_DECISION_LABEL[approval.decision],
      });
    }
  }
  for (const commit of release.commits) {
    add({
      id: `commit-${commit.id}`,
      at: commit.committedAt,
      kind: 'commit',
      title: `${shortSha(commit.sha)} ${firstLine(commit.message)}${commit.author ? ` (${commit.author})` : ''}`,
      status: null,
    });
  }
  for (const pipeline of release.pipelines) {
    const name = [pipeline.provider, pipeline.service?.name, pipeline.commitSha ? shortSha(pipeline.commitSha) : null].filter(Boolean).join(' · ');
    if (pipeline.startedAt) add({ id: `pipeline-start-${pipeline.id}`, at: pipeline.startedAt, kind: 'pipeline-start', title: name, status: null });
    if (pipeline.finishedAt) {
      add({
        id: `pipeline-finish-${pipeline.id}`,
        at: pipeline.finishedAt,
        kind: 'pipeline-finish',
        title: `${name} (${gatesText(pipeline)})`,
        status: pipeline.status,
        statusLabel: PIPELINE_STATUS_LABEL[pipeline.status],
      });
    }
  }
  for (const deployment of release.deployments) {
    const name = `${deployment.service.name} ${deployment.version} to ${deployment.environment.name}`;
    if (deployment.startedAt) add({ id: `deployment-start-${deployment.id}`, at: deployment.startedAt, kind: 'deployment-start', title: name, status: null });
    if (deployment.finishedAt) {
      add({
        id: `deployment-finish-${deployment.id}`,
        at: deployment.finishedAt,
        kind: 'deployment-finish',
        title: name,
        status: deployment.status,
        statusLabel: DEPLOYMENT_STATUS_LABEL[deployment.status],
      });
    }
    for (const verdict of deployment.verdicts) {
      add({
        id: `verdict-${verdict.id}`,
        at: verdict.evaluatedAt,
        kind: 'verdict',
        title: `${criterionText(verdict.criterion)} on ${deployment.service.name} in ${deployment.environment.name}: ${observedText(verdict)}`,
        status: verdict.outcome,
        statusLabel: verdict.outcome,
      });
    }
    const decision = deployment.rollbackDecision;
    if (decision) {
      add({
        id: `rollback-${decision.id}`,
        at: decision.decidedAt,
        kind: 'rollback',
        title: `${deployment.service.name} ${deployment.version} in ${deployment.environment.name} (${decision.mode === 'AUTOMATIC' ? 'automatic' : 'for a person to decide'}): ${decision.reason}`,
        status: decision.status,
        statusLabel: ROLLBACK_STATUS_LABEL[decision.status],
      });
    }
  }
  for (const incident of release.incidents) {
    add({
      id: `incident-open-${incident.id}`,
      at: incident.openedAt,
      kind: 'incident-open',
      title: `${incident.key} ${incident.severity} ${incident.title}`,
      status: 'TRIGGERED',
      statusLabel: incident.severity,
    });
    if (incident.resolvedAt) {
      add({
        id: `incident-resolve-${incident.id}`,
        at: incident.resolvedAt,
        kind: 'incident-resolve',
        title: `${incident.key} ${incident.title}`,
        status: 'RESOLVED',
        statusLabel: INCIDENT_STATUS_LABEL.RESOLVED,
      });
    }
  }
  // Array.prototype.sort is stable: equal times keep the order above.
  return events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

// ---------------------------------------------------------------- rollback decisions

export interface RollbackRow {
  decision: ReleaseRollbackDecision;
  deploymentId: string;
  service: string;
  version: string;
  environment: string;
  tier: EnvironmentTier;
}

const ROLLBACK_WEIGHT: Record<RollbackDecisionStatus, number> = { RECOMMENDED: 0, ROLLED_BACK: 1, DISMISSED: 2 };

/** Every rollback decision of the release: those awaiting an answer first, then the newest. */
export function rollbackRows(release: ReleaseDetail): RollbackRow[] {
  const rows: RollbackRow[] = release.deployments.flatMap((d) =>
    d.rollbackDecision
      ? [
          {
            decision: d.rollbackDecision,
            deploymentId: d.id,
            service: d.service.name,
            version: d.version,
            environment: d.environment.name,
            tier: d.environment.tier,
          },
        ]
      : [],
  );
  return rows.sort(
    (a, b) => ROLLBACK_WEIGHT[a.decision.status] - ROLLBACK_WEIGHT[b.decision.status] || Date.parse(b.decision.decidedAt) - Date.parse(a.decision.decidedAt),
  );
}

/** Which criteria apply where, in words ("PROD", "service svc-1", "this release"). */
export function criterionScope(criterion: ReleaseCriterion, release: ReleaseDetail): string {
  const parts: string[] = [];
  if (criterion.environmentTier) parts.push(`${criterion.environmentTier} only`);
  if (criterion.serviceId) {
    const service =
      release.deployments.find((d) => d.service.id === criterion.serviceId)?.service.name ??
      release.pipelines.find((p) => p.service?.id === criterion.serviceId)?.service?.name;
    parts.push(`service ${service ?? criterion.serviceId}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'every deployment';
}
