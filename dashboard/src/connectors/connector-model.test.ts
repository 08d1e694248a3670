import { describe, expect, it } from 'vitest';
import { github, servicenow } from './connector-fixtures';
import { connectorRows, formatLag } from './connector-model';

describe('connector rows', () => {
  it('writes each connector as the table shows it, in the hub order', () => {
    const rows = connectorRows([servicenow, github], (iso) => `at ${iso}`);
    expect(rows.map((r) => [r.connector.id, r.lastSuccess, r.lag, r.alarm, r.lastError])).toEqual([
      ['servicenow', 'never', '16 min', true, '401 Unauthorized from https://example.service-now.com'],
      ['github', 'at 2026-11-26T08:59:00Z', '—', false, '—'],
    ]);
  });

  it('writes lag as the criteria windows are written', () => {
    expect([null, 45, 930, 5400, 7200, 86_400].map(formatLag)).toEqual(['—', '45 s', '16 min', '1 h 30 min', '2 h', '1 d']);
  });
});
