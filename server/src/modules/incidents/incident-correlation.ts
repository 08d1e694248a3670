import type { DataSource } from 'typeorm';
import { NotFoundError } from '../../domain-errors.js';

/** How far back from an incident's start deployments are suspects, and the error window around it. */
const DEPLOYED_WITHIN_MS = 24 * 3_600_000;
const ERRORS_BEFORE_MS = 30 * 60_000;
const ERRORS_AFTER_MS = 30 * 60_000;

/** A deployment suspected of causing an incident, with the evidence for it. */
export interface Suspect {
  deploymentId: string;
  service: string;
  version: string;
  environment: string;
  startedAt: Date;
  /** 0..1: how much of the incident's error evidence this deployment's version carries. */
  confidence: number;
  /** Error spans of this version in the window. */
  errorSpans: number;
  /** Failing traces in the window that pass through this version. */
  errorTraces: number;
  /** The incident's own trace ids that pass through this version. */
  incidentTraces: number;
  changeKeys: string[];
  commitShas: string[];
  evidence: string[];
}

export interface Correlation {
  suspects: Suspect[];
  summary: string;
}

interface Candidate {
  id: string;
  release_id: string | null;
  service: string;
  environment: string;
  version: string;
  started_at: Date;
  error_spans: number;
  error_traces: number;
  incident_traces: number;
}

const percent = (share: number) => `${Math.round(share * 100)} %`;
const hhmm = (d: Date) => d.toISOString().slice(11, 16);

/**
 * Ranks the deployments behind an incident by evidence, not by recency: the error spans in the
 * incident's window whose service.version is the deployed version, the failing traces (and the
 * incident's own trace ids) that pass through it. With two services deployed close together, the
 * one whose version carries the errors ranks first; a deployment without any error evidence is no
 * suspect, and an incident with no errors on any new version says so.
 */
export class IncidentCorrelator {
  constructor(private readonly db: DataSource) {}

  async correlate(incidentId: string): Promise<Correlation> {
    const [incident] = (await this.db.query('SELECT opened_at, resolved_at, trace_ids FROM incident WHERE id = $1', [incidentId])) as Array<{
      opened_at: Date;
      resolved_at: Date | null;
      trace_ids: string[];
    }>;
    if (!incident) throw new NotFoundError('incident', incidentId, 'id');
    const opened = incident.opened_at.getTime();
    const windowFrom = new Date(opened - ERRORS_BEFORE_MS);
    const windowTo = new Date(Math.max(opened + ERRORS_AFTER_MS, incident.resolved_at?.getTime() ?? 0));
    // Per candidate: its error spans, the failing traces through it, and the incident's traces through it,
    // from the error-span index and the error traces of the window (never a scan of all spans).
    const candidates = (await this.db.query(
      `WITH candidate AS (
         -- One candidate per service version: a redeployed version's evidence is not split between its deployments.
         SELECT DISTINCT ON (s.name, d.version, e.name) d.id, d.release_id, s.name AS service, e.name AS environment, d.version,
                coalesce(d.started_at, d.created_at) AS started_at
           FROM deployment d JOIN service s ON s.id = d.service_id JOIN environment e ON e.id = d.environment_id
          WHERE coalesce(d.started_at, d.created_at) BETWEEN $1 AND $2 AND d.status <> 'CANCELLED'
          ORDER BY s.name, d.version, e.name, coalesce(d.started_at, d.created_at)
       ), failing AS MATERIALIZED (
         -- Failing traces of the window per service version: error traces first (indexed by time), then their spans by trace id.
         SELECT sp.service, sp.version, sp.environment, count(DISTINCT sp.trace_id)::int AS traces
           FROM error_trace t JOIN span sp ON sp.trace_id = t.trace_id
          WHERE t.first_error_at BETWEEN $3 AND $4
          GROUP BY 1, 2, 3
       )
       SELECT c.*,
              (SELECT count(*)::int FROM span sp WHERE sp.is_error AND sp.service = c.service AND sp.version = c.version
                  AND sp.environment = c.environment AND sp.start_time BETWEEN greatest($3, c.started_at) AND $4) AS error_spans,
              coalesce(f.traces, 0) AS error_traces,
              (SELECT count(DISTINCT sp.trace_id)::int FROM span sp WHERE sp.trace_id = ANY($5) AND sp.service = c.service AND sp.version = c.version
                  AND sp.environment = c.environment) AS incident_traces
         FROM candidate c LEFT JOIN failing f ON f.service = c.service AND f.version = c.version AND f.environment = c.environment`,
      [new Date(opened - DEPLOYED_WITHIN_MS), new Date(opened + 5 * 60_000), windowFrom, windowTo, incident.trace_ids],
    )) as Candidate[];
    const withEvidence = candidates.filter((c) => c.error_spans > 0 || c.error_traces > 0 || c.incident_traces > 0);
    if (!withEvidence.length) {
      const summary = candidates.length
        ? `No errors on any of the ${candidates.length} version(s) deployed in the 24 h before the incident, between ${hhmm(windowFrom)} and ${hhmm(windowTo)} UTC: no deployment is suspected.`
        : 'No deployment in the 24 h before the incident.';
      return { suspects: [], summary };
    }
    const totalErrors = withEvidence.reduce((n, c) => n + c.error_spans, 0);
    const totalTraces = withEvidence.reduce((n, c) => n + c.error_traces, 0);
    const incidentTraces = incident.trace_ids.length;
    const context = await this.contextOf(withEvidence);
    const suspects = withEvidence.map((c): Suspect => {
      const errorShare = totalErrors ? c.error_spans / totalErrors : 0;
      const traceShare = totalTraces ? c.error_traces / totalTraces : 0;
      const incidentShare = incidentTraces ? c.incident_traces / incidentTraces : 0;
      const evidenceScore = incidentTraces ? 0.45 * errorShare + 0.25 * traceShare + 0.3 * incidentShare : 0.6 * errorShare + 0.4 * traceShare;
      // Recency only breaks near-ties: a deployment an hour older than another loses a little.
      const ageHours = (opened - new Date(c.started_at).getTime()) / 3_600_000;
      const confidence = Math.round(evidenceScore * (1 - 0.1 * Math.min(1, Math.max(0, ageHours) / 24)) * 1000) / 1000;
      const { changeKeys, commitShas } = context.get(c.id) ?? { changeKeys: [], commitShas: [] };
      const evidence = [
        `${c.error_spans} error span(s) of ${c.service} ${c.version} in ${c.environment} between ${hhmm(windowFrom)} and ${hhmm(windowTo)} UTC (${percent(errorShare)} of the errors on new versions)`,
        `${c.error_traces} failing trace(s) pass through ${c.service} ${c.version}`,
        ...(incidentTraces ? [`${c.incident_traces} of the incident's ${incidentTraces} trace(s) pass through ${c.service} ${c.version}`] : []),
        ...(changeKeys.length ? [`changes ${changeKeys.join(', ')}`] : []),
        ...(commitShas.length ? [`${commitShas.length} commit(s) behind the release`] : []),
      ];
      return {
        deploymentId: c.id,
        service: c.service,
        version: c.version,
        environment: c.environment,
        startedAt: new Date(c.started_at),
        confidence,
        errorSpans: c.error_spans,
        errorTraces: c.error_traces,
        incidentTraces: c.incident_traces,
        changeKeys,
        commitShas,
        evidence,
      };
    });
    suspects.sort((a, b) => b.confidence - a.confidence || b.errorSpans - a.errorSpans);
    const top = suspects[0]!;
    return {
      suspects,
      summary: `${top.service} ${top.version} in ${top.environment} carries ${percent(totalErrors ? top.errorSpans / totalErrors : 0)} of the errors on new versions (confidence ${top.confidence}).`,
    };
  }

  /** The change keys and commits behind each suspect's release. */
  private async contextOf(candidates: Candidate[]): Promise<Map<string, { changeKeys: string[]; commitShas: string[] }>> {
    const releaseIds = [...new Set(candidates.map((c) => c.release_id).filter((r): r is string => r !== null))];
    const rows = releaseIds.length
      ? ((await this.db.query(
          `SELECT ch.release_id, array_agg(DISTINCT ch.key) AS keys,
                  coalesce(array_agg(DISTINCT cm.sha) FILTER (WHERE cm.sha IS NOT NULL), '{}') AS shas
             FROM change ch LEFT JOIN commit cm ON cm.change_keys @> ARRAY[ch.key]
            WHERE ch.release_id = ANY($1) GROUP BY ch.release_id`,
          [releaseIds],
        )) as Array<{ release_id: string; keys: string[]; shas: string[] }>)
      : [];
    const byRelease = new Map(rows.map((r) => [r.release_id, { changeKeys: r.keys.sort(), commitShas: r.shas }]));
    return new Map(candidates.map((c) => [c.id, (c.release_id && byRelease.get(c.release_id)) || { changeKeys: [], commitShas: [] }]));
  }
}
