import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { installFastTimestampParser } from './pg-types.js';

describe('timestamptz parsing', () => {
  it('gives the same instants as pg for UTC text, and falls back for anything else', () => {
    const original = pg.types.getTypeParser(1184, 'text');
    installFastTimestampParser();
    const fast = pg.types.getTypeParser(1184, 'text');
    for (const text of [
      '2026-11-26 06:21:03.102+00',
      '2026-11-26 06:21:03+00',
      '1999-12-31 23:59:59.999999+00',
      '2026-03-29 01:30:00+02',
      '2026-11-26 06:21:03.5-05:30',
      'infinity',
    ]) {
      const a = fast(text) as unknown;
      const b = original(text) as unknown;
      expect(a instanceof Date ? a.getTime() : a).toEqual(b instanceof Date ? b.getTime() : b);
    }
  });
});
