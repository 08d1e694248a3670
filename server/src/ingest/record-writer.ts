import type { DomainRecords } from '@releasegraph/connectors';
import type { ChangeService } from '../modules/changes/change.service.js';
import type { CommitService } from '../modules/commits/commit.service.js';
import type { IngestRefs } from '../modules/common/ingest-refs.js';
import type { DeploymentService } from '../modules/deployments/deployment.service.js';
import type { EnvironmentService } from '../modules/environments/environment.service.js';
import type { IncidentService } from '../modules/incidents/incident.service.js';
import type { KpiSampleService } from '../modules/kpis/kpi-sample.service.js';
import type { PipelineService } from '../modules/pipelines/pipeline.service.js';
import type { ReleaseService } from '../modules/releases/release.service.js';
import type { CatalogService } from '../modules/services/service.service.js';
import type { TelemetryService } from '../modules/telemetry/telemetry.service.js';
import type { WriteTx } from '../write/write-path.js';

/** The modules that own the tables connector records land in. */
export interface RecordOwners {
  services: CatalogService;
  environments: EnvironmentService;
  releases: ReleaseService;
  changes: ChangeService;
  commits: CommitService;
  pipelines: PipelineService;
  deployments: DeploymentService;
  incidents: IncidentService;
  kpis: KpiSampleService;
  telemetry: TelemetryService;
}

/**
 * Connector records → their modules, inside the caller's write transaction (a webhook delivery's
 * id or a stream's cursor is written in the same one). It writes no table itself: each record
 * goes to the `ingest` of the module that owns its table, in an order where references resolve
 * (changes before their approvals, runs before their artifacts, artifacts before deployments).
 * Natural keys (service and environment names, release versions) are resolved once per batch.
 */
export class RecordWriter {
  constructor(private readonly owners: RecordOwners) {}

  async write(tx: WriteTx, connectorId: string, records: Partial<DomainRecords>): Promise<void> {
    const o = this.owners;
    const refs = new BatchRefs(tx, connectorId, o);
    for (const r of records.changes ?? []) await o.changes.ingest(tx, r, refs);
    for (const r of records.approvals ?? []) await o.changes.ingestApproval(tx, r);
    for (const r of records.commits ?? []) await o.commits.ingestCommit(tx, r);
    for (const r of records.tags ?? []) await o.commits.ingestTag(tx, r, refs);
    for (const r of records.pipelineRuns ?? []) await o.pipelines.ingestRun(tx, r, refs);
    for (const r of records.artifacts ?? []) await o.pipelines.ingestArtifact(tx, r, refs);
    for (const r of records.deployments ?? []) {
      const written = await o.deployments.ingest(tx, r, refs);
      // Telemetry can show a version before its deployment record arrives (a canary, a slow webhook).
      if (written?.created) await o.telemetry.deploymentArrived(tx, r.service, r.version, r.environment, written.deployment);
    }
    for (const r of records.incidents ?? []) await o.incidents.ingest(tx, r, refs);
    if (records.kpiSamples?.length) await o.kpis.ingest(tx, records.kpiSamples, connectorId);
  }
}

/** Natural keys of one batch, resolved through their owners and remembered for the batch. */
class BatchRefs implements IngestRefs {
  private readonly services = new Map<string, string>();
  private readonly environments = new Map<string, string>();
  private readonly releases = new Map<string, string | null>();

  constructor(
    private readonly tx: WriteTx,
    readonly connectorId: string,
    private readonly owners: RecordOwners,
  ) {}

  async serviceId(name: string): Promise<string> {
    let id = this.services.get(name);
    if (!id) this.services.set(name, (id = await this.owners.services.ensure(this.tx, name, this.connectorId)));
    return id;
  }

  async environmentId(name: string): Promise<string> {
    let id = this.environments.get(name);
    if (!id) this.environments.set(name, (id = await this.owners.environments.ensure(this.tx, name, this.connectorId)));
    return id;
  }

  async releaseOfVersion(version: string | null | undefined): Promise<string | null> {
    if (!version) return null;
    const bare = version.replace(/^v(?=\d)/, '');
    if (!this.releases.has(bare)) this.releases.set(bare, await this.owners.releases.idOfVersion(this.tx.manager, bare));
    return this.releases.get(bare)!;
  }
}
