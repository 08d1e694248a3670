import crypto from 'node:crypto';
import { z } from 'zod';
import { connectorId, secret } from '../kit/config.js';
import type { ConnectorKind, WebhookConversion, WebhookReceipt, WebhookRequest } from '../kit/connector.js';
import { NOT_JSON, parseJson } from '../kit/event-handlers.js';
import { gatesOf } from '../kit/gates.js';
import { recordId } from '../kit/ids.js';
import { type PipelineRunRecord, type PipelineStatus, records } from '../kit/records.js';
import { constantTimeEqual } from '../kit/signatures.js';
import { releaseVersionOf } from '../kit/release-version.js';

export const jenkinsConfig = z.object({
  id: connectorId,
  kind: z.literal('jenkins'),
  /**
   * Shared secret: Jenkins signs nothing. The Notification plugin sends it as the password of
   * `https://releasegraph:<secret>@host/hooks/<id>` (Basic auth); other senders as
   * `Authorization: Bearer <secret>` or `X-Releasegraph-Token: <secret>`.
   */
  webhookSecret: secret,
  /** Service of each job, by full job name (`payments/main`) or job name; default: the repository of the job's SCM url. */
  serviceFromJob: z.record(z.string(), z.string().min(1)).default({}),
});
export type JenkinsConfig = z.infer<typeof jenkinsConfig>;

/** A time as the plugin sends it: epoch milliseconds (current versions) or text (old ones). */
const jenkinsTime = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a time`, input: value });
    return z.NEVER;
  }
  return at;
});

/**
 * The parts of a Jenkins Notification plugin JSON message the release graph uses. `build.stages`
 * is no part of the plugin's format: setups that post their own message may add it, and it is the
 * only source of gates.
 */
const notificationPayload = z.object({
  name: z.string().min(1),
  // The job's path below Jenkins' root: `job/payments/` or, in folders, `job/payments/job/main/`.
  url: z.string().nullish(),
  build: z.object({
    full_url: z.string().nullish(),
    number: z.number().int(),
    phase: z.string(),
    // Absent until the build has a result.
    status: z.string().nullish(),
    // When this phase happened (QUEUED: entered the queue; STARTED: started; COMPLETED: ended).
    timestamp: jenkinsTime.nullish(),
    // Milliseconds the build ran, once it ended.
    duration: z.number().nullish(),
    scm: z.object({ url: z.string().nullish(), branch: z.string().nullish(), commit: z.string().nullish() }).nullish(),
    stages: z.array(z.object({ name: z.string(), status: z.string().nullish() })).nullish(),
  }),
});
export type JenkinsNotification = z.infer<typeof notificationPayload>;

/**
 * A build's status from the phase and, once completed, the result; null for a phase or result the
 * plugin has not documented. UNSTABLE (tests failed, the build went on) counts as failed.
 */
export function pipelineStatusOfJenkins(phase: string, result: string | null | undefined): PipelineStatus | null {
  switch (phase) {
    case 'QUEUED':
      return 'QUEUED';
    case 'STARTED':
      return 'RUNNING';
    case 'COMPLETED':
    case 'FINALIZED':
      switch (result) {
        case 'SUCCESS':
          return 'SUCCEEDED';
        case 'FAILURE':
        case 'UNSTABLE':
          return 'FAILED';
        case 'ABORTED':
        case 'NOT_BUILT':
          return 'CANCELLED';
        default:
          return null;
      }
    default:
      return null;
  }
}

/**
 * The job's full name (`payments/main`) from its url (`job/payments/job/main/`), so jobs of the same
 * name in different folders (every multibranch project has a `main`) stay apart; the plain name
 * when the url says nothing.
 */
export function jenkinsJobName(event: Pick<JenkinsNotification, 'name' | 'url'>): string {
  const segments = (event.url ?? '').split('/').filter(Boolean);
  if (!segments.length || segments.length % 2 !== 0) return event.name;
  const names: string[] = [];
  for (let i = 0; i < segments.length; i += 2) {
    if (segments[i] !== 'job') return event.name;
    try {
      names.push(decodeURIComponent(segments[i + 1]!));
    } catch {
      return event.name;
    }
  }
  return names.join('/');
}

/** The repository name an SCM url ends in: `https://host/acme/payments.git`, `git@host:acme/payments.git` → `payments`. */
const repositoryNameOf = (url: string | null | undefined) => /([^/:]+?)(?:\.git)?\/*$/.exec(url ?? '')?.[1] ?? null;

/** A branch as the git plugin reports it (`origin/main`, `refs/remotes/origin/main`), without the remote. */
const branchOf = (branch: string | null | undefined) => (branch ? branch.replace(/^(refs\/remotes\/origin\/|refs\/heads\/|origin\/)/, '') : null);

const own = (map: Record<string, string>, key: string) => (Object.hasOwn(map, key) ? map[key] : undefined);

/**
 * Converts one notification to the build's pipeline run (pure); null when the phase or result is
 * unknown. The run's id is `<full job name>#<number>`, so every phase of a build lands on one row.
 * Times: STARTED gives the start; COMPLETED/FINALIZED the end, and the start as end − duration
 * (FINALIZED's timestamp is when Jenkins finalized, a little after the end).
 */
export function convertJenkinsNotification(config: Pick<JenkinsConfig, 'id' | 'serviceFromJob'>, event: JenkinsNotification): PipelineRunRecord | null {
  const build = event.build;
  const status = pipelineStatusOfJenkins(build.phase, build.status);
  if (!status) return null;
  const job = jenkinsJobName(event);
  const externalId = `${job}#${build.number}`;
  const finished = status !== 'QUEUED' && status !== 'RUNNING';
  const at = build.timestamp ?? null;
  const ref = branchOf(build.scm?.branch);
  return {
    id: recordId(config.id, 'pipeline_run', externalId),
    provider: 'jenkins',
    externalId,
    name: job,
    status,
    commitSha: build.scm?.commit ?? null,
    ref,
    url: build.full_url ?? null,
    gates: gatesOf((build.stages ?? []).map((s) => ({ name: s.name, result: s.status === 'NOT_EXECUTED' ? 'skipped' : s.status }))),
    startedAt: status === 'RUNNING' ? at : finished && at && build.duration != null ? new Date(at.getTime() - build.duration) : null,
    finishedAt: finished ? at : null,
    service: own(config.serviceFromJob, job) ?? own(config.serviceFromJob, event.name) ?? repositoryNameOf(build.scm?.url),
    releaseVersion: releaseVersionOf(ref?.replace(/^tags\//, '')),
    origin: {
      connector: config.id,
      entity: 'build',
      sourceId: externalId,
      originalStatus: build.status ? `${build.phase}/${build.status}` : build.phase,
    },
  };
}

/** The secrets a request presents: a Bearer token, a Basic password, an X-Releasegraph-Token. */
function presentedSecrets(headers: WebhookRequest['headers']): string[] {
  const presented: string[] = [];
  const auth = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(headers['authorization'] ?? '');
  if (auth?.[1]!.toLowerCase() === 'bearer') presented.push(auth[2]!);
  if (auth?.[1]!.toLowerCase() === 'basic') {
    const userAndPassword = Buffer.from(auth[2]!, 'base64').toString('utf8');
    const colon = userAndPassword.indexOf(':');
    if (colon >= 0) presented.push(userAndPassword.slice(colon + 1));
  }
  const token = headers['x-releasegraph-token'];
  if (token) presented.push(token);
  return presented;
}

/** A Notification plugin message, or what keeps the body from being one. */
function parseNotification(rawBody: Buffer): { notification: z.infer<typeof notificationPayload> } | { malformed: string } {
  const body = parseJson(rawBody);
  if (body === NOT_JSON) return { malformed: 'the body is not JSON (set the notification format to JSON)' };
  const parsed = notificationPayload.safeParse(body);
  if (parsed.success) return { notification: parsed.data };
  const issue = parsed.error.issues[0];
  return { malformed: `not a Notification plugin message: ${issue?.path.join('.')} ${issue?.message}` };
}

function receiveJenkinsWebhook(config: JenkinsConfig, { headers, rawBody }: WebhookRequest): WebhookReceipt {
  if (!presentedSecrets(headers).some((presented) => constantTimeEqual(presented, config.webhookSecret))) {
    return { kind: 'unauthorized', reason: 'no Authorization (Bearer or Basic) or X-Releasegraph-Token carries the shared secret' };
  }
  // Jenkins sends no delivery id; each phase of a build has a different body, a resend the same.
  const deliveryId = 'sha256:' + crypto.createHash('sha256').update(rawBody).digest('hex');
  const parsed = parseNotification(rawBody);
  if ('malformed' in parsed) return { kind: 'malformed', reason: parsed.malformed };
  return { kind: 'accepted', deliveryId, event: `build.${parsed.notification.build.phase.toLowerCase()}` };
}

function convertJenkinsWebhook(config: JenkinsConfig, { rawBody }: WebhookRequest): WebhookConversion {
  const parsed = parseNotification(rawBody);
  if ('malformed' in parsed) return { kind: 'malformed', reason: parsed.malformed };
  const build = parsed.notification.build;
  const run = convertJenkinsNotification(config, parsed.notification);
  if (!run) return { kind: 'ignored', reason: `phase ${build.phase} with result ${build.status ?? '(none)'} is not handled` };
  return { kind: 'records', records: records({ pipelineRuns: [run] }) };
}

/**
 * Jenkins: Notification plugin messages (JSON, every phase) become pipeline runs, keyed by job and
 * build number; gates come from an optional `build.stages` list.
 */
export const jenkins: ConnectorKind<JenkinsConfig> = {
  kind: 'jenkins',
  config: jenkinsConfig,
  secrets: ['webhookSecret'],
  // The body says everything; the credentials Jenkins sends (Authorization, X-Releasegraph-Token) are not kept.
  webhook: { keptHeaders: [], receive: receiveJenkinsWebhook, convert: convertJenkinsWebhook },
};
