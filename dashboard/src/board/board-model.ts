import type { BoardDeployment, BoardRelease, EnvironmentTier, RollbackDecisionStatus, VerdictOutcome } from '../hub/documents';

const TIER_ORDER: Record<EnvironmentTier, number> = { DEV: 0, TEST: 1, STAGING: 2, PROD: 3 };

export type VerdictCounts = Record<VerdictOutcome, number>;

/** The latest verdict of every criterion on every deployment of the release, counted by outcome. */
export function countVerdicts(release: BoardRelease): VerdictCounts {
  const counts: VerdictCounts = { PASS: 0, FAIL: 0, INCONCLUSIVE: 0 };
  for (const deployment of release.deployments) for (const verdict of deployment.verdicts) counts[verdict.outcome] += 1;
  return counts;
}

export interface EnvironmentRow {
  id: string;
  name: string;
  tier: EnvironmentTier;
  /** The newest deployment of each service there. */
  deployments: BoardDeployment[];
}

const startedAtOf = (d: BoardDeployment): number => (d.startedAt ? Date.parse(d.startedAt) : 0);

/** The release's deployments by environment, from DEV to PROD; per service only the newest one. */
export function deploymentsByEnvironment(release: BoardRelease): EnvironmentRow[] {
  const rows = new Map<string, EnvironmentRow>();
  const newest = [...release.deployments].sort((a, b) => startedAtOf(b) - startedAtOf(a));
  for (const deployment of newest) {
    const { environment } = deployment;
    let row = rows.get(environment.id);
    if (!row) {
      row = { id: environment.id, name: environment.name, tier: environment.tier, deployments: [] };
      rows.set(environment.id, row);
    }
    if (!row.deployments.some((d) => d.service.id === deployment.service.id)) row.deployments.push(deployment);
  }
  for (const row of rows.values()) row.deployments.sort((a, b) => a.service.name.localeCompare(b.service.name));
  return [...rows.values()].sort((a, b) => TIER_ORDER[a.tier] - TIER_ORDER[b.tier] || a.name.localeCompare(b.name));
}

export type RollbackView = NonNullable<BoardDeployment['rollbackDecision']> & { service: string; environment: string };

const ROLLBACK_WEIGHT: Record<RollbackDecisionStatus, number> = { RECOMMENDED: 0, ROLLED_BACK: 1, DISMISSED: 2 };

/** The rollback decision that matters most: one awaiting a decision, then one carried out, then the newest dismissed. */
export function mostRelevantRollback(release: BoardRelease): RollbackView | null {
  const decisions: RollbackView[] = release.deployments.flatMap((d) =>
    d.rollbackDecision ? [{ ...d.rollbackDecision, service: d.service.name, environment: d.environment.name }] : [],
  );
  decisions.sort((a, b) => ROLLBACK_WEIGHT[a.status] - ROLLBACK_WEIGHT[b.status] || Date.parse(b.decidedAt) - Date.parse(a.decidedAt));
  return decisions[0] ?? null;
}

export function openIncidentCount(release: BoardRelease): number {
  return release.incidents.filter((incident) => incident.status !== 'RESOLVED').length;
}

export type Health = 'failing' | 'inconclusive' | 'healthy' | 'unknown';

/** One word for a wall screen: any failed criterion makes the release failing. */
export function healthOf(counts: VerdictCounts): Health {
  if (counts.FAIL > 0) return 'failing';
  if (counts.INCONCLUSIVE > 0) return 'inconclusive';
  if (counts.PASS > 0) return 'healthy';
  return 'unknown';
}

export type ApprovalState = 'approved' | 'rejected' | 'awaiting' | 'none';

export interface ApprovalSummary {
  state: ApprovalState;
  approved: number;
  rejected: number;
  awaiting: number;
}

/** The approvals on the release's changes: one rejection blocks, one outstanding request waits. */
export function approvalSummary(release: BoardRelease): ApprovalSummary {
  const decisions = release.changes.flatMap((change) => change.approvals.map((a) => a.decision));
  const approved = decisions.filter((d) => d === 'APPROVED').length;
  const rejected = decisions.filter((d) => d === 'REJECTED').length;
  const awaiting = decisions.filter((d) => d === 'REQUESTED').length;
  const state: ApprovalState = rejected > 0 ? 'rejected' : awaiting > 0 ? 'awaiting' : approved > 0 ? 'approved' : 'none';
  return { state, approved, rejected, awaiting };
}

export type GateState = 'passed' | 'failed' | 'pending' | 'none';

export interface GateSummary {
  state: GateState;
  passed: number;
  failed: number;
  pending: number;
  /** Names of the failed gates, for the card. */
  failedNames: string[];
}

/** The quality gates of the release's pipelines (a skipped gate neither passes nor blocks). */
export function gateSummary(release: BoardRelease): GateSummary {
  const gates = release.pipelines.flatMap((p) => p.gates);
  const failed = gates.filter((g) => g.status === 'FAILED');
  const passed = gates.filter((g) => g.status === 'PASSED').length;
  const pending = gates.filter((g) => g.status === 'PENDING').length;
  const state: GateState = failed.length > 0 ? 'failed' : pending > 0 ? 'pending' : passed > 0 ? 'passed' : 'none';
  return { state, passed, failed: failed.length, pending, failedNames: [...new Set(failed.map((g) => g.name))] };
}

export type BoardEscalation = NonNullable<BoardRelease['stabilization']>['escalations'][number];

/** The page still climbing (open, highest level first), or null when nobody is being paged. */
export function activeEscalation(release: BoardRelease): BoardEscalation | null {
  const open = (release.stabilization?.escalations ?? []).filter((e) => e.status === 'OPEN');
  open.sort((a, b) => b.level - a.level);
  return open[0] ?? null;
}
