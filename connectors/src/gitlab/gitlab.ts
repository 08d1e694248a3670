import crypto from 'node:crypto';
import { z } from 'zod';
import { changeKeysIn } from '../kit/change-keys.js';
import { connectorId, secret } from '../kit/config.js';
import type { ConnectorKind, WebhookConversion, WebhookReceipt, WebhookRequest } from '../kit/connector.js';
import { gateKindOf, gatesOf } from '../kit/gates.js';
import { NOT_JSON, eventHandler, parseJson, type EventHandler } from '../kit/event-handlers.js';
import { recordId } from '../kit/ids.js';
import {
  type CommitRecord,
  type DeploymentRecord,
  type DeploymentStatus,
  type GateResult,
  type GateStatus,
  type PipelineRunRecord,
  type PipelineStatus,
  type TagRecord,
  records,
} from '../kit/records.js';
import { constantTimeEqual } from '../kit/signatures.js';
import { releaseVersionOf } from '../kit/release-version.js';

export const gitlabConfig = z.object({
  id: connectorId,
  kind: z.literal('gitlab'),
  /** The webhook's "Secret token": GitLab sends it verbatim in `X-Gitlab-Token` (it signs nothing). */
  webhookSecret: secret,
});
export type GitlabConfig = z.infer<typeof gitlabConfig>;

/** GitLab writes times as ISO 8601 in some places and as `2016-08-12 15:23:28 UTC` / `2021-04-28 21:50:00 +0200` in others. */
const GITLAB_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (UTC|[+-]\d{2})(\d{2})?$/;

const gitlabTime = z.string().transform((text, ctx) => {
  const m = GITLAB_TIME.exec(text);
  const iso = m ? `${m[1]}T${m[2]}${m[3] === 'UTC' ? 'Z' : `${m[3]}:${m[4] ?? '00'}`}` : text;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a time`, input: text });
    return z.NEVER;
  }
  return at;
});

/** The project every event names: `path_with_namespace` is the git repository, its last segment the service. */
const project = z.object({ path_with_namespace: z.string() });
const serviceOf = (p: z.infer<typeof project>) => p.path_with_namespace.split('/').pop() || p.path_with_namespace;

/** `before`/`after` of a push that created or deleted its ref. */
const NO_COMMIT = /^0+$/;

/** The parts of GitLab's push event (`Push Hook`) the release graph uses. */
const pushPayload = z.object({
  ref: z.string(),
  after: z.string().nullish(),
  project,
  commits: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{40,64}$/),
      message: z.string(),
      timestamp: gitlabTime,
      author: z.object({ name: z.string().nullish() }).nullish(),
    }),
  ),
});
export type GitlabPush = z.infer<typeof pushPayload>;

/**
 * Converts a push event to commit records (pure). GitLab lists at most the newest 20 commits of a
 * push. Change keys come from each message and the branch.
 */
export function convertGitlabPush(connectorId: string, push: GitlabPush): CommitRecord[] {
  const repository = push.project.path_with_namespace;
  const branch = push.ref.replace(/^refs\/heads\//, '');
  return push.commits.map((c) => ({
    id: recordId(connectorId, 'commit', `${repository}@${c.id}`),
    sha: c.id,
    repository,
    message: c.message,
    author: c.author?.name ?? null,
    committedAt: c.timestamp,
    changeKeys: changeKeysIn(c.message, branch),
    origin: { connector: connectorId, entity: 'push', sourceId: c.id },
  }));
}

/** The parts of GitLab's tag event (`Tag Push Hook`) the release graph uses. */
const tagPushPayload = z.object({
  ref: z.string(),
  after: z.string(),
  // The tagged commit (for an annotated tag `after` is the tag object); null when the tag was deleted.
  checkout_sha: z.string().nullish(),
  project,
});
export type GitlabTagPush = z.infer<typeof tagPushPayload>;

/** Converts a tag event to a tag record (pure); null for a deleted tag. */
export function convertGitlabTagPush(connectorId: string, push: GitlabTagPush): TagRecord | null {
  if (NO_COMMIT.test(push.after)) return null;
  const repository = push.project.path_with_namespace;
  const name = push.ref.replace(/^refs\/tags\//, '');
  const key = `${repository}@${name}`;
  return {
    id: recordId(connectorId, 'tag', key),
    name,
    repository,
    commitSha: push.checkout_sha ?? null,
    releaseVersion: releaseVersionOf(name),
    origin: { connector: connectorId, entity: 'tag_push', sourceId: key },
  };
}

/** The parts of GitLab's pipeline event (`Pipeline Hook`) the release graph uses. */
const pipelinePayload = z.object({
  object_attributes: z.object({
    id: z.number().int(),
    iid: z.number().int().nullish(),
    // GitLab 16.1 and later; null for a pipeline without `workflow:name`.
    name: z.string().nullish(),
    ref: z.string().nullish(),
    tag: z.boolean().nullish(),
    sha: z.string().nullish(),
    status: z.string(),
    created_at: gitlabTime.nullish(),
    finished_at: gitlabTime.nullish(),
    url: z.string().nullish(),
  }),
  project,
  builds: z
    .array(z.object({ id: z.number().int(), stage: z.string(), name: z.string(), status: z.string() }))
    .nullish()
    .transform((builds) => builds ?? []),
});
export type GitlabPipeline = z.infer<typeof pipelinePayload>;

/** A pipeline's status; null for one GitLab has not documented. */
export function pipelineStatusOfGitlab(status: string): PipelineStatus | null {
  switch (status) {
    case 'created':
    case 'waiting_for_resource':
    case 'preparing':
    case 'pending':
    case 'scheduled':
    case 'manual': // waits for someone to start a manual job
      return 'QUEUED';
    case 'running':
      return 'RUNNING';
    case 'success':
      return 'SUCCEEDED';
    case 'failed':
      return 'FAILED';
    case 'canceled':
    case 'canceling':
    case 'skipped':
      return 'CANCELLED';
    default:
      return null;
  }
}

/** How bad a gate status is, to combine the jobs of one stage: failed over pending over passed over skipped. */
const GATE_STATUS_WEIGHT: Record<GateStatus, number> = { SKIPPED: 0, PASSED: 1, PENDING: 2, FAILED: 3 };

/**
 * The quality gates among a pipeline's jobs. A job counts under its own name when that names a gate
 * (`eslint`, `trivy-scan`), else under its stage's (`test`, `security`); the jobs of one stage
 * combine into one gate with the worst status among them. Gates come in job order.
 */
export function gatesOfGitlabBuilds(builds: GitlabPipeline['builds']): GateResult[] {
  const jobs = [...builds].sort((a, b) => a.id - b.id).map((b) => ({ name: gateKindOf(b.name) ? b.name : b.stage, result: b.status }));
  const byName = new Map<string, GateResult>();
  for (const gate of gatesOf(jobs)) {
    const seen = byName.get(gate.name);
    byName.set(gate.name, seen && GATE_STATUS_WEIGHT[seen.status] >= GATE_STATUS_WEIGHT[gate.status] ? seen : gate);
  }
  return [...byName.values()];
}

/**
 * Converts a pipeline event to a pipeline run (pure); null when its status is unknown. The payload
 * has no start time, so `startedAt` is the pipeline's creation.
 */
export function convertGitlabPipeline(connectorId: string, event: GitlabPipeline): PipelineRunRecord | null {
  const p = event.object_attributes;
  const status = pipelineStatusOfGitlab(p.status);
  if (!status) return null;
  const repository = event.project.path_with_namespace;
  return {
    id: recordId(connectorId, 'pipeline_run', String(p.id)),
    provider: 'gitlab',
    externalId: String(p.id),
    name: p.name || `${repository} #${p.iid ?? p.id}`,
    status,
    commitSha: p.sha ?? null,
    ref: p.ref ?? null,
    url: p.url ?? null,
    gates: gatesOfGitlabBuilds(event.builds),
    startedAt: p.created_at ?? null,
    finishedAt: status === 'QUEUED' || status === 'RUNNING' ? null : (p.finished_at ?? null),
    service: serviceOf(event.project),
    releaseVersion: p.tag ? releaseVersionOf(p.ref) : null,
    origin: { connector: connectorId, entity: 'pipeline', sourceId: String(p.id), originalStatus: p.status },
  };
}

/** The parts of GitLab's deployment event (`Deployment Hook`) the release graph uses. */
const deploymentPayload = z.object({
  status: z.string(),
  status_changed_at: gitlabTime.nullish(),
  deployment_id: z.number().int(),
  environment: z.string(),
  project,
  short_sha: z.string(),
  // Sent by GitLab (`Gitlab::DataBuilder::Deployment`), though the documented example omits it.
  ref: z.string().nullish(),
  commit_url: z.string().nullish(),
  user: z.object({ username: z.string() }).nullish(),
});
export type GitlabDeployment = z.infer<typeof deploymentPayload>;

/** A deployment's status; null for one GitLab has not documented. */
export function deploymentStatusOfGitlab(status: string): DeploymentStatus | null {
  switch (status) {
    case 'created':
    case 'blocked': // waits for an approval
      return 'PENDING';
    case 'running':
      return 'IN_PROGRESS';
    case 'success':
      return 'SUCCEEDED';
    case 'failed':
      return 'FAILED';
    case 'canceled':
    case 'skipped':
      return 'CANCELLED';
    default:
      return null;
  }
}

/**
 * Converts a deployment event to a deployment (pure); null when its status is unknown. The version
 * is the ref's release version when the ref is a version tag, else the commit (the full sha of
 * `commit_url`, else `short_sha`). Each event carries one time, `status_changed_at`: it is the start
 * of a running deployment and the end of a finished one, so the other stays null.
 */
export function convertGitlabDeployment(connectorId: string, event: GitlabDeployment): DeploymentRecord | null {
  const status = deploymentStatusOfGitlab(event.status);
  if (!status) return null;
  const releaseVersion = releaseVersionOf(event.ref);
  const sha = /\/commit\/([0-9a-f]{40,64})$/.exec(event.commit_url ?? '')?.[1] ?? event.short_sha;
  const changedAt = event.status_changed_at ?? null;
  return {
    id: recordId(connectorId, 'deployment', String(event.deployment_id)),
    service: serviceOf(event.project),
    environment: event.environment,
    version: releaseVersion ?? sha,
    status,
    startedAt: status === 'IN_PROGRESS' ? changedAt : null,
    finishedAt: status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED' ? changedAt : null,
    deployer: event.user?.username ?? null,
    artifactDigest: null,
    releaseVersion,
    origin: { connector: connectorId, entity: 'deployment', sourceId: String(event.deployment_id), originalStatus: event.status },
  };
}

/** The events the connector converts, by `object_kind`. */
const EVENT_HANDLERS = new Map<string, EventHandler>([
  [
    'push',
    eventHandler(pushPayload, (id, push) =>
      push.after && NO_COMMIT.test(push.after) ? { ignored: 'a deleted branch' } : { records: records({ commits: convertGitlabPush(id, push) }) },
    ),
  ],
  [
    'tag_push',
    eventHandler(tagPushPayload, (id, push) => {
      const tag = convertGitlabTagPush(id, push);
      return tag ? { records: records({ tags: [tag] }) } : { ignored: 'a deleted tag' };
    }),
  ],
  [
    'pipeline',
    eventHandler(pipelinePayload, (id, event) => {
      const run = convertGitlabPipeline(id, event);
      return run ? { records: records({ pipelineRuns: [run] }) } : { ignored: `unknown pipeline status ${event.object_attributes.status}` };
    }),
  ],
  [
    'deployment',
    eventHandler(deploymentPayload, (id, event) => {
      const deployment = convertGitlabDeployment(id, event);
      return deployment ? { records: records({ deployments: [deployment] }) } : { ignored: `unknown deployment status ${event.status}` };
    }),
  ],
]);

/** `X-Gitlab-Event` values of the handled events, for a body without `object_kind`. */
const KIND_OF_HEADER = new Map([
  ['Push Hook', 'push'],
  ['Tag Push Hook', 'tag_push'],
  ['Pipeline Hook', 'pipeline'],
  ['Deployment Hook', 'deployment'],
]);

const objectKind = z.object({ object_kind: z.string() });

/** The event a body is: its `object_kind`, else the `X-Gitlab-Event` header's. */
function gitlabEventOf(headers: WebhookRequest['headers'], body: unknown): { kind: string; header: string } {
  const header = headers['x-gitlab-event'] ?? '';
  return { kind: objectKind.safeParse(body).data?.object_kind ?? KIND_OF_HEADER.get(header) ?? '', header };
}

function receiveGitlabWebhook(config: GitlabConfig, { headers, rawBody }: WebhookRequest): WebhookReceipt {
  const token = headers['x-gitlab-token'];
  if (!token || !constantTimeEqual(token, config.webhookSecret)) {
    return { kind: 'unauthorized', reason: 'X-Gitlab-Token is missing or is not the secret token' };
  }
  // Idempotency-Key (GitLab 17.4+) is the same on every retry of one event; X-Gitlab-Event-UUID is
  // shared by recursive hooks, so it comes second; a content hash where neither arrived.
  const deliveryId = headers['idempotency-key'] ?? headers['x-gitlab-event-uuid'] ?? 'sha256:' + crypto.createHash('sha256').update(rawBody).digest('hex');
  const body = parseJson(rawBody);
  if (body === NOT_JSON) return { kind: 'malformed', reason: 'the body is not JSON' };
  const { kind, header } = gitlabEventOf(headers, body);
  const handle = EVENT_HANDLERS.get(kind);
  if (!handle) return { kind: 'ignored', deliveryId, reason: `event ${kind || header || '(none)'} is not handled` };
  const problem = handle.check(body);
  if (problem) return { kind: 'malformed', reason: `not a ${kind} payload: ${problem}` };
  return { kind: 'accepted', deliveryId, event: kind };
}

function convertGitlabWebhook(config: GitlabConfig, { headers, rawBody }: WebhookRequest): WebhookConversion {
  const body = parseJson(rawBody);
  if (body === NOT_JSON) return { kind: 'malformed', reason: 'the body is not JSON' };
  const { kind, header } = gitlabEventOf(headers, body);
  const handle = EVENT_HANDLERS.get(kind);
  if (!handle) return { kind: 'ignored', reason: `event ${kind || header || '(none)'} is not handled` };
  const converted = handle.convert(config.id, body);
  if ('malformed' in converted) return { kind: 'malformed', reason: `not a ${kind} payload: ${converted.malformed}` };
  if ('ignored' in converted) return { kind: 'ignored', reason: converted.ignored };
  return { kind: 'records', records: converted.records };
}

/**
 * GitLab: project or group webhooks, checked against the secret token, become commits (push),
 * tags (tag push), pipeline runs with their quality gates (pipeline) and deployments (deployment).
 */
export const gitlab: ConnectorKind<GitlabConfig> = {
  kind: 'gitlab',
  config: gitlabConfig,
  secrets: ['webhookSecret'],
  webhook: { keptHeaders: ['x-gitlab-event'], receive: receiveGitlabWebhook, convert: convertGitlabWebhook },
};
