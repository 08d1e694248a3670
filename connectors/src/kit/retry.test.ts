import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryableStatus, requestedWait } from './retry.js';

describe('backoff', () => {
  it('grows exponentially, stays under the cap and is jittered', () => {
    const policy = { baseMs: 100, capMs: 1000 };
    expect(backoffDelay(policy, 0, 0.999)).toBe(99);
    expect(backoffDelay(policy, 3, 0.999)).toBe(799);
    expect(backoffDelay(policy, 10, 0.999)).toBe(999);
    expect(backoffDelay(policy, 3, 0)).toBe(0);
    expect(backoffDelay(policy, 3, 0.5)).toBe(400);
  });
});

describe('requestedWait', () => {
  const now = new Date('2026-11-26T10:00:00Z');
  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(requestedWait({ 'retry-after': '7' }, now)).toBe(7000);
    expect(requestedWait({ 'retry-after': 'Thu, 26 Nov 2026 10:00:30 GMT' }, now)).toBe(30_000);
  });
  it('reads rate-limit reset headers only when the quota is spent', () => {
    const reset = String(now.getTime() / 1000 + 12);
    expect(requestedWait({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, now)).toBe(12_000);
    expect(requestedWait({ 'ratelimit-remaining': '0', 'ratelimit-reset': '5' }, now)).toBe(5000);
    expect(requestedWait({ 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': reset }, now)).toBeNull();
    expect(requestedWait({}, now)).toBeNull();
  });
  it('retries throttling and server errors, not client errors', () => {
    expect([429, 500, 503, 408].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 404].some(isRetryableStatus)).toBe(false);
  });
});
