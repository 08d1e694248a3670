import type { EscalationStatus, StabilizationStatus } from '../gql/graphql';
import { formatSpan, formatUntil } from '../shared/format';
import type { StabilizationEscalation, StabilizationRelease } from './stabilization-source';

export type StabilizationWindowData = NonNullable<StabilizationRelease['stabilization']>;

/** A closed window stays on the page this long after it closed. */
export const RECENTLY_CLOSED_MS = 7 * 24 * 3_600_000;

/** A service of the release and who owns it during the window (null: nobody yet). */
export interface ServiceOwnership {
  serviceId: string;
  name: string;
  owner: string | null;
  since: string | null;
}

export interface WindowView {
  release: Pick<StabilizationRelease, 'id' | 'name' | 'version' | 'status'>;
  window: StabilizationWindowData;
  /** Still watched (OPEN or EXTENDED). */
  active: boolean;
  services: ServiceOwnership[];
  /** Paging first, then acknowledged, then resolved. */
  escalations: StabilizationEscalation[];
  /** Escalations paging now (open: nobody acknowledged them yet). */
  paging: number;
}

export const isActiveWindow = (status: StabilizationStatus): boolean => status === 'OPEN' || status === 'EXTENDED';

const ESCALATION_WEIGHT: Record<EscalationStatus, number> = { OPEN: 0, ACKNOWLEDGED: 1, RESOLVED: 2 };

/** Paging first (the highest level first, then the oldest), then acknowledged and resolved ones, newest first. */
export function sortEscalations(escalations: readonly StabilizationEscalation[]): StabilizationEscalation[] {
  return [...escalations].sort((a, b) => {
    const byStatus = ESCALATION_WEIGHT[a.status] - ESCALATION_WEIGHT[b.status];
    if (byStatus !== 0) return byStatus;
    if (a.status === 'OPEN') return b.level - a.level || Date.parse(a.raisedAt) - Date.parse(b.raisedAt);
    return Date.parse(b.raisedAt) - Date.parse(a.raisedAt);
  });
}

/** Every service the release deployed, with its owner for the window; owned services the deployments do not show are kept too. */
export function servicesOf(release: StabilizationRelease, window: StabilizationWindowData): ServiceOwnership[] {
  const services = new Map<string, ServiceOwnership>();
  for (const d of release.deployments) {
    if (!services.has(d.service.id)) services.set(d.service.id, { serviceId: d.service.id, name: d.service.name, owner: null, since: null });
  }
  for (const o of window.owners) services.set(o.serviceId, { serviceId: o.serviceId, name: o.service.name, owner: o.owner, since: o.since });
  return [...services.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The windows the page shows: open and extended ones first (those paging someone before the rest,
 * then the one ending soonest), then the ones closed in the last week, most recently closed first.
 * `settled` holds escalations a mutation returned; each replaces the loaded one unless that is newer.
 */
export function buildWindows(
  releases: readonly StabilizationRelease[],
  now: number,
  settled: ReadonlyMap<string, StabilizationEscalation> = new Map(),
): WindowView[] {
  const views: WindowView[] = [];
  for (const release of releases) {
    const window = release.stabilization;
    if (!window) continue;
    const active = isActiveWindow(window.status);
    if (!active && now - Date.parse(window.updatedAt) > RECENTLY_CLOSED_MS) continue;
    const escalations = sortEscalations(
      window.escalations.map((loaded) => {
        const mine = settled.get(loaded.id);
        return mine && Date.parse(mine.updatedAt) >= Date.parse(loaded.updatedAt) ? mine : loaded;
      }),
    );
    views.push({
      release: { id: release.id, name: release.name, version: release.version, status: release.status },
      window,
      active,
      services: servicesOf(release, window),
      escalations,
      paging: escalations.filter((e) => e.status === 'OPEN').length,
    });
  }
  return views.sort((a, b) => {
    if (a.active !== b.active) return a.active ? -1 : 1;
    if (a.active) return Number(b.paging > 0) - Number(a.paging > 0) || Date.parse(a.window.endsAt) - Date.parse(b.window.endsAt);
    return Date.parse(b.window.updatedAt) - Date.parse(a.window.updatedAt);
  });
}

export interface WindowProgress {
  /** 0 … 1 of the window elapsed. */
  fraction: number;
  elapsedMs: number;
  totalMs: number;
}

/**
 * How much of the window has passed: an extended window's end has moved, so it counts to the new
 * end; a closed one stops where it closed (a rollback closes it early).
 */
export function windowProgress(window: Pick<StabilizationWindowData, 'startsAt' | 'endsAt' | 'status' | 'updatedAt'>, now: number): WindowProgress {
  const start = Date.parse(window.startsAt);
  const until = isActiveWindow(window.status) ? now : Math.min(now, Date.parse(window.updatedAt));
  const totalMs = Math.max(0, Date.parse(window.endsAt) - start);
  const elapsedMs = Math.min(totalMs, Math.max(0, until - start));
  return { fraction: totalMs === 0 ? 1 : elapsedMs / totalMs, elapsedMs, totalMs };
}

/** "42% elapsed · 30h 00m of 72h 00m". */
export function formatProgress(progress: WindowProgress): string {
  return `${Math.floor(progress.fraction * 100)}% elapsed · ${formatSpan(progress.elapsedMs)} of ${formatSpan(progress.totalMs)}`;
}

/** "Level 1 · owner"; higher levels by number (the page names who is paged). */
export function formatLevel(level: number): string {
  return level <= 1 ? 'Level 1 · owner' : `Level ${level}`;
}

/** When an open page climbs to the next level: "in 9m 59s", "due now" once past; null when it no longer climbs. */
export function formatClimb(escalation: Pick<StabilizationEscalation, 'status' | 'nextEscalationAt'>, now: number): string | null {
  if (escalation.status !== 'OPEN') return null;
  return escalation.nextEscalationAt ? formatUntil(escalation.nextEscalationAt, now) : 'top level reached — it climbs no further';
}

/** Escalations paging now across the windows shown. */
export const pagingCount = (windows: readonly WindowView[]): number => windows.reduce((sum, w) => sum + w.paging, 0);
