import { execFile } from 'node:child_process';
import {
  backoffDelay,
  isRetryableStatus,
  requestedWait,
  type RetryPolicy,
  type SourceIO,
  type SourceRequest,
  type SourceResponse,
} from '@releasegraph/connectors';

/** A source answered with a status we do not retry (401, 404, ...), or kept failing after every retry. */
export class SourceHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'SourceHttpError';
  }
}

export interface SourceIOOptions {
  policy: RetryPolicy;
  workDir: string;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  now?: () => Date;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborted when the hub stops: waits and requests end at once. */
  signal: AbortSignal;
  /** Called before each retry (for logs and tests). */
  onRetry?: (info: { url: string; attempt: number; waitMs: number; reason: string }) => void;
}

const sleepFor = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });

/** A URL for messages: no credentials, no query (tokens hide there too). */
const shown = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
};

/**
 * The SourceIO the server lends a connector: HTTP with a timeout, capped exponential backoff with
 * full jitter on network errors, 408/429/5xx, honouring `Retry-After` and rate-limit reset headers
 * (up to the policy's cap); `git` through execFile (no shell).
 */
export function createSourceIO(options: SourceIOOptions): SourceIO {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? sleepFor;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { policy, signal } = options;

  async function http(request: SourceRequest): Promise<SourceResponse> {
    const method = request.method ?? 'GET';
    let lastProblem = '';
    for (let attempt = 0; attempt < policy.attempts; attempt++) {
      let wait: number | null = null;
      try {
        const res = await fetch(request.url, {
          method,
          headers: request.headers,
          body: request.body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
          redirect: 'follow',
        });
        const body = await res.text();
        const headers: Record<string, string> = {};
        res.headers.forEach((value, name) => (headers[name] = value));
        if (res.ok) {
          return {
            status: res.status,
            headers,
            body,
            json: () => {
              try {
                return JSON.parse(body) as unknown;
              } catch {
                throw new SourceHttpError(`${method} ${shown(request.url)} answered ${res.status} with a body that is not JSON`, res.status);
              }
            },
          };
        }
        // The source's own words help (Prometheus' bad_data, ServiceNow's error.message); kept short.
        const said = body.replace(/\s+/g, ' ').trim().slice(0, 300);
        lastProblem = `${method} ${shown(request.url)} answered ${res.status} ${res.statusText}`.trim() + (said ? `: ${said}` : '');
        if (!isRetryableStatus(res.status)) throw new SourceHttpError(lastProblem, res.status);
        wait = requestedWait(headers, now());
      } catch (error) {
        if (error instanceof SourceHttpError || signal.aborted) throw error;
        lastProblem = `${method} ${shown(request.url)} failed: ${(error as Error).message}`;
      }
      if (attempt === policy.attempts - 1) break;
      const waitMs = Math.min(policy.capMs, wait ?? backoffDelay(policy, attempt));
      options.onRetry?.({ url: shown(request.url), attempt: attempt + 1, waitMs, reason: lastProblem });
      await sleep(waitMs, signal);
    }
    throw new SourceHttpError(`${lastProblem} (gave up after ${policy.attempts} attempts)`, null);
  }

  function git(args: string[], opts: { cwd?: string } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      // git inherits the hub's environment (HOME, proxies, credentials helpers) but never prompts.
      // eslint-disable-next-line no-restricted-properties -- passing the environment through, not reading config
      const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
      execFile('git', args, { cwd: opts.cwd, maxBuffer: 256 * 1024 * 1024, signal, env }, (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args[0] ?? ''} failed: ${String(stderr).trim() || error.message}`));
        else resolve(String(stdout));
      });
    });
  }

  return { http, git, workDir: options.workDir, now };
}
