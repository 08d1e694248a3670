import type {
  Actor,
  ApprovalRecord,
  ArtifactRecord,
  CommitRecord,
  DomainRecords,
  Hub,
  IncidentRecord,
  PipelineRunRecord,
  TagRecord,
} from '@releasegraph/server';

/*
 * Connector records for seeding tests, with the defaults a source would send. Seeds go through
 * `domain.ingest` — the same dispatcher and module `ingest` functions a webhook or a poll uses —
 * never around them.
 */

const origin = (connector: string, entity: string, sourceId: string) => ({ connector, entity, sourceId });

export const commitRecord = (c: {
  sha: string;
  repository: string;
  message: string;
  changeKeys?: string[];
  connector?: string;
  author?: string;
}): CommitRecord => ({
  id: `${c.connector ?? 'git'}:commit:${c.sha}`,
  sha: c.sha,
  repository: c.repository,
  message: c.message,
  author: c.author ?? 'dev',
  committedAt: new Date('2026-11-20T10:00:00Z'),
  changeKeys: c.changeKeys ?? [],
  origin: origin(c.connector ?? 'git', 'commit', c.sha),
});

export const tagRecord = (t: { name: string; repository: string; commitSha?: string | null; releaseVersion?: string | null }): TagRecord => ({
  id: `git:tag:${t.repository}:${t.name}`,
  name: t.name,
  repository: t.repository,
  commitSha: t.commitSha ?? null,
  releaseVersion: t.releaseVersion ?? null,
  origin: origin('git', 'tag', t.name),
});

export const pipelineRunRecord = (r: Partial<PipelineRunRecord> & { externalId: string; provider?: string; sourceStatus?: string }): PipelineRunRecord => ({
  id: `${r.provider ?? 'github'}:pipeline_run:${r.externalId}`,
  provider: r.provider ?? 'github',
  name: 'build',
  status: 'SUCCEEDED',
  commitSha: null,
  ref: null,
  url: null,
  gates: [],
  startedAt: null,
  finishedAt: null,
  service: null,
  releaseVersion: null,
  ...r,
  origin: { ...origin(r.provider ?? 'github', 'workflow_run', r.externalId), ...(r.sourceStatus ? { originalStatus: r.sourceStatus } : {}) },
});

export const artifactRecord = (a: Partial<ArtifactRecord> & { digest: string; name: string; version: string }): ArtifactRecord => ({
  id: `github:artifact:${a.digest.replace(':', '-')}`,
  service: null,
  pipelineRunId: null,
  releaseVersion: null,
  ...a,
  origin: origin('github', 'package', a.digest),
});

export const approvalRecord = (a: Partial<ApprovalRecord> & { sourceId: string; changeId: string }): ApprovalRecord => ({
  id: `servicenow:approval:${a.sourceId}`,
  approver: 'cab-chair',
  decision: 'APPROVED',
  decidedAt: null,
  comment: null,
  ...a,
  origin: origin('servicenow', 'sysapproval_approver', a.sourceId),
});

export const incidentRecord = (i: Partial<IncidentRecord> & { sourceId: string; services: string[] }): IncidentRecord => ({
  id: `pagerduty:incident:${i.sourceId}`,
  key: `PD-${i.sourceId}`,
  source: 'pagerduty',
  title: 'incident',
  severity: 'SEV3',
  status: 'TRIGGERED',
  openedAt: new Date(),
  resolvedAt: null,
  url: null,
  ...i,
  origin: origin('pagerduty', 'incident', i.sourceId),
});

/** Writes records as the connector `connectorId` would (one transaction, the modules' ingest functions). */
export function ingest(domain: Hub['domain'], actor: Actor, connectorId: string, records: Partial<DomainRecords>): Promise<void> {
  return domain.ingest(actor, connectorId, records);
}
