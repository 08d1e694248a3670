/** An `Authorization: Basic` header value. */
export const basicAuth = (user: string, password: string): string => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

/**
 * The HTTP status a failed SourceIO request ended with: the error's `status` (the server's
 * SourceHttpError), else the status its message names (a request that kept failing after retries).
 */
export function httpStatusOf(err: unknown): number | null {
  if (typeof err === 'object' && err !== null) {
    for (const name of ['status', 'statusCode']) {
      const value: unknown = (err as Record<string, unknown>)[name];
      if (typeof value === 'number') return value;
    }
  }
  const m = /\b(?:answered|HTTP|status)\s+([45]\d\d)\b/i.exec(err instanceof Error ? err.message : String(err));
  return m ? Number(m[1]) : null;
}

/**
 * A response body as JSON, or an error that says what probably answered instead (a hibernating
 * instance or an SSO login page answers 200 with HTML).
 */
export function parseJsonBody(body: () => unknown, what: string): unknown {
  try {
    return body();
  } catch {
    throw new Error(`${what} is not JSON (a hibernating instance or a login page?)`);
  }
}
