import type { DomainRecords } from '@releasegraph/connectors';
import type { DataSource } from 'typeorm';
import { RecordWriter } from './ingest/record-writer.js';
import { KpiSampleService } from './modules/kpis/kpi-sample.service.js';
import { KpiSeriesService } from './modules/kpis/kpi-series.service.js';
import { ChangeKeyRules } from './modules/changes/change-key-rules.js';
import type { TierOverride } from './modules/environments/tier-rules.js';
import type { Actor } from './write/actor.js';
import { EventStore } from './events/event-store.js';
import type { PubSub } from './events/pubsub.js';
import { AuditService } from './modules/audit/audit.service.js';
import { AuthService } from './modules/auth/auth.service.js';
import { ChangeService } from './modules/changes/change.service.js';
import { CommitService } from './modules/commits/commit.service.js';
import { DeploymentService } from './modules/deployments/deployment.service.js';
import { EnvironmentService } from './modules/environments/environment.service.js';
import { IncidentService } from './modules/incidents/incident.service.js';
import { PipelineService } from './modules/pipelines/pipeline.service.js';
import { ReleaseService } from './modules/releases/release.service.js';
import { CatalogService } from './modules/services/service.service.js';
import { WritePath } from './write/write-path.js';
import { ConnectorService } from './modules/connectors/connector.service.js';
import { RollupSignal } from './modules/kpis/rollup-signal.js';
import { DEFAULT_RETENTION, TelemetryService } from './modules/telemetry/telemetry.service.js';
import { DEFAULT_POLICY, MAX_CRITERION_WINDOW_SECONDS, VerificationService, type VerificationPolicy } from './modules/verification/verification.service.js';
import { NotificationService, type NotificationChannel } from './modules/notifications/notification.service.js';
import { SloService } from './modules/slo/slo.service.js';
import { SliKind, SLO_MAX_WINDOW_DAYS } from './modules/slo/slo.entity.js';
import { DEFAULT_BURN_RULES, type BurnAlertRule } from './modules/slo/burn-rate.js';
import { SpikeDetectionService } from './modules/incidents/spike-detection.service.js';
import { SyntheticsService, type SyntheticCheck } from './modules/synthetics/synthetics.service.js';
import { DEFAULT_STABILIZATION, StabilizationService, type StabilizationPolicy } from './modules/stabilization/stabilization.service.js';
import type { HubConfig } from './config.js';
import type { Logger } from './logger.js';

/** The domain services: the only code that writes the release graph, all through one WritePath. */
export interface Domain {
  writes: WritePath;
  services: CatalogService;
  environments: EnvironmentService;
  releases: ReleaseService;
  changes: ChangeService;
  deployments: DeploymentService;
  commits: CommitService;
  pipelines: PipelineService;
  incidents: IncidentService;
  kpis: KpiSampleService;
  /** KPI series (Prometheus samples, else OTLP rollups) for charts and live updates. */
  kpiReader: KpiSeriesService;
  /** Connector records → the modules that own their tables (the path every connector, and the tests' seeds, take). */
  records: RecordWriter;
  /** Writes a batch of connector records in one transaction, as a connector would. */
  ingest(actor: Actor, connectorId: string, records: Partial<DomainRecords>): Promise<void>;
  auth: AuthService;
  audit: AuditService;
  events: EventStore;
  pubsub: PubSub;
  connectors: ConnectorService;
  telemetry: TelemetryService;
  /** Which telemetry rollups just changed (live KPI charts listen). */
  rollups: RollupSignal;
  verifier: VerificationService;
  notifier: NotificationService;
  slos: SloService;
  stabilization: StabilizationService;
  synthetics: SyntheticsService;
  spikes: SpikeDetectionService;
}

export interface DomainOptions {
  /** Called after each commit that recorded changes (wakes the event relay). */
  afterCommit: () => void;
  connectors: HubConfig['connectors'];
  /** Where connectors keep files (git clones). */
  connectorWorkRoot: string;
  /** Stabilization windows: duration, owners, escalation levels. */
  stabilization?: StabilizationPolicy;
  /** Synthetic HTTP checks run after deployments. */
  synthetics?: SyntheticCheck[];
  /** Burn-rate alert rules of the SLOs; the workbook's when omitted. */
  burnAlerts?: readonly BurnAlertRule[];
  /** Where release events are sent. */
  notifications?: NotificationChannel[];
  /** How deployments are verified; the defaults when omitted. */
  verification?: VerificationPolicy;
  /** Environment tiers by name or pattern, before the rules that read tiers from names. */
  tierOverrides?: readonly TierOverride[];
  /** Which change keys in commit messages are change tickets (configured projects and prefixes). */
  changeKeys?: ChangeKeyRules;
  /** Telemetry retention; the defaults when omitted. */
  telemetry?: HubConfig['file']['telemetry'];
  log: Logger;
}

export function createDomain(
  db: DataSource,
  pubsub: PubSub,
  {
    afterCommit,
    connectors,
    connectorWorkRoot,
    telemetry,
    verification,
    notifications,
    stabilization,
    synthetics,
    burnAlerts,
    tierOverrides,
    changeKeys,
    log,
  }: DomainOptions,
): Domain {
  const writes = new WritePath(db, afterCommit);
  const rollups = new RollupSignal(pubsub);
  const services = new CatalogService(db, writes);
  const environments = new EnvironmentService(db, writes, tierOverrides ?? []);
  const commits = new CommitService(db, changeKeys ?? new ChangeKeyRules([]));
  const releases = new ReleaseService(db, writes, commits);
  const changes = new ChangeService(db, writes);
  const deployments = new DeploymentService(db, writes, releases);
  const pipelines = new PipelineService(db);
  const incidents = new IncidentService(db);
  const slos = new SloService(db, writes, log.child({ module: 'slo' }), burnAlerts ?? DEFAULT_BURN_RULES);
  // Hourly rollups cover the longest SLO window there may be (not only the SLOs of today: a new
  // 90-day SLO reads 90 days at once); KPI samples the longest window that reads them now.
  const retention = telemetry
    ? {
        retentionMs: telemetry.retention,
        graceMs: telemetry.grace,
        rollupRetentionMs: Math.max(telemetry.retention, SLO_MAX_WINDOW_DAYS * 86_400_000),
        kpiRetentionMs: telemetry.kpiRetention,
      }
    : DEFAULT_RETENTION;
  const kpiReadWindowMs = async () => Math.max(MAX_CRITERION_WINDOW_SECONDS * 1000, await slos.longestWindowMs(SliKind.KPI));
  const kpis = new KpiSampleService(db, retention.kpiRetentionMs, kpiReadWindowMs);
  const telemetryStore = new TelemetryService(db, writes, log.child({ module: 'telemetry' }), retention, rollups, kpis);
  const records = new RecordWriter({ services, environments, releases, changes, commits, pipelines, deployments, incidents, kpis, telemetry: telemetryStore });
  return {
    writes,
    services,
    environments,
    releases,
    changes,
    deployments,
    commits,
    pipelines,
    incidents,
    kpis,
    kpiReader: new KpiSeriesService(db),
    records,
    ingest: (actor, connectorId, batch) => writes.run(actor, (tx) => records.write(tx, connectorId, batch)),
    auth: new AuthService(db, writes),
    audit: new AuditService(db),
    events: new EventStore(db),
    pubsub,
    connectors: new ConnectorService(connectors, db, writes, records, log.child({ module: 'connectors' }), { workRoot: connectorWorkRoot }),
    telemetry: telemetryStore,
    rollups,
    verifier: new VerificationService(db, writes, log.child({ module: 'verification' }), deployments, releases, verification ?? DEFAULT_POLICY),
    notifier: new NotificationService(db, notifications ?? [], log.child({ module: 'notifications' })),
    slos,
    spikes: new SpikeDetectionService(db, writes, log.child({ module: 'incidents' }), records, incidents),
    synthetics: new SyntheticsService(db, writes, synthetics ?? [], log.child({ module: 'synthetics' })),
    stabilization: new StabilizationService(db, writes, log.child({ module: 'stabilization' }), releases, incidents, stabilization ?? DEFAULT_STABILIZATION),
  };
}
