import crypto from 'node:crypto';

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

/**
 * Checks a `sha256=<hex>` HMAC header (GitHub's X-Hub-Signature-256) over the raw body, before
 * anything parses it.
 */
export function verifyHmacSha256(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = 'sha256=' + crypto.createHmac('sha256', secret).update(rawBody).digest('hex');
  return constantTimeEqual(expected, header);
}
