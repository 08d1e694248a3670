import type { IncidentRecord } from '@releasegraph/connectors';
import type { DataSource } from 'typeorm';
import { whileHolding } from '../../db/session-lock.js';
import type { Logger } from '../../logger.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath } from '../../write/write-path.js';
import { Role } from '../auth/roles.js';
import type { RecordSink } from '../common/ingest-refs.js';
import { IncidentStatus } from './incident.entity.js';
import type { IncidentService } from './incident.service.js';

const DETECTOR: Actor = { id: 'connector:releasegraph', name: 'releasegraph', role: Role.INTEGRATION };
const SPIKE_LOCK = 0x5247_4931; // "RGI1"

/** When a version's error rate is a spike: its last minutes against the service's last hour before them. */
export interface SpikePolicy {
  recentMs: number;
  baselineMs: number;
  /** The recent rate must reach this multiple of the baseline... */
  factor: number;
  /** ...and exceed the baseline by at least this much (so 0.1 % → 0.5 % is no incident)... */
  minIncrease: number;
  /** ...on at least this many errors. */
  minErrors: number;
}

export const DEFAULT_SPIKES: SpikePolicy = { recentMs: 5 * 60_000, baselineMs: 60 * 60_000, factor: 5, minIncrease: 0.05, minErrors: 10 };

interface Rates {
  service: string;
  version: string;
  environment: string;
  recent_spans: number;
  recent_errors: number;
  baseline_spans: number;
  baseline_errors: number;
}

const percent = (v: number) => `${Math.round(v * 1000) / 10} %`;

/**
 * Releasegraph's own incidents: an error-span spike on a service version beyond its service's
 * other versions over the hour before opens an incident (one per episode, with a sample of
 * failing trace ids for the correlation); it resolves once the version's error rate is back under
 * twice the baseline, or the version has no traffic any more.
 */
export class SpikeDetectionService {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
    private readonly log: Logger,
    private readonly sink: RecordSink,
    private readonly incidents: IncidentService,
    private readonly policy: SpikePolicy = DEFAULT_SPIKES,
  ) {}

  /** One round at `now` (one instance at a time: another's round is skipped). */
  async tick(now: Date = new Date()): Promise<void> {
    await whileHolding(this.db, SPIKE_LOCK, () => this.round(now));
  }

  private async round(now: Date): Promise<void> {
    const recentFrom = new Date(now.getTime() - this.policy.recentMs);
    const baselineFrom = new Date(recentFrom.getTime() - this.policy.baselineMs);
    // A version's recent rate against its service's other versions over the hour before (the spiking
    // version itself would drag the baseline up and resolve its own incident).
    const rows = (await this.db.query(
      `WITH recent AS (
         SELECT service, version, environment, sum(spans)::int AS spans, sum(errors)::int AS errors
           FROM span_rollup WHERE minute >= date_trunc('minute', $1::timestamptz) AND minute <= $2 GROUP BY 1, 2, 3
       ), before AS (
         SELECT service, version, environment, sum(spans)::int AS spans, sum(errors)::int AS errors
           FROM span_rollup WHERE minute >= $3 AND minute < date_trunc('minute', $1::timestamptz) GROUP BY 1, 2, 3
       )
       SELECT r.service, r.version, r.environment, r.spans AS recent_spans, r.errors AS recent_errors,
              coalesce(sum(b.spans), 0)::int AS baseline_spans, coalesce(sum(b.errors), 0)::int AS baseline_errors
         FROM recent r LEFT JOIN before b ON b.service = r.service AND b.environment = r.environment AND b.version <> r.version
        GROUP BY 1, 2, 3, 4, 5`,
      [recentFrom, now, baselineFrom],
    )) as Rates[];
    const open = new Map(
      (
        (await this.db.query(
          `SELECT id, origin_id FROM incident WHERE origin_connector = 'releasegraph' AND origin_entity = 'error_spike' AND status <> 'RESOLVED'`,
        )) as Array<{
          id: string;
          origin_id: string;
        }>
      ).map((i) => [i.origin_id, i.id]),
    );
    const seen = new Set<string>();
    for (const r of rows) {
      const scope = `${r.service}@${r.version}@${r.environment}`;
      seen.add(scope);
      const rate = r.recent_spans ? r.recent_errors / r.recent_spans : 0;
      const baseline = r.baseline_spans ? r.baseline_errors / r.baseline_spans : 0;
      const incidentId = open.get(scope);
      const spiking = r.recent_errors >= this.policy.minErrors && rate >= baseline * this.policy.factor && rate - baseline >= this.policy.minIncrease;
      if (spiking && !incidentId) await this.open(r, scope, rate, baseline, recentFrom, now);
      else if (!spiking && incidentId && rate < baseline * 2 + 0.001) await this.resolve(incidentId, now);
    }
    // A version without traffic any more (rolled back, scaled away) fails no one.
    for (const [scope, incidentId] of open) if (!seen.has(scope)) await this.resolve(incidentId, now);
  }

  /** A new incident for this episode of the version's errors (a later spike of the same version is another incident). */
  private async open(r: Rates, scope: string, rate: number, baseline: number, from: Date, now: Date): Promise<void> {
    const episode = now.toISOString().replace(/[-:.]/g, '').slice(0, 15);
    const traces = (await this.db.query(
      `SELECT DISTINCT trace_id FROM span WHERE is_error AND service = $1 AND version = $2 AND environment = $3 AND start_time >= $4 LIMIT 10`,
      [r.service, r.version, r.environment, from],
    )) as Array<{ trace_id: string }>;
    const incident: IncidentRecord = {
      id: `releasegraph:incident:${scope}@${episode}`,
      key: `RG-${r.service}-${r.version}-${r.environment}-${episode}`.slice(0, 200),
      source: 'releasegraph',
      title: `Error spike on ${r.service} ${r.version} in ${r.environment}: ${percent(rate)} of requests fail (baseline ${percent(baseline)})`,
      severity: rate >= 0.25 ? 'SEV1' : 'SEV2',
      status: 'TRIGGERED',
      openedAt: now,
      resolvedAt: null,
      services: [r.service],
      url: null,
      traceIds: traces.map((t) => t.trace_id),
      origin: { connector: 'releasegraph', entity: 'error_spike', sourceId: scope, originalStatus: 'triggered' },
    };
    await this.writes.run(DETECTOR, (tx) => this.sink.write(tx, 'releasegraph', { incidents: [incident] }));
    this.log.warn({ service: r.service, version: r.version, environment: r.environment, rate, baseline }, 'error spike: incident opened');
  }

  private async resolve(id: string, now: Date): Promise<void> {
    await this.writes.run(DETECTOR, (tx) =>
      this.incidents.transition(tx, id, IncidentStatus.RESOLVED, { kind: 'detector', reason: 'the error rate is back' }, now),
    );
  }
}
