import crypto from 'node:crypto';
import { z } from 'zod';
import { changeKeysIn } from '../kit/change-keys.js';
import { connectorId, secret } from '../kit/config.js';
import type { ConnectorKind, WebhookOutcome, WebhookRequest } from '../kit/connector.js';
import { recordId } from '../kit/ids.js';
import { type CommitRecord, records } from '../kit/records.js';
import { verifyHmacSha256 } from '../kit/signatures.js';

export const githubConfig = z.object({
  id: connectorId,
  kind: z.literal('github'),
  webhookSecret: secret,
});
export type GithubConfig = z.infer<typeof githubConfig>;

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

function handleGithubWebhook(config: GithubConfig, { headers, rawBody }: WebhookRequest): WebhookOutcome {
  if (!verifyHmacSha256(config.webhookSecret, rawBody, headers['x-hub-signature-256'])) {
    return { kind: 'unauthorized', reason: 'X-Hub-Signature-256 is missing or does not match the body' };
  }
  // GitHub's delivery GUID; a content hash where a proxy dropped it.
  const deliveryId = headers['x-github-delivery'] ?? 'sha256:' + crypto.createHash('sha256').update(rawBody).digest('hex');
  const event = headers['x-github-event'] ?? '';
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { kind: 'malformed', reason: 'the body is not JSON' };
  }
  if (event === 'ping') return { kind: 'ignored', deliveryId, reason: 'ping' };
  if (event !== 'push') return { kind: 'ignored', deliveryId, reason: `event ${event || '(none)'} is not handled yet` };
  const push = pushPayload.safeParse(body);
  if (!push.success) return { kind: 'malformed', reason: `not a push payload: ${push.error.issues[0]?.path.join('.')} ${push.error.issues[0]?.message}` };
  return { kind: 'records', deliveryId, event, records: records({ commits: convertGithubPush(config.id, push.data) }) };
}

/** GitHub: signed `push` webhooks become commits (workflow runs, deployments and tags follow). */
export const github: ConnectorKind<GithubConfig> = {
  kind: 'github',
  config: githubConfig,
  secrets: ['webhookSecret'],
  webhook: handleGithubWebhook,
};
