import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatClockTime,
  formatCountdown,
  formatDateTime,
  formatElapsed,
  formatInZone,
  formatSeconds,
  formatSpan,
  formatTime,
  formatTraceDuration,
  formatUntil,
  shortSha,
} from './format';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-11-26T09:00:00Z');

describe('lengths of time', () => {
  it('counts clocks down to the second below an hour, in hours and minutes above (never days)', () => {
    expect(formatSpan(0)).toBe('0m 00s');
    expect(formatSpan(45 * SECOND)).toBe('0m 45s');
    expect(formatSpan(65_000)).toBe('1m 05s');
    expect(formatSpan(59 * MINUTE + 59 * SECOND)).toBe('59m 59s');
    expect(formatSpan(30 * HOUR)).toBe('30h 00m');
    expect(formatSpan(3 * DAY - MINUTE)).toBe('71h 59m');
    expect(formatSpan(-3 * HOUR)).toBe('3h 00m');
  });

  it('says how long something lasted, coarsely: seconds, minutes, hours and minutes, days and hours', () => {
    expect(formatElapsed(45 * SECOND)).toBe('45s');
    expect(formatElapsed(12 * MINUTE + 30 * SECOND)).toBe('12m');
    expect(formatElapsed(40 * MINUTE)).toBe('40m');
    expect(formatElapsed(2 * HOUR + 5 * MINUTE)).toBe('2h 05m');
    expect(formatElapsed(DAY + 2 * HOUR + 59 * MINUTE)).toBe('1d 2h');
    expect(formatElapsed(-5 * SECOND)).toBe('0s');
  });

  it('measures spans of a trace below the millisecond, then in seconds, then to the second', () => {
    expect(formatTraceDuration(0)).toBe('0 ms');
    expect(formatTraceDuration(0.4)).toBe('0.40 ms');
    expect(formatTraceDuration(850)).toBe('850 ms');
    expect(formatTraceDuration(1250)).toBe('1.25 s');
    expect(formatTraceDuration(12_500)).toBe('12.5 s');
    expect(formatTraceDuration(2 * MINUTE + 5 * SECOND)).toBe('2m 05s');
    expect(formatTraceDuration(HOUR + 5 * MINUTE)).toBe('1h 05m');
  });

  it('writes lengths given in seconds in words: seconds, minutes, hours (and minutes), days', () => {
    expect([45, 600, 3600, 7200, 86_400, 90_000].map(formatSeconds)).toEqual(['45 s', '10 min', '1 h', '2 h', '1 d', '25 h']);
    expect(formatSeconds(119)).toBe('119 s');
    expect(formatSeconds(930)).toBe('16 min');
    expect(formatSeconds(5400)).toBe('1 h 30 min');
    expect(formatSeconds(3 * 86_400)).toBe('3 d');
  });

  it('counts down to an end, up from a start, and to a due time', () => {
    expect(formatCountdown('2026-11-29T08:59:00Z', NOW)).toBe('71h 59m left');
    expect(formatCountdown('2026-11-26T09:12:05Z', NOW)).toBe('12m 05s left');
    expect(formatCountdown('2026-11-26T06:00:00Z', NOW)).toBe('ended 3h 00m ago');
    expect(formatAgo('2026-11-26T08:55:00Z', NOW)).toBe('5m 00s ago');
    expect(formatAgo('2026-11-26T09:00:00Z', NOW)).toBe('just now');
    expect(formatAgo('2026-11-26T09:00:02Z', NOW)).toBe('just now');
    expect(formatUntil('2026-11-26T09:10:00Z', NOW)).toBe('in 10m 00s');
    expect(formatUntil('2026-11-26T08:59:00Z', NOW)).toBe('due now');
  });
});

describe('points in time', () => {
  const berlin = { locale: 'en-GB', timeZone: 'Europe/Berlin' };

  it('writes a time in the zone it is given, winter and summer', () => {
    expect(formatTime('2026-11-26T08:05:12Z', berlin)).toBe('26 Nov 2026, 09:05:12');
    expect(formatTime('2026-07-01T08:05:12Z', berlin)).toBe('1 Jul 2026, 10:05:12');
    expect(formatTime('2026-11-26T08:05:12Z', { locale: 'en-US', timeZone: 'America/New_York' })).toBe('Nov 26, 2026, 03:05:12 AM');
    expect(formatDateTime('2026-11-26T13:05:00Z', berlin)).toBe('Thu 26 Nov, 14:05');
    expect(formatClockTime(Date.parse('2026-11-26T08:05:12Z'), berlin)).toBe('09:05:12');
    expect(formatClockTime(new Date('2026-11-26T08:05:12Z'), { locale: 'en-US', timeZone: 'UTC' })).toBe('8:05:12 AM');
  });

  it("shows a release's planned time in the release's zone, named; UTC for an unknown zone", () => {
    expect(formatInZone('2026-11-26T07:00:00Z', 'Europe/Berlin', { locale: 'en-GB' })).toBe('Thu, 26 Nov 2026, 08:00 CET');
    expect(formatInZone('2026-07-01T07:00:00Z', 'America/New_York', { locale: 'en-US' })).toBe('Wed, Jul 1, 2026, 03:00 AM EDT');
    expect(formatInZone('2026-11-26T07:00:00Z', 'Not/AZone', { locale: 'en-GB' })).toBe('Thu, 26 Nov 2026, 07:00 UTC');
    // In the reader's locale, the zone still decides the hour.
    expect(formatInZone('2026-11-26T07:00:00Z', 'Europe/Berlin')).toMatch(/08:00/);
    expect(formatInZone('2026-11-26T07:00:00Z', 'Not/AZone')).toMatch(/07:00/);
  });
});

describe('identifiers', () => {
  it('shortens commit shas as git does by default', () => {
    expect(shortSha('0123456789abcdef')).toBe('0123456');
  });
});
