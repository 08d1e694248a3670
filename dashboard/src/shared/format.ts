/*
 * How the dashboard writes lengths of time and points in time, in one place. Lengths come in four
 * precisions, each for a kind of thing a view shows (a ticking countdown, an incident's age, a span
 * of a trace, a configured window); a view picks the one for its kind and never formats its own.
 */

const pad2 = (n: number): string => String(n).padStart(2, '0');

// ---------------------------------------------------------------- lengths of time

/**
 * To the second, for clocks that tick every second (countdowns, a window's progress, "… ago"):
 * "4m 05s" below an hour, "39h 12m" from an hour on (hours, not days: a 72 h window counts down
 * "71h 59m"). The sign is ignored.
 */
export function formatSpan(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${pad2(m)}m` : `${m}m ${pad2(s)}s`;
}

/**
 * Coarse, for how long something has lasted on a page that looks again every half minute:
 * "45s", "12m", "2h 05m", "1d 2h". Negative lengths count as zero.
 */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${pad2(m)}m`;
  if (m > 0) return `${m}m`;
  return `${seconds}s`;
}

/** Fine, for spans of a trace: "0 ms", "0.40 ms", "850 ms", "1.25 s", "12.5 s", then to the second ("2m 05s"). */
export function formatTraceDuration(ms: number): string {
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return formatSpan(ms);
}

/**
 * In words, for lengths given in seconds (a criterion's window, a connector's lag):
 * "45 s", "10 min", "1 h", "1 h 30 min", "25 h", "3 d".
 */
export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 120) return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  const hours = Math.round(minutes / 60);
  return hours % 24 === 0 ? `${hours / 24} d` : `${hours} h`;
}

/** "71h 59m left", "12m 05s left", "ended 3h 00m ago". */
export function formatCountdown(endsAt: string, now: number): string {
  const ms = Date.parse(endsAt) - now;
  return ms >= 0 ? `${formatSpan(ms)} left` : `ended ${formatSpan(ms)} ago`;
}

/** "in 10m 00s" until `at`; "due now" once it has passed (the hub acts on its next round). */
export function formatUntil(at: string, now: number): string {
  const ms = Date.parse(at) - now;
  return ms > 0 ? `in ${formatSpan(ms)}` : 'due now';
}

/** "12m 05s ago"; "just now" within a second (and for a clock a little behind the hub's). */
export function formatAgo(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  return ms < 1000 ? 'just now' : `${formatSpan(ms)} ago`;
}

// ---------------------------------------------------------------- points in time

/**
 * Where and how a time is written: the reader's locale and zone unless told (tests name both;
 * a release names its own zone).
 */
export interface TimeFormatOptions {
  locale?: string;
  timeZone?: string;
}

const format = (date: Date, options: Intl.DateTimeFormatOptions, { locale, timeZone }: TimeFormatOptions): string =>
  new Intl.DateTimeFormat(locale, { ...options, ...(timeZone ? { timeZone } : {}) }).format(date);

/** A point in time with its date, to the second ("26 Nov 2026, 09:05:12"). */
export function formatTime(iso: string, options: TimeFormatOptions = {}): string {
  return format(new Date(iso), { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }, options);
}

/** A date and time short enough for a card ("Thu 26 Nov, 14:05"). */
export function formatDateTime(iso: string, options: TimeFormatOptions = {}): string {
  return format(new Date(iso), { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }, options);
}

/** The time of day only, for "Updated 09:05:12" and the chart's latest point. */
export function formatClockTime(date: Date | number, options: TimeFormatOptions = {}): string {
  return format(new Date(date), { hour: 'numeric', minute: 'numeric', second: 'numeric' }, options);
}

/**
 * A point in time in the release's own IANA zone, with the zone named ("Thu 26 Nov 2026, 08:00 CET");
 * UTC when the zone is unknown.
 */
export function formatInZone(iso: string, timeZone: string, { locale }: Pick<TimeFormatOptions, 'locale'> = {}): string {
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  try {
    return format(new Date(iso), options, { locale, timeZone });
  } catch {
    return format(new Date(iso), options, { locale, timeZone: 'UTC' });
  }
}

// ---------------------------------------------------------------- identifiers

/** A commit sha as git abbreviates it by default: its first 7 characters. */
export const shortSha = (sha: string): string => sha.slice(0, 7);
