import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SKIPPED, whileHolding } from '../../db/session-lock.js';
import type { Logger } from '../../logger.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath } from '../../write/write-path.js';
import { Role } from '../auth/roles.js';

/** A configured synthetic HTTP check of a service in an environment. */
export interface SyntheticCheck {
  id: string;
  service: string;
  environment: string;
  url: string;
  method: 'GET' | 'HEAD' | 'POST';
  expectStatus: number;
  timeoutMs: number;
  /** How often it runs again while the release is stabilizing. */
  intervalMs: number;
}

const RUNNER: Actor = { id: 'synthetics', name: 'synthetics', role: Role.INTEGRATION };
const SYNTHETICS_LOCK = 0x5247_5331; // "RGS1"

interface Target {
  check: SyntheticCheck;
  deployment_id: string;
  release_id: string | null;
  last_at: Date | null;
}

/**
 * Runs configured HTTP checks right after a deployment of their service succeeds, and again on
 * their interval while its release is stabilizing. Each request carries a W3C `traceparent`, so its
 * trace (and any error in it) correlates; each result is a release event, and the
 * `synthetic_success` KPI (the share of passing runs) is verdict input for success criteria.
 */
export class SyntheticsService {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
    private readonly checks: SyntheticCheck[],
    private readonly log: Logger,
  ) {}

  /** Runs the checks that are due at `now` (one instance at a time: others skip the round). Returns how many ran. */
  async tick(now: Date = new Date()): Promise<number> {
    if (!this.checks.length) return 0;
    const ran = await whileHolding(this.db, SYNTHETICS_LOCK, () => this.round(now));
    return ran === SKIPPED ? 0 : ran;
  }

  private async round(now: Date): Promise<number> {
    const due: Target[] = [];
    for (const check of this.checks) {
      // The latest succeeded deployment of the service there, and when the check last ran against it.
      const [row] = (await this.db.query(
        `SELECT d.id AS deployment_id, d.release_id,
                (SELECT max(r.at) FROM synthetic_result r WHERE r.deployment_id = d.id AND r.check_id = $3) AS last_at,
                (SELECT w.status FROM stabilization_window w WHERE w.release_id = d.release_id) AS window_status
           FROM deployment d JOIN service s ON s.id = d.service_id JOIN environment e ON e.id = d.environment_id
          WHERE s.name = $1 AND e.name = $2 AND d.status = 'SUCCEEDED'
          ORDER BY coalesce(d.finished_at, d.updated_at) DESC LIMIT 1`,
        [check.service, check.environment, check.id],
      )) as Array<{ deployment_id: string; release_id: string | null; last_at: Date | null; window_status: string | null }>;
      if (!row) continue;
      const stabilizing = row.window_status === 'OPEN' || row.window_status === 'EXTENDED';
      if (!row.last_at || (stabilizing && now.getTime() - new Date(row.last_at).getTime() >= check.intervalMs)) due.push({ check, ...row });
    }
    await Promise.all(due.map((t) => this.run(t, now)));
    return due.length;
  }

  private async run(t: Target, now: Date): Promise<void> {
    const traceId = crypto.randomBytes(16).toString('hex');
    const spanId = crypto.randomBytes(8).toString('hex');
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(t.check.url, {
        method: t.check.method,
        headers: { traceparent: `00-${traceId}-${spanId}-01`, 'user-agent': 'Releasegraph-Synthetics' },
        signal: AbortSignal.timeout(t.check.timeoutMs),
      });
      await res.arrayBuffer();
      status = res.status;
      if (status !== t.check.expectStatus) error = `answered ${status}, expected ${t.check.expectStatus}`;
    } catch (e) {
      error = (e as Error).name === 'TimeoutError' ? `no answer within ${t.check.timeoutMs} ms` : (e as Error).message;
    }
    const durationMs = performance.now() - started;
    const ok = error === null;
    await this.writes.run(RUNNER, async (tx) => {
      const [row] = (await tx.manager.query(
        `INSERT INTO synthetic_result (check_id, deployment_id, ok, status, duration_ms, trace_id, error, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::text AS id`,
        [t.check.id, t.deployment_id, ok, status, durationMs, traceId, error, now],
      )) as Array<{ id: string }>;
      tx.record(ok ? 'synthetic.passed' : 'synthetic.failed', {
        subjectId: t.deployment_id,
        releaseId: t.release_id,
        payload: { resultId: row!.id, check: t.check.id, url: t.check.url, status, durationMs, traceId, error },
      });
    });
    if (!ok) this.log.warn({ check: t.check.id, deploymentId: t.deployment_id, error }, 'synthetic check failed');
  }
}
