import crypto from 'node:crypto';
import { z } from 'zod';
import { changeKeysIn } from '../kit/change-keys.js';
import { connectorId, secret } from '../kit/config.js';
import type { ConnectorKind, WebhookConversion, WebhookReceipt, WebhookRequest } from '../kit/connector.js';
import { gatesOf } from '../kit/gates.js';
import { NOT_JSON, eventHandler, parseJson, type Converted, type EventHandler } from '../kit/event-handlers.js';
import { recordId } from '../kit/ids.js';
import {
  type ArtifactRecord,
  type CommitRecord,
  type DeploymentRecord,
  type DeploymentStatus,
  type PipelineRunRecord,
  type PipelineStatus,
  type TagRecord,
  records,
} from '../kit/records.js';
import { verifyHmacSha256 } from '../kit/signatures.js';
import { releaseVersionOf } from '../kit/release-version.js';

export const githubConfig = z.object({
  id: connectorId,
  kind: z.literal('github'),
  webhookSecret: secret,
});
export type GithubConfig = z.infer<typeof githubConfig>;

/** The repository every event names: `name` is the service, `full_name` the git repository. */
const repository = z.object({ name: z.string(), full_name: z.string() });

/** The parts of GitHub's `push` event payload the release graph uses. */
const pushPayload = z.object({
  ref: z.string(),
  repository: z.object({ full_name: z.string() }),
  commits: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{40,64}$/),
      message: z.string(),
      timestamp: z.string(),
      author: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
    }),
  ),
});
export type GithubPush = z.infer<typeof pushPayload>;

/** Converts a `push` event to commit records (pure). Change keys come from each message and the branch. */
export function convertGithubPush(connectorId: string, push: GithubPush): CommitRecord[] {
  const branch = push.ref.replace(/^refs\/heads\//, '');
  return push.commits.map((c) => ({
    id: recordId(connectorId, 'commit', `${push.repository.full_name}@${c.id}`),
    sha: c.id,
    repository: push.repository.full_name,
    message: c.message,
    author: c.author?.username ?? c.author?.name ?? null,
    committedAt: new Date(c.timestamp),
    changeKeys: changeKeysIn(c.message, branch),
    origin: { connector: connectorId, entity: 'push', sourceId: c.id },
  }));
}

/** The parts of GitHub's `create` event (a branch or tag was created) the release graph uses. */
const createPayload = z.object({
  ref: z.string(),
  ref_type: z.string(),
  repository,
});
export type GithubCreate = z.infer<typeof createPayload>;

/**
 * Converts a `create` event to a tag record (pure); null for a created branch. The event names no
 * commit, so `commitSha` is null (the `push` GitHub sends for the same tag carries it).
 */
export function convertGithubCreate(connectorId: string, create: GithubCreate): TagRecord | null {
  if (create.ref_type !== 'tag') return null;
  const key = `${create.repository.full_name}@${create.ref}`;
  return {
    id: recordId(connectorId, 'tag', key),
    name: create.ref,
    repository: create.repository.full_name,
    commitSha: null,
    releaseVersion: releaseVersionOf(create.ref),
    origin: { connector: connectorId, entity: 'create', sourceId: key },
  };
}

/** The parts of GitHub's `workflow_run` event the release graph uses. */
const workflowRunPayload = z.object({
  workflow_run: z.object({
    id: z.number().int(),
    name: z.string().nullish(),
    status: z.string().nullish(),
    conclusion: z.string().nullish(),
    head_sha: z.string(),
    head_branch: z.string().nullish(),
    html_url: z.string().nullish(),
    created_at: z.string(),
    // Absent from payloads older than 2021; created_at stands in.
    run_started_at: z.string().nullish(),
    updated_at: z.string(),
  }),
  workflow: z.object({ name: z.string() }).nullish(),
  repository,
});
export type GithubWorkflowRun = z.infer<typeof workflowRunPayload>;

/**
 * A workflow run's status from its `status` and, once completed, its `conclusion`; null for a status
 * GitHub has not documented. A completed run counts as succeeded only on `success` or `neutral`:
 * `cancelled`, `skipped` and `stale` are cancelled, anything else (`failure`, `timed_out`,
 * `action_required`, `startup_failure`, none) failed.
 */
export function pipelineStatusOfWorkflowRun(status: string | null | undefined, conclusion: string | null | undefined): PipelineStatus | null {
  switch (status) {
    case 'requested':
    case 'queued':
    case 'waiting':
    case 'pending':
      return 'QUEUED';
    case 'in_progress':
      return 'RUNNING';
    case 'completed':
      if (conclusion === 'success' || conclusion === 'neutral') return 'SUCCEEDED';
      if (conclusion === 'cancelled' || conclusion === 'skipped' || conclusion === 'stale') return 'CANCELLED';
      return 'FAILED';
    default:
      return null;
  }
}

/**
 * Converts a `workflow_run` event to a pipeline run (pure); null when its status is unknown.
 *
 * The payload lists no jobs, so the only gate it can show is the workflow itself: a workflow named
 * like a quality gate (`Tests`, `Lint`, `Security scan`) is one, with the run's conclusion as result.
 * Per-job gates would need the `workflow_job` event or the jobs API.
 */
export function convertGithubWorkflowRun(connectorId: string, event: GithubWorkflowRun): PipelineRunRecord | null {
  const run = event.workflow_run;
  const status = pipelineStatusOfWorkflowRun(run.status, run.conclusion);
  if (!status) return null;
  const name = run.name || event.workflow?.name || `workflow run ${run.id}`;
  const finished = status !== 'QUEUED' && status !== 'RUNNING';
  return {
    id: recordId(connectorId, 'pipeline_run', String(run.id)),
    provider: 'github',
    externalId: String(run.id),
    name,
    status,
    commitSha: run.head_sha,
    ref: run.head_branch ?? null,
    url: run.html_url ?? null,
    gates: gatesOf([{ name, result: finished ? run.conclusion : null }]),
    startedAt: new Date(run.run_started_at ?? run.created_at),
    finishedAt: finished ? new Date(run.updated_at) : null,
    service: event.repository.name,
    releaseVersion: releaseVersionOf(run.head_branch),
    origin: {
      connector: connectorId,
      entity: 'workflow_run',
      sourceId: String(run.id),
      originalStatus: run.conclusion ? `${run.status}/${run.conclusion}` : (run.status ?? undefined),
    },
  };
}

/** A deployment as both `deployment` and `deployment_status` events carry it. */
const deployment = z.object({
  id: z.number().int(),
  sha: z.string(),
  ref: z.string(),
  environment: z.string(),
  // The custom payload given when the deployment was created: an object, or JSON text.
  payload: z.unknown().optional(),
  creator: z.object({ login: z.string() }).nullish(),
  created_at: z.string(),
});

/** The parts of GitHub's `deployment` event the release graph uses. */
const deploymentPayload = z.object({ deployment, repository });
export type GithubDeployment = z.infer<typeof deploymentPayload>;

/** The parts of GitHub's `deployment_status` event the release graph uses. */
const deploymentStatusPayload = z.object({
  deployment_status: z.object({
    id: z.number().int(),
    state: z.string(),
    created_at: z.string(),
    updated_at: z.string().nullish(),
  }),
  deployment,
  repository,
});
export type GithubDeploymentStatus = z.infer<typeof deploymentStatusPayload>;

const customPayload = z.object({ service: z.string().trim().min(1) });
const SHA256_DIGEST = /sha256:[0-9a-f]{64}/;

/**
 * The image digest a deployment's custom payload names, if any: `{"digest": "sha256:..."}` or an
 * image reference pinned by digest (`{"image": "ghcr.io/acme/payments@sha256:..."}`).
 */
function digestNamedIn(payload: unknown): string | null {
  let value = payload;
  if (typeof payload === 'string') {
    try {
      value = JSON.parse(payload);
    } catch {
      return null;
    }
  }
  if (!value || typeof value !== 'object') return null;
  for (const key of ['digest', 'image_digest', 'image']) {
    const field = (value as Record<string, unknown>)[key];
    const match = typeof field === 'string' ? SHA256_DIGEST.exec(field) : null;
    if (match) return match[0];
  }
  return null;
}

/** The `service` a deployment's custom payload names (`{"service": "payments-api"}`), if any. */
function serviceNamedIn(payload: unknown): string | null {
  let value = payload;
  if (typeof payload === 'string') {
    try {
      value = JSON.parse(payload);
    } catch {
      return null;
    }
  }
  const parsed = customPayload.safeParse(value);
  return parsed.success ? parsed.data.service : null;
}

/**
 * The deployment record of both events. Its id comes from the deployment's id alone, so the
 * `deployment` event and every later `deployment_status` land on the same row.
 */
function deploymentRecord(
  connectorId: string,
  event: GithubDeployment,
  entity: string,
  status: DeploymentStatus,
  finishedAt: Date | null,
  originalStatus?: string,
): DeploymentRecord {
  const d = event.deployment;
  const releaseVersion = releaseVersionOf(d.ref);
  return {
    id: recordId(connectorId, 'deployment', String(d.id)),
    service: serviceNamedIn(d.payload) ?? event.repository.name,
    environment: d.environment,
    version: releaseVersion ?? d.sha,
    status,
    startedAt: new Date(d.created_at),
    finishedAt,
    deployer: d.creator?.login ?? null,
    artifactDigest: digestNamedIn(d.payload),
    releaseVersion,
    origin: { connector: connectorId, entity, sourceId: String(d.id), ...(originalStatus ? { originalStatus } : {}) },
  };
}

/**
 * Converts a `deployment` event (a deployment was requested) to a PENDING deployment (pure). The
 * service is the custom payload's `service`, else the repository name; the version is the ref's
 * release version when the ref is a version tag, else the deployed sha.
 */
export function convertGithubDeployment(connectorId: string, event: GithubDeployment): DeploymentRecord {
  return deploymentRecord(connectorId, event, 'deployment', 'PENDING', null);
}

/**
 * A deployment status from a `deployment_status` state; null for `inactive` (GitHub marks an older
 * successful deployment inactive when a newer one to the same environment succeeds: the deployment
 * did succeed, and its row keeps SUCCEEDED) and for states GitHub has not documented.
 */
export function deploymentStatusOfGithubState(state: string): DeploymentStatus | null {
  switch (state) {
    case 'queued':
    case 'pending':
      return 'PENDING';
    case 'in_progress':
      return 'IN_PROGRESS';
    case 'success':
      return 'SUCCEEDED';
    case 'failure':
    case 'error':
      return 'FAILED';
    default:
      return null;
  }
}

/** Converts a `deployment_status` event to the deployment's new state (pure); null when the state changes nothing. */
export function convertGithubDeploymentStatus(connectorId: string, event: GithubDeploymentStatus): DeploymentRecord | null {
  const s = event.deployment_status;
  const status = deploymentStatusOfGithubState(s.state);
  if (!status) return null;
  const terminal = status === 'SUCCEEDED' || status === 'FAILED';
  return deploymentRecord(connectorId, event, 'deployment_status', status, terminal ? new Date(s.updated_at ?? s.created_at) : null, s.state);
}

/** The parts of a published package version (`registry_package` and `package` events) the graph uses. */
const packageVersion = z.object({
  id: z.number(),
  version: z.string(),
  tag_name: z.string().nullish(),
  container_metadata: z.object({ tag: z.object({ name: z.string().nullish(), digest: z.string().nullish() }).nullish() }).nullish(),
  package_files: z.array(z.object({ sha256: z.string().nullish() })).nullish(),
});
const publishedPackage = z.object({ name: z.string(), namespace: z.string().nullish(), package_type: z.string(), package_version: packageVersion });
const registryPackagePayload = z.object({ action: z.string(), registry_package: publishedPackage, repository: repository.nullish() });
const packagePayload = z.object({ action: z.string(), package: publishedPackage, repository: repository.nullish() });
export type GithubPublishedPackage = z.infer<typeof publishedPackage>;

/**
 * Converts a published package version (GitHub Packages, GHCR) to an artifact identified by its
 * digest (pure): a container's manifest digest, else the first file's sha256. Null when the version
 * has no digest to identify it by.
 */
export function convertGithubPackage(connectorId: string, pkg: GithubPublishedPackage, repositoryName: string | null): ArtifactRecord | null {
  const v = pkg.package_version;
  const digest =
    v.container_metadata?.tag?.digest ??
    (SHA256_DIGEST.test(v.version) ? v.version : null) ??
    (v.package_files?.[0]?.sha256 ? `sha256:${v.package_files[0].sha256}` : null);
  if (!digest) return null;
  const version = v.container_metadata?.tag?.name || v.tag_name || v.version;
  return {
    id: recordId(connectorId, 'artifact', digest),
    name: pkg.namespace ? `${pkg.namespace}/${pkg.name}` : pkg.name,
    version,
    digest,
    service: repositoryName,
    pipelineRunId: null,
    releaseVersion: releaseVersionOf(version),
    origin: { connector: connectorId, entity: `${pkg.package_type.toLowerCase()}_package`, sourceId: String(v.id) },
  };
}

function packageConverted(connectorId: string, action: string, pkg: GithubPublishedPackage, repo: { name: string } | null | undefined): Converted {
  if (action !== 'published') return { ignored: `package ${action}` };
  const artifact = convertGithubPackage(connectorId, pkg, repo?.name ?? null);
  return artifact ? { records: records({ artifacts: [artifact] }) } : { ignored: 'the package version has no digest' };
}

/** The events the connector converts, by `X-GitHub-Event`. */
const EVENT_HANDLERS = new Map<string, EventHandler>([
  ['push', eventHandler(pushPayload, (id, push) => ({ records: records({ commits: convertGithubPush(id, push) }) }))],
  [
    'create',
    eventHandler(createPayload, (id, create) => {
      const tag = convertGithubCreate(id, create);
      return tag ? { records: records({ tags: [tag] }) } : { ignored: `a created ${create.ref_type} is no tag` };
    }),
  ],
  [
    'workflow_run',
    eventHandler(workflowRunPayload, (id, event) => {
      const run = convertGithubWorkflowRun(id, event);
      return run ? { records: records({ pipelineRuns: [run] }) } : { ignored: `unknown workflow run status ${event.workflow_run.status}` };
    }),
  ],
  ['deployment', eventHandler(deploymentPayload, (id, event) => ({ records: records({ deployments: [convertGithubDeployment(id, event)] }) }))],
  ['registry_package', eventHandler(registryPackagePayload, (id, e) => packageConverted(id, e.action, e.registry_package, e.repository))],
  ['package', eventHandler(packagePayload, (id, e) => packageConverted(id, e.action, e.package, e.repository))],
  [
    'deployment_status',
    eventHandler(deploymentStatusPayload, (id, event) => {
      const d = convertGithubDeploymentStatus(id, event);
      return d ? { records: records({ deployments: [d] }) } : { ignored: `deployment state ${event.deployment_status.state} changes nothing` };
    }),
  ],
]);

function receiveGithubWebhook(config: GithubConfig, { headers, rawBody }: WebhookRequest): WebhookReceipt {
  if (!verifyHmacSha256(config.webhookSecret, rawBody, headers['x-hub-signature-256'])) {
    return { kind: 'unauthorized', reason: 'X-Hub-Signature-256 is missing or does not match the body' };
  }
  // GitHub's delivery GUID; a content hash where a proxy dropped it.
  const deliveryId = headers['x-github-delivery'] ?? 'sha256:' + crypto.createHash('sha256').update(rawBody).digest('hex');
  const event = headers['x-github-event'] ?? '';
  const body = parseJson(rawBody);
  if (body === NOT_JSON) return { kind: 'malformed', reason: 'the body is not JSON' };
  if (event === 'ping') return { kind: 'ignored', deliveryId, reason: 'ping' };
  const handle = EVENT_HANDLERS.get(event);
  if (!handle) return { kind: 'ignored', deliveryId, reason: `event ${event || '(none)'} is not handled` };
  const problem = handle.check(body);
  if (problem) return { kind: 'malformed', reason: `not a ${event} payload: ${problem}` };
  return { kind: 'accepted', deliveryId, event };
}

function convertGithubWebhook(config: GithubConfig, { headers, rawBody }: WebhookRequest): WebhookConversion {
  const event = headers['x-github-event'] ?? '';
  const handle = EVENT_HANDLERS.get(event);
  if (!handle) return { kind: 'ignored', reason: `event ${event || '(none)'} is not handled` };
  const body = parseJson(rawBody);
  if (body === NOT_JSON) return { kind: 'malformed', reason: 'the body is not JSON' };
  const converted = handle.convert(config.id, body);
  if ('malformed' in converted) return { kind: 'malformed', reason: `not a ${event} payload: ${converted.malformed}` };
  if ('ignored' in converted) return { kind: 'ignored', reason: converted.ignored };
  return { kind: 'records', records: converted.records };
}

/**
 * GitHub: signed webhooks become commits (`push`), tags (`create`), pipeline runs (`workflow_run`)
 * deployments (`deployment`, `deployment_status`) and artifacts (`registry_package`, `package`).
 */
export const github: ConnectorKind<GithubConfig> = {
  kind: 'github',
  config: githubConfig,
  secrets: ['webhookSecret'],
  webhook: { keptHeaders: ['x-github-event'], receive: receiveGithubWebhook, convert: convertGithubWebhook },
};
