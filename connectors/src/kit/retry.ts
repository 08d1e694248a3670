/** How a connector retries a failing source. */
export interface RetryPolicy {
  /** First delay, in ms. */
  baseMs: number;
  /** Longest delay, in ms. */
  capMs: number;
  /** Attempts per poll before the poll fails. */
  attempts: number;
  /** Consecutive failed polls that open the circuit. */
  circuitAfter: number;
  /** How long an open circuit waits before one trial poll, in ms. */
  circuitOpenMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 500, capMs: 60_000, attempts: 4, circuitAfter: 5, circuitOpenMs: 120_000 };

/**
 * Capped exponential backoff with full jitter (AWS "exponential backoff and jitter"): a random delay
 * in [0, min(cap, base·2^attempt)], so retrying clients spread out instead of stampeding.
 *
 * @param attempt - 0 for the first retry
 * @param random - a number in [0, 1) (injectable for tests)
 */
export function backoffDelay(policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>, attempt: number, random: number = Math.random()): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random * ceiling);
}

/**
 * How long the source asked us to wait, in ms: `Retry-After` (seconds or an HTTP date), else a
 * rate-limit reset header (`X-RateLimit-Reset` / `RateLimit-Reset`, epoch seconds or seconds from now)
 * when the remaining quota is 0. Null when the source said nothing.
 */
export function requestedWait(headers: Record<string, string | undefined>, now: Date): number | null {
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now.getTime());
  }
  const remaining = headers['x-ratelimit-remaining'] ?? headers['ratelimit-remaining'];
  const reset = (headers['x-ratelimit-reset'] ?? headers['ratelimit-reset'])?.trim();
  if (remaining?.trim() === '0' && reset && /^\d+$/.test(reset)) {
    const n = Number(reset);
    // Epoch seconds (GitHub, GitLab) are far larger than any seconds-from-now (IETF draft).
    return n > 1_000_000_000 ? Math.max(0, n * 1000 - now.getTime()) : n * 1000;
  }
  return null;
}

/** Whether an HTTP status is worth retrying (throttled, or the source's own trouble). */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 425 || status === 429 || status >= 500;
