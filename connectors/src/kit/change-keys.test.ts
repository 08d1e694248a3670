import { describe, expect, it } from 'vitest';
import { changeKeysIn } from './change-keys.js';
import { recordId } from './ids.js';

describe('changeKeysIn', () => {
  it('finds ServiceNow and Jira keys in a message, branch and tag, once each', () => {
    expect(changeKeysIn('CHG0030001: retry card authorisation (OPS-123)', 'feature/OPS-123-retry', 'v1.2.0')).toEqual(['CHG0030001', 'OPS-123']);
  });

  it('finds Jira keys whose project key has an underscore', () => {
    expect(changeKeysIn('PAY_EU-7: retry (see MY_X-1)', 'feature/PAY_EU-7')).toEqual(['PAY_EU-7', 'MY_X-1']);
  });

  it('ignores look-alikes: lower case, a bare prefix, a version', () => {
    expect(changeKeysIn('ops-12 chg0030001 release-2.1 CHG12 v1.2.3')).toEqual([]);
  });
});

describe('recordId', () => {
  it('is <connector>:<entity>:<key> and refuses malformed parts', () => {
    expect(recordId('github', 'commit', 'abc123')).toBe('github:commit:abc123');
    expect(() => recordId('git hub', 'commit', 'x')).toThrow(/connector id/);
    expect(() => recordId('github', 'Commit', 'x')).toThrow(/entity/);
    expect(() => recordId('github', 'commit', '')).toThrow(/source key/);
  });
});
