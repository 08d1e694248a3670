import type {
  BoardDeployment,
  BoardRelease,
  DeploymentStatus,
  EnvironmentTier,
  ReleaseStatus,
  RollbackDecisionStatus,
  StabilizationStatus,
  VerdictOutcome,
} from '../hub/documents';

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

export const STABILIZATION_STATUS_LABEL: Record<StabilizationStatus, string> = {
  OPEN: 'Open',
  EXTENDED: 'Extended',
  STABLE: 'Stable',
  ROLLED_BACK: 'Rolled back',
};

export const ROLLBACK_STATUS_LABEL: Record<RollbackDecisionStatus, string> = {
  RECOMMENDED: 'Rollback recommended',
  ROLLED_BACK: 'Rolled back',
  DISMISSED: 'Rollback dismissed',
};

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

export const HEALTH_LABEL: Record<Health, string> = {
  failing: 'Failing',
  inconclusive: 'Inconclusive',
  healthy: 'Healthy',
  unknown: 'No verdicts yet',
};

/** "71h 59m left", "12m 05s left", "ended 3h ago". */
export function formatCountdown(endsAt: string, now: number): string {
  const ms = Date.parse(endsAt) - now;
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const span = h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
  return ms >= 0 ? `${span} left` : `ended ${span} ago`;
}

/** A local date and time, short enough for a card ("Thu 26 Nov, 14:05"). */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
