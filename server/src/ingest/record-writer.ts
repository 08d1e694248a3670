import type {
  ApprovalRecord,
  ArtifactRecord,
  ChangeRecord,
  CommitRecord,
  DeploymentRecord,
  DomainRecords,
  IncidentRecord,
  KpiSampleRecord,
  Origin,
  PipelineRunRecord,
  TagRecord,
} from '@releasegraph/connectors';
import type { EntityManager, EntityTarget } from 'typeorm';
import {
  Approval,
  Change,
  ChangeServiceLink,
  type ApprovalDecision,
  type ChangeRisk,
  type ChangeState,
  type ChangeType,
} from '../modules/changes/change.entity.js';
import { Commit, GitTag } from '../modules/commits/commit.entity.js';
import { upsertGraphRow, type OriginFields } from '../modules/common/upsert.js';
import type { GraphRow } from '../modules/common/graph-row.js';
import { Deployment, type DeploymentStatus } from '../modules/deployments/deployment.entity.js';
import { EnvironmentTier } from '../modules/environments/environment.entity.js';
import { Incident, IncidentServiceLink, type IncidentSeverity, type IncidentStatus } from '../modules/incidents/incident.entity.js';
import { Artifact, PipelineRun, type PipelineStatus, type QualityGate, type GateKind, type GateStatus } from '../modules/pipelines/pipeline.entity.js';
import type { WriteTx } from '../write/write-path.js';

/*
 * Connector records → release-graph rows, inside the caller's write transaction (a webhook
 * delivery's id or a stream's cursor is written in the same one). Every row goes through
 * upsertGraphRow, so re-ingesting writes nothing and raises no event. References by natural key
 * (service and environment names, release versions, change keys, digests) are resolved here;
 * services and environments a source names for the first time are created.
 */

const originOf = (o: Origin): OriginFields => ({ originConnector: o.connector, originEntity: o.entity, originId: o.sourceId });

/** Status order: a late, older delivery never moves a row back (webhooks arrive out of order). */
const PIPELINE_RANK: Record<PipelineStatus, number> = { QUEUED: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 2, CANCELLED: 2 };
const DEPLOYMENT_RANK: Record<DeploymentStatus, number> = { PENDING: 0, IN_PROGRESS: 1, SUCCEEDED: 2, FAILED: 2, CANCELLED: 2, ROLLED_BACK: 3 };

/**
 * Whether a delivery is older than the row: it would move the status back, and it is not a new
 * attempt of the same run (a re-run starts later than the row's start).
 */
function isStale(rowRank: number, recordRank: number, rowStartedAt: Date | null, recordStartedAt: Date | null): boolean {
  if (recordRank >= rowRank) return false;
  return !(recordStartedAt && rowStartedAt && recordStartedAt > rowStartedAt);
}

/** Only the fields a source knows: a later event that omits a time (null) keeps the one an earlier event gave. */
function known<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** The tier an environment's name suggests (a source never says). */
export function tierOf(name: string): EnvironmentTier {
  const n = name.toLowerCase();
  if (/\b(prod|production|live)\b/.test(n) || n === 'prd') return EnvironmentTier.PROD;
  if (/\b(stag|staging|stage|preprod|pre-prod|uat)/.test(n)) return EnvironmentTier.STAGING;
  if (/\b(test|qa|int|integration|sit)\b/.test(n)) return EnvironmentTier.TEST;
  return EnvironmentTier.DEV;
}

export class RecordWriter {
  private readonly services = new Map<string, string>();
  private readonly environments = new Map<string, string>();
  private readonly releases = new Map<string, string | null>();

  constructor(
    private readonly tx: WriteTx,
    private readonly connectorId: string,
  ) {}

  private get m(): EntityManager {
    return this.tx.manager;
  }

  /** Writes every record of a batch; returns how many rows were written or changed. */
  async write(records: DomainRecords): Promise<void> {
    for (const r of records.changes) await this.change(r);
    for (const r of records.approvals) await this.approval(r);
    for (const r of records.commits) await this.commit(r);
    for (const r of records.tags) await this.tag(r);
    for (const r of records.pipelineRuns) await this.pipelineRun(r);
    for (const r of records.artifacts) await this.artifact(r);
    for (const r of records.deployments) await this.deployment(r);
    for (const r of records.incidents) await this.incident(r);
    if (records.kpiSamples.length) await this.kpiSamples(records.kpiSamples);
  }

  /** The id of the service with this name, created when new. */
  private async serviceId(name: string): Promise<string> {
    const known = this.services.get(name);
    if (known) return known;
    const id = `${this.connectorId}:service:${name}`;
    const inserted = (await this.m.query(
      'INSERT INTO service (id, name, origin_connector, origin_entity, origin_id) VALUES ($1, $2, $3, $4, $2) ON CONFLICT DO NOTHING RETURNING id',
      [id, name, this.connectorId, 'service'],
    )) as unknown[];
    if (inserted.length) this.tx.record({ type: 'service.created', subjectType: 'Service', subjectId: id, payload: { id, name } });
    const [row] = (await this.m.query('SELECT id FROM service WHERE name = $1', [name])) as Array<{ id: string }>;
    this.services.set(name, row!.id);
    return row!.id;
  }

  private async environmentId(name: string): Promise<string> {
    const known = this.environments.get(name);
    if (known) return known;
    const id = `${this.connectorId}:environment:${name}`;
    const tier = tierOf(name);
    const inserted = (await this.m.query(
      'INSERT INTO environment (id, name, tier, origin_connector, origin_entity, origin_id) VALUES ($1, $2, $3, $4, $5, $2) ON CONFLICT DO NOTHING RETURNING id',
      [id, name, tier, this.connectorId, 'environment'],
    )) as unknown[];
    if (inserted.length) this.tx.record({ type: 'environment.created', subjectType: 'Environment', subjectId: id, payload: { id, name, tier } });
    const [row] = (await this.m.query('SELECT id FROM environment WHERE name = $1', [name])) as Array<{ id: string }>;
    this.environments.set(name, row!.id);
    return row!.id;
  }

  /** The release of this version when exactly one release has it (versions are not unique across products). */
  private async releaseId(version: string | null | undefined): Promise<string | null> {
    if (!version) return null;
    const bare = version.replace(/^v(?=\d)/, '');
    if (this.releases.has(bare)) return this.releases.get(bare)!;
    const rows = (await this.m.query('SELECT id FROM release WHERE version = $1 OR version = $2 LIMIT 2', [bare, `v${bare}`])) as Array<{ id: string }>;
    const id = rows.length === 1 ? rows[0]!.id : null;
    this.releases.set(bare, id);
    return id;
  }

  /** An existing row's id with the same natural key (made by the API or another connector), else the record's own id. */
  private async idByNaturalKey<T extends GraphRow>(entity: EntityTarget<T>, recordId: string, where: Record<string, unknown>): Promise<string> {
    const existing = await this.m.findOne(entity, { where: where as never, select: { id: true } as never });
    return existing?.id ?? recordId;
  }

  private async change(r: ChangeRecord): Promise<void> {
    const id = await this.idByNaturalKey(Change, r.id, { key: r.key });
    const releaseId = await this.releaseId(r.releaseVersion);
    await upsertGraphRow(
      this.tx,
      Change,
      {
        id,
        key: r.key,
        source: r.source,
        title: r.title,
        description: r.description,
        type: r.type as ChangeType,
        risk: r.risk as ChangeRisk | null,
        state: r.state as ChangeState,
        sourceState: r.origin.originalStatus ?? null,
        rollbackPlan: r.rollbackPlan,
        windowStart: r.windowStart,
        windowEnd: r.windowEnd,
        requestedBy: r.requestedBy,
        ...(releaseId ? { releaseId } : {}),
        ...originOf(r.origin),
      },
      { subjectType: 'Change', event: 'change', releaseId },
    );
    for (const name of r.services) {
      const serviceId = await this.serviceId(name);
      await this.m.createQueryBuilder().insert().into(ChangeServiceLink).values({ changeId: id, serviceId }).orIgnore().execute();
    }
  }

  private async approval(r: ApprovalRecord): Promise<void> {
    // The change may have landed under an existing row's id (same key): follow it.
    const [change] = (await this.m.query(`SELECT c.id, c.release_id FROM change c WHERE c.id = $1 OR c.key = (SELECT split_part($1, ':', 3)) LIMIT 1`, [
      r.changeId,
    ])) as Array<{ id: string; release_id: string | null }>;
    if (!change) throw new Error(`approval ${r.id}: change ${r.changeId} is not in the graph`);
    await upsertGraphRow(
      this.tx,
      Approval,
      {
        id: r.id,
        changeId: change.id,
        approver: r.approver,
        decision: r.decision as ApprovalDecision,
        decidedAt: r.decidedAt,
        comment: r.comment,
        ...originOf(r.origin),
      },
      { subjectType: 'Approval', event: 'approval', releaseId: change.release_id },
    );
  }

  private async commit(r: CommitRecord): Promise<void> {
    // The same commit can come from several connectors (the git CLI and GitHub): one row.
    const id = await this.idByNaturalKey(Commit, r.id, { repository: r.repository, sha: r.sha });
    const fields = { sha: r.sha, repository: r.repository, message: r.message, author: r.author, committedAt: r.committedAt, changeKeys: r.changeKeys };
    await upsertGraphRow(this.tx, Commit, { id, ...fields, ...(id === r.id ? originOf(r.origin) : {}) }, { subjectType: 'Commit', event: 'commit' });
  }

  private async tag(r: TagRecord): Promise<void> {
    const releaseId = await this.releaseId(r.releaseVersion);
    const id = await this.idByNaturalKey(GitTag, r.id, { repository: r.repository, name: r.name });
    await upsertGraphRow(
      this.tx,
      GitTag,
      {
        id,
        name: r.name,
        repository: r.repository,
        // GitHub's create event has no sha; the git CLI's does: an unknown sha never erases a known one.
        ...known({ commitSha: r.commitSha }),
        ...(releaseId ? { releaseId } : {}),
        ...(id === r.id ? originOf(r.origin) : {}),
      },
      { subjectType: 'GitTag', event: 'tag', releaseId },
    );
  }

  /** A run's release: its version tag, else a tag of the release on its commit. */
  private async releaseOfRun(r: PipelineRunRecord): Promise<string | null> {
    const byVersion = await this.releaseId(r.releaseVersion);
    if (byVersion || !r.commitSha) return byVersion;
    const [tag] = (await this.m.query('SELECT release_id FROM git_tag WHERE commit_sha = $1 AND release_id IS NOT NULL LIMIT 1', [r.commitSha])) as Array<{
      release_id: string;
    }>;
    return tag?.release_id ?? null;
  }

  private async pipelineRun(r: PipelineRunRecord): Promise<void> {
    const id = await this.idByNaturalKey(PipelineRun, r.id, { provider: r.provider, externalId: r.externalId });
    const existing = await this.m.findOne(PipelineRun, {
      where: { id },
      select: { id: true, status: true, startedAt: true },
      lock: { mode: 'pessimistic_write' },
    });
    if (existing && isStale(PIPELINE_RANK[existing.status], PIPELINE_RANK[r.status as PipelineStatus], existing.startedAt, r.startedAt)) return;
    const releaseId = await this.releaseOfRun(r);
    const gates: QualityGate[] = r.gates.map((g) => ({ name: g.name, kind: g.kind as GateKind, status: g.status as GateStatus }));
    await upsertGraphRow(
      this.tx,
      PipelineRun,
      {
        id,
        provider: r.provider,
        externalId: r.externalId,
        status: r.status as PipelineStatus,
        sourceStatus: r.origin.originalStatus ?? null,
        commitSha: r.commitSha,
        ref: r.ref,
        url: r.url,
        gates,
        ...known({ startedAt: r.startedAt, finishedAt: r.finishedAt }),
        ...(releaseId ? { releaseId } : {}),
        ...(r.service ? { serviceId: await this.serviceId(r.service) } : {}),
        ...originOf(r.origin),
      },
      { subjectType: 'PipelineRun', event: 'pipeline_run', releaseId },
    );
  }

  private async artifact(r: ArtifactRecord): Promise<void> {
    const id = await this.idByNaturalKey(Artifact, r.id, { digest: r.digest });
    const [run] = r.pipelineRunId
      ? ((await this.m.query('SELECT id, release_id FROM pipeline_run WHERE id = $1', [r.pipelineRunId])) as Array<{ id: string; release_id: string | null }>)
      : [];
    const releaseId = run?.release_id ?? (await this.releaseId(r.releaseVersion));
    await upsertGraphRow(
      this.tx,
      Artifact,
      {
        id,
        name: r.name,
        version: r.version,
        digest: r.digest,
        ...(run ? { pipelineRunId: run.id } : {}),
        ...(releaseId ? { releaseId } : {}),
        ...(r.service ? { serviceId: await this.serviceId(r.service) } : {}),
        ...originOf(r.origin),
      },
      { subjectType: 'Artifact', event: 'artifact', releaseId },
    );
  }

  private async deployment(r: DeploymentRecord): Promise<void> {
    const existing = await this.m.findOne(Deployment, {
      where: { id: r.id },
      select: { id: true, status: true, startedAt: true, finishedAt: true },
      lock: { mode: 'pessimistic_write' },
    });
    if (existing && isStale(DEPLOYMENT_RANK[existing.status], DEPLOYMENT_RANK[r.status as DeploymentStatus], existing.startedAt, r.startedAt)) return;
    const releaseId = (await this.releaseId(r.releaseVersion)) ?? (r.releaseVersion ? null : await this.releaseId(r.version));
    // Sources' clocks disagree: a finish reported a little before the start it follows is the start.
    const startedAt = r.startedAt ?? existing?.startedAt ?? null;
    const finishedAt = r.finishedAt && startedAt && r.finishedAt < startedAt ? startedAt : r.finishedAt;
    const [artifact] = r.artifactDigest ? ((await this.m.query('SELECT id FROM artifact WHERE digest = $1', [r.artifactDigest])) as Array<{ id: string }>) : [];
    await upsertGraphRow(
      this.tx,
      Deployment,
      {
        id: r.id,
        serviceId: await this.serviceId(r.service),
        environmentId: await this.environmentId(r.environment),
        version: r.version,
        status: r.status as DeploymentStatus,
        sourceStatus: r.origin.originalStatus ?? null,
        ...known({ startedAt: r.startedAt, finishedAt, deployer: r.deployer }),
        // A new attempt (started after the last one finished) is not finished until it says so.
        ...(!finishedAt && r.startedAt && existing?.finishedAt && r.startedAt > existing.finishedAt ? { finishedAt: null } : {}),
        ...(artifact ? { artifactId: artifact.id } : {}),
        ...(releaseId ? { releaseId } : {}),
        ...originOf(r.origin),
      },
      { subjectType: 'Deployment', event: 'deployment', releaseId },
    );
    if (!existing) await this.versionAlreadyLive(r, releaseId);
  }

  /**
   * Telemetry can show a version before its deployment record arrives (a canary, a slow webhook):
   * a new deployment whose version was already seen says so, linked to its release.
   */
  private async versionAlreadyLive(r: DeploymentRecord, releaseId: string | null): Promise<void> {
    const [seen] = (await this.m.query('SELECT first_seen_at FROM telemetry_version WHERE service = $1 AND version = $2 AND environment = $3', [
      r.service,
      r.version,
      r.environment,
    ])) as Array<{ first_seen_at: Date }>;
    if (!seen) return;
    this.tx.record({
      type: 'telemetry.version_observed',
      subjectType: 'Deployment',
      subjectId: r.id,
      releaseId,
      payload: { service: r.service, version: r.version, environment: r.environment, firstSeenAt: seen.first_seen_at },
    });
  }

  private async incident(r: IncidentRecord): Promise<void> {
    const id = await this.idByNaturalKey(Incident, r.id, { key: r.key });
    await upsertGraphRow(
      this.tx,
      Incident,
      {
        id,
        key: r.key,
        source: r.source,
        title: r.title,
        severity: r.severity as IncidentSeverity,
        status: r.status as IncidentStatus,
        sourceStatus: r.origin.originalStatus ?? null,
        openedAt: r.openedAt,
        resolvedAt: r.resolvedAt,
        ...(r.traceIds ? { traceIds: r.traceIds } : {}),
        ...originOf(r.origin),
      },
      { subjectType: 'Incident', event: 'incident' },
    );
    for (const name of r.services) {
      const serviceId = await this.serviceId(name);
      await this.m.createQueryBuilder().insert().into(IncidentServiceLink).values({ incidentId: id, serviceId }).orIgnore().execute();
    }
  }

  /** KPI points in one statement; a re-read range overwrites its points. */
  private async kpiSamples(all: KpiSampleRecord[]): Promise<void> {
    // Two series of a page can land on one point (labels mapped alike): the last one stands.
    const byKey = new Map<string, KpiSampleRecord>();
    for (const s of all) byKey.set(`${s.metric}\u0000${s.service}\u0000${s.environment ?? ''}\u0000${s.version ?? ''}\u0000${s.at.getTime()}`, s);
    const samples = [...byKey.values()];
    await this.m.query(
      `INSERT INTO kpi_sample (metric, service, environment, version, at, value, connector_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::float8[], $7::text[])
       ON CONFLICT (metric, service, environment, version, at) DO UPDATE SET value = excluded.value, connector_id = excluded.connector_id`,
      [
        samples.map((s) => s.metric),
        samples.map((s) => s.service),
        samples.map((s) => s.environment ?? ''),
        samples.map((s) => s.version ?? ''),
        samples.map((s) => s.at),
        samples.map((s) => s.value),
        samples.map((s) => s.connector),
      ],
    );
    const series = new Set(samples.map((s) => `${s.metric}|${s.service}|${s.environment ?? ''}|${s.version ?? ''}`));
    this.tx.record({
      type: 'kpi.sampled',
      subjectType: 'Connector',
      subjectId: this.connectorId,
      payload: { points: samples.length, series: [...series].slice(0, 50) },
    });
  }
}
