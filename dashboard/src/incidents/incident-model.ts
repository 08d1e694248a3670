import type { IncidentSeverity } from '../gql/graphql';
import { formatElapsed, formatTraceDuration } from '../shared/format';
import type { IncidentStatus } from '../hub/documents';
import type { Incident, IncidentLists, Suspect, TraceLog, TraceSpan } from './incident-source';

/* Pure functions behind the incidents view: ordering, suspect ranking, and the trace waterfall's layout. */

const SEVERITY_RANK: Record<IncidentSeverity, number> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4 };
const STATUS_RANK: Record<IncidentStatus, number> = { TRIGGERED: 0, ACKNOWLEDGED: 1, RESOLVED: 2 };

const time = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : 0);

export interface IncidentGroups {
  /** Triggered or acknowledged: most severe first, then unacknowledged, then newest. */
  open: Incident[];
  /** Most recently resolved first. */
  resolved: Incident[];
}

/** The open incidents, then the recently resolved ones; an incident is listed once, under its status. */
export function groupIncidents({ open, resolved }: IncidentLists): IncidentGroups {
  const byId = new Map<string, Incident>();
  for (const incident of [...open, ...resolved]) if (!byId.has(incident.id)) byId.set(incident.id, incident);
  const all = [...byId.values()];
  return {
    open: all
      .filter((i) => i.status !== 'RESOLVED')
      .sort(
        (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || STATUS_RANK[a.status] - STATUS_RANK[b.status] || time(b.openedAt) - time(a.openedAt),
      ),
    resolved: all.filter((i) => i.status === 'RESOLVED').sort((a, b) => time(b.resolvedAt ?? b.openedAt) - time(a.resolvedAt ?? a.openedAt)),
  };
}

/** The incidents in the order the list shows them. */
export function orderIncidents(lists: IncidentLists): Incident[] {
  const { open, resolved } = groupIncidents(lists);
  return [...open, ...resolved];
}

/** "open for 2h 05m" or "lasted 40m". */
export function incidentDuration(incident: Pick<Incident, 'openedAt' | 'resolvedAt'>, now: number): string {
  const opened = time(incident.openedAt);
  return incident.resolvedAt ? `lasted ${formatElapsed(time(incident.resolvedAt) - opened)}` : `open for ${formatElapsed(now - opened)}`;
}

/* ---------- Suspects ---------- */

export interface RankedSuspect extends Suspect {
  rank: number;
  /** 0..100, rounded. */
  percent: number;
  /** "87 %" */
  percentLabel: string;
}

const clamp01 = (n: number): number => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

/**
 * The suspects with their rank: most likely first (confidence, then error spans, as the hub ranks
 * them); ties keep the hub's order.
 */
export function rankSuspects(suspects: readonly Suspect[]): RankedSuspect[] {
  return suspects
    .map((suspect, index) => ({ suspect, index }))
    .sort((a, b) => b.suspect.confidence - a.suspect.confidence || b.suspect.errorSpans - a.suspect.errorSpans || a.index - b.index)
    .map(({ suspect }, i) => {
      const percent = Math.round(clamp01(suspect.confidence) * 100);
      return { ...suspect, rank: i + 1, percent, percentLabel: `${percent} %` };
    });
}

/* ---------- Trace waterfall ---------- */

export interface WaterfallRow {
  span: TraceSpan;
  /** 0 for a root (or an orphan); a child is one deeper than its parent. */
  depth: number;
  /** Its parent span is named but not kept (the trace is partial): shown as a root. */
  orphan: boolean;
  isError: boolean;
  /** Start relative to the trace's start, in ms. */
  offsetMs: number;
  /** Where the bar starts and how wide it is, in percent of the trace's duration. */
  offsetPct: number;
  widthPct: number;
  childCount: number;
}

export interface WaterfallLayout {
  rows: WaterfallRow[];
  /** The earliest start, in epoch ms (0 without spans). */
  startMs: number;
  /** From the earliest start to the latest end. */
  totalMs: number;
  errorCount: number;
  services: string[];
}

export const isErrorSpan = (span: Pick<TraceSpan, 'status'>): boolean => span.status.toUpperCase() === 'ERROR';

/**
 * The spans as a waterfall: each parent followed by its children (in start order), roots and orphans
 * in start order, every bar on one time axis from the trace's first start to its last end.
 */
export function layoutWaterfall(spans: readonly TraceSpan[]): WaterfallLayout {
  if (spans.length === 0) return { rows: [], startMs: 0, totalMs: 0, errorCount: 0, services: [] };
  const startOf = (s: TraceSpan): number => time(s.startTime);
  const startMs = Math.min(...spans.map(startOf));
  const endMs = Math.max(...spans.map((s) => startOf(s) + Math.max(0, s.durationMs)));
  const totalMs = endMs - startMs;

  const byId = new Map<string, TraceSpan>();
  for (const span of spans) if (!byId.has(span.spanId)) byId.set(span.spanId, span);
  const children = new Map<string, TraceSpan[]>();
  const roots: TraceSpan[] = [];
  for (const span of byId.values()) {
    const parent = span.parentSpanId && span.parentSpanId !== span.spanId ? byId.get(span.parentSpanId) : undefined;
    if (parent) children.set(parent.spanId, [...(children.get(parent.spanId) ?? []), span]);
    else roots.push(span);
  }
  const byStart = (a: TraceSpan, b: TraceSpan): number => startOf(a) - startOf(b) || a.spanId.localeCompare(b.spanId);

  const rows: WaterfallRow[] = [];
  const placed = new Set<string>();
  const place = (span: TraceSpan, depth: number): void => {
    if (placed.has(span.spanId)) return;
    placed.add(span.spanId);
    const offsetMs = startOf(span) - startMs;
    const offsetPct = totalMs > 0 ? (offsetMs / totalMs) * 100 : 0;
    const widthPct = totalMs > 0 ? Math.min(100 - offsetPct, (Math.max(0, span.durationMs) / totalMs) * 100) : 100;
    const kids = [...(children.get(span.spanId) ?? [])].sort(byStart);
    rows.push({
      span,
      depth,
      orphan: depth === 0 && Boolean(span.parentSpanId) && !byId.has(span.parentSpanId ?? ''),
      isError: isErrorSpan(span),
      offsetMs,
      offsetPct,
      widthPct,
      childCount: kids.length,
    });
    for (const child of kids) place(child, depth + 1);
  };
  for (const root of [...roots].sort(byStart)) place(root, 0);
  // Spans caught in a parent cycle (malformed data) are never reached from a root: show them as roots.
  for (const span of [...byId.values()].sort(byStart)) place(span, 0);

  return {
    rows,
    startMs,
    totalMs,
    errorCount: rows.filter((r) => r.isError).length,
    services: [...new Set(rows.map((r) => r.span.service))],
  };
}

export interface AxisTick {
  ms: number;
  pct: number;
  label: string;
}

/** Evenly spaced labels on the time axis, at round numbers (0, 50 ms, 100 ms …). */
export function axisTicks(totalMs: number, maxTicks = 5): AxisTick[] {
  if (!(totalMs > 0)) return [{ ms: 0, pct: 0, label: '0 ms' }];
  const rough = totalMs / Math.max(1, maxTicks - 1);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks: AxisTick[] = [];
  for (let i = 0; i * step <= totalMs * (1 + 1e-9); i += 1) {
    const ms = i * step;
    ticks.push({ ms, pct: Math.min(100, (ms / totalMs) * 100), label: ms === 0 ? '0 ms' : formatTraceDuration(ms) });
  }
  return ticks;
}

/* ---------- Logs ---------- */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'unknown';

/** The OTLP severity number's range (1–4 TRACE … 21–24 FATAL). */
export function logLevel(log: Pick<TraceLog, 'severityNumber' | 'severityText'>): LogLevel {
  const n = log.severityNumber;
  if (n >= 21) return 'fatal';
  if (n >= 17) return 'error';
  if (n >= 13) return 'warn';
  if (n >= 9) return 'info';
  if (n >= 5) return 'debug';
  if (n >= 1) return 'trace';
  const text = log.severityText?.toLowerCase() ?? '';
  if (text.startsWith('fatal') || text.startsWith('crit')) return 'fatal';
  if (text.startsWith('err')) return 'error';
  if (text.startsWith('warn')) return 'warn';
  if (text.startsWith('info')) return 'info';
  if (text.startsWith('debug')) return 'debug';
  if (text.startsWith('trace')) return 'trace';
  return 'unknown';
}

/** The severity as the log says it, else the OTLP level's name. */
export function severityLabel(log: Pick<TraceLog, 'severityNumber' | 'severityText'>): string {
  const text = log.severityText?.trim();
  if (text) return text.toUpperCase();
  const level = logLevel(log);
  return level === 'unknown' ? 'UNSPECIFIED' : level.toUpperCase();
}

/** The logs in time order (stable for equal times). */
export function sortLogs(logs: readonly TraceLog[]): TraceLog[] {
  return logs
    .map((log, index) => ({ log, index }))
    .sort((a, b) => time(a.log.time) - time(b.log.time) || a.index - b.index)
    .map(({ log }) => log);
}

/** "+125 ms" from the trace's start. */
export function formatOffset(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${formatTraceDuration(Math.abs(ms))}`;
}

/** The trace to show: the one asked for when it belongs to the incident, else its first. */
export function pickTraceId(traceIds: readonly string[], requested: string | null | undefined): string | null {
  if (requested && traceIds.includes(requested)) return requested;
  return traceIds[0] ?? null;
}

/** A span's attributes as sorted key/value text (the JSON scalar may be anything). */
export function attributeEntries(attributes: unknown): Array<[string, string]> {
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) return [];
  return Object.entries(attributes as Record<string, unknown>)
    .map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)])
    .sort(([a], [b]) => a.localeCompare(b));
}
