import crypto from 'node:crypto';

/** A release event as notifications carry it (the shape of the GraphQL ReleaseEvent). */
export interface NotifiedEvent {
  id: string;
  cursor: string;
  type: string;
  occurredAt: Date;
  actor: string;
  releaseId: string | null;
  subjectType: string;
  subjectId: string;
  payload: unknown;
}

type Payload = Record<string, unknown>;
const field = (p: unknown, name: string): string | undefined => {
  const v = p && typeof p === 'object' ? (p as Payload)[name] : undefined;
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
};

/** A title and a sentence for an event, for people reading a channel. */
export function describeEvent(e: NotifiedEvent): { title: string; text: string } {
  const p = e.payload;
  switch (e.type) {
    case 'rollback.decided':
      return field(p, 'mode') === 'AUTOMATIC'
        ? { title: 'Rolled back automatically', text: field(p, 'reason') ?? e.subjectId }
        : { title: 'Rollback recommended', text: `${field(p, 'reason') ?? e.subjectId}. Accept or dismiss it in Releasegraph.` };
    case 'rollback.accepted':
      return { title: 'Rollback accepted', text: `${field(p, 'decidedBy') ?? e.actor} accepted: ${field(p, 'reason') ?? e.subjectId}` };
    case 'rollback.dismissed':
      return { title: 'Rollback dismissed', text: `${field(p, 'decidedBy') ?? e.actor} dismissed: ${field(p, 'reason') ?? e.subjectId}` };
    case 'verdict.changed':
      return {
        title: `Verdict ${field(p, 'outcome') ?? ''}`.trim(),
        text: `${field(p, 'metric') ?? 'a criterion'} on ${e.subjectId}: ${field(p, 'observed') ?? 'n/a'}`,
      };
    case 'connector.status_changed':
      return { title: `Connector ${e.subjectId} is ${field(p, 'to') ?? 'changed'}`, text: field(p, 'error') ?? `${e.subjectId} is ${field(p, 'to')}` };
    default:
      return { title: e.type, text: `${e.subjectType} ${e.subjectId}` };
  }
}

const facts = (e: NotifiedEvent) => [
  { title: 'Event', value: e.type },
  { title: 'Subject', value: `${e.subjectType} ${e.subjectId}` },
  ...(e.releaseId ? [{ title: 'Release', value: e.releaseId }] : []),
  { title: 'At', value: e.occurredAt.toISOString() },
];

/** Slack incoming webhook: `text` (notifications, fallbacks) and Block Kit blocks. */
export function slackMessage(e: NotifiedEvent): object {
  const { title, text } = describeEvent(e);
  return {
    text: `${title}: ${text}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: facts(e)
              .map((f) => `*${f.title}:* ${f.value}`)
              .join('  ·  '),
          },
        ],
      },
    ],
  };
}

/** Microsoft Teams (incoming webhook / Workflows): a message with one Adaptive Card. */
export function teamsMessage(e: NotifiedEvent): object {
  const { title, text } = describeEvent(e);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text, wrap: true },
            { type: 'FactSet', facts: facts(e) },
          ],
        },
      },
    ],
  };
}

/** The body of a generic webhook: the event as the GraphQL API shows it. */
export function webhookBody(e: NotifiedEvent): object {
  return {
    cursor: e.cursor,
    type: e.type,
    occurredAt: e.occurredAt.toISOString(),
    actor: e.actor,
    releaseId: e.releaseId,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    payload: e.payload,
  };
}

/**
 * Signs a generic webhook: `X-Releasegraph-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`
 * with `X-Releasegraph-Timestamp` (unix seconds), so a receiver can refuse a replayed delivery.
 */
export function signWebhook(secret: string, body: string, timestamp: number): Record<string, string> {
  const signature = crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { 'x-releasegraph-timestamp': String(timestamp), 'x-releasegraph-signature': `sha256=${signature}` };
}
