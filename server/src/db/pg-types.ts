import pg from 'pg';

const TIMESTAMPTZ_OID = 1184;
// What PostgreSQL prints for timestamptz with the session in UTC: 2026-11-26 06:21:03.102+00
const UTC_TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?\+00$/;

/**
 * Parses the common UTC timestamp text with V8's ISO fast path, and hands everything else (other
 * offsets, BC dates, infinity) to pg's own parser. Timestamps are in every row the loaders read.
 */
export function installFastTimestampParser(): void {
  const fallback = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text');
  pg.types.setTypeParser(TIMESTAMPTZ_OID, (value: string) =>
    UTC_TIMESTAMP.test(value) ? new Date(`${value.slice(0, 10)}T${value.slice(11)}:00`) : fallback(value),
  );
}
