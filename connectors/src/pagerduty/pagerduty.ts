import crypto from 'node:crypto';
import { z } from 'zod';
import { connectorId, secret } from '../kit/config.js';
import type { ConnectorKind, WebhookConversion, WebhookReceipt, WebhookRequest } from '../kit/connector.js';
import { NOT_JSON, parseJson } from '../kit/event-handlers.js';
import { recordId } from '../kit/ids.js';
import { type IncidentRecord, type IncidentSeverity, type IncidentStatus, records } from '../kit/records.js';
import { constantTimeEqual } from '../kit/signatures.js';

export const pagerdutyConfig = z.object({
  id: connectorId,
  kind: z.literal('pagerduty'),
  /** The webhook subscription's signing secret (shown once, when the subscription is created). */
  webhookSecret: secret,
  /** PagerDuty service id or name (summary) → our service name. Unmapped services keep PagerDuty's name. */
  serviceMap: z.record(z.string(), z.string().min(1)).optional(),
});
export type PagerdutyConfig = z.infer<typeof pagerdutyConfig>;

/**
 * Checks `X-PagerDuty-Signature` (Webhooks v3): one or more comma-separated `v1=<hex HMAC-SHA256 of
 * the raw body>`, several while the subscription's secret is being rotated. Any match will do.
 */
export function verifyPagerdutySignature(secretKey: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = 'v1=' + crypto.createHmac('sha256', secretKey).update(rawBody).digest('hex');
  let matched = false;
  // Every candidate is compared (no early exit), so the time taken does not tell which one matched.
  for (const candidate of header.split(',')) {
    const signature = candidate.trim().toLowerCase();
    if (signature.startsWith('v1=') && constantTimeEqual(expected, signature)) matched = true;
  }
  return matched;
}

const isoDate = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a date');

/** The envelope of every v3 webhook: one event; `data` depends on `event_type`. */
const webhookEnvelope = z.object({
  event: z.object({
    id: z.string().min(1),
    event_type: z.string(),
    resource_type: z.string().optional(),
    occurred_at: isoDate,
    data: z.unknown(),
  }),
});

/** The `incident` data type (incident.triggered, .acknowledged, .resolved, .reopened, .priority_updated, ...). */
const incidentData = z.object({
  id: z.string().min(1),
  type: z.literal('incident'),
  number: z.number().int().optional(),
  title: z.string(),
  status: z.enum(['triggered', 'acknowledged', 'resolved']),
  urgency: z.string().nullish(),
  priority: z.object({ summary: z.string().nullish() }).nullish(),
  html_url: z.string().nullish(),
  service: z.object({ id: z.string(), summary: z.string().nullish() }).nullish(),
  created_at: isoDate,
  /** Not in PagerDuty's documented webhook payload, but in the REST incident; used when present. */
  resolved_at: isoDate.nullish(),
});
export type PagerdutyIncident = z.infer<typeof incidentData>;

/** A v3 webhook event that carries an incident. */
export interface PagerdutyIncidentEvent {
  id: string;
  event_type: string;
  occurred_at: string;
  data: PagerdutyIncident;
}

const STATUS: Record<PagerdutyIncident['status'], IncidentStatus> = { triggered: 'TRIGGERED', acknowledged: 'ACKNOWLEDGED', resolved: 'RESOLVED' };

/** P1..P4 → SEV1..SEV4; without such a priority, urgency high → SEV2, low → SEV4 (SEV3 when PagerDuty says neither). */
export function pagerdutySeverity(incident: Pick<PagerdutyIncident, 'priority' | 'urgency'>): IncidentSeverity {
  const priority = /^P([1-4])$/i.exec(incident.priority?.summary?.trim() ?? '');
  if (priority) return `SEV${priority[1]}` as IncidentSeverity;
  if (incident.urgency === 'high') return 'SEV2';
  if (incident.urgency === 'low') return 'SEV4';
  return 'SEV3';
}

/**
 * Converts an incident event to an incident record (pure). Every event of one incident carries the
 * whole incident, so each lands on the same row (id from the incident id) with its latest state.
 */
export function convertPagerdutyIncident(config: Pick<PagerdutyConfig, 'id' | 'serviceMap'>, event: PagerdutyIncidentEvent): IncidentRecord {
  const incident = event.data;
  const service = incident.service;
  // Own keys only: a service named "constructor" must not map to Object.prototype's.
  const mapped = (key: string | null | undefined) => (key && config.serviceMap && Object.hasOwn(config.serviceMap, key) ? config.serviceMap[key] : undefined);
  const serviceName = service ? (mapped(service.id) ?? mapped(service.summary) ?? service.summary ?? service.id) : null;
  let resolvedAt: Date | null = null;
  if (incident.status === 'resolved') {
    // The resolve event's own time; a later event on a resolved incident (a priority change) is not when it was resolved.
    resolvedAt = new Date(event.event_type === 'incident.resolved' ? event.occurred_at : (incident.resolved_at ?? event.occurred_at));
  }
  return {
    id: recordId(config.id, 'incident', incident.id),
    key: incident.number !== undefined ? `PD-${incident.number}` : incident.id,
    source: 'pagerduty',
    title: incident.title,
    severity: pagerdutySeverity(incident),
    status: STATUS[incident.status],
    openedAt: new Date(incident.created_at),
    resolvedAt,
    services: serviceName ? [serviceName] : [],
    url: incident.html_url ?? null,
    origin: { connector: config.id, entity: 'incident', sourceId: incident.id, originalStatus: incident.status },
  };
}

/** A v3 webhook's event with its incident, `ignored` for an event that carries none, or what keeps the body from being one. */
function parseIncidentEvent(
  rawBody: Buffer,
): { event: z.infer<typeof webhookEnvelope>['event']; incident: z.infer<typeof incidentData> } | { ignored: string; eventId: string } | { malformed: string } {
  const body = parseJson(rawBody);
  if (body === NOT_JSON) return { malformed: 'the body is not JSON' };
  const envelope = webhookEnvelope.safeParse(body);
  if (!envelope.success) return { malformed: `not a v3 webhook: ${issueText(envelope.error)}` };
  const event = envelope.data.event;
  if (!event.event_type.startsWith('incident.')) return { ignored: `event ${event.event_type} is not an incident event`, eventId: event.id };
  // incident.annotated, .responder.*, .status_update_published carry a note/responder/update, not the incident.
  const dataType = typeof event.data === 'object' && event.data !== null && 'type' in event.data ? event.data.type : undefined;
  if (dataType !== 'incident') return { ignored: `event ${event.event_type} carries ${String(dataType ?? 'no data')}, not the incident`, eventId: event.id };
  const incident = incidentData.safeParse(event.data);
  if (!incident.success) return { malformed: `not an incident: ${issueText(incident.error)}` };
  return { event, incident: incident.data };
}

function receivePagerdutyWebhook(config: PagerdutyConfig, { headers, rawBody }: WebhookRequest): WebhookReceipt {
  if (!verifyPagerdutySignature(config.webhookSecret, rawBody, headers['x-pagerduty-signature'])) {
    return { kind: 'unauthorized', reason: 'X-PagerDuty-Signature is missing or no v1 signature matches the body' };
  }
  const parsed = parseIncidentEvent(rawBody);
  if ('malformed' in parsed) return { kind: 'malformed', reason: parsed.malformed };
  if ('ignored' in parsed) return { kind: 'ignored', deliveryId: parsed.eventId, reason: parsed.ignored };
  return { kind: 'accepted', deliveryId: parsed.event.id, event: parsed.event.event_type };
}

function convertPagerdutyWebhook(config: PagerdutyConfig, { rawBody }: WebhookRequest): WebhookConversion {
  const parsed = parseIncidentEvent(rawBody);
  if ('malformed' in parsed) return { kind: 'malformed', reason: parsed.malformed };
  if ('ignored' in parsed) return { kind: 'ignored', reason: parsed.ignored };
  const { event, incident } = parsed;
  const record = convertPagerdutyIncident(config, { id: event.id, event_type: event.event_type, occurred_at: event.occurred_at, data: incident });
  return { kind: 'records', records: records({ incidents: [record] }) };
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(body)'} ${issue.message}` : 'invalid';
}

/** PagerDuty: signed Webhooks v3 `incident.*` events become incidents (one row per incident). */
export const pagerduty: ConnectorKind<PagerdutyConfig> = {
  kind: 'pagerduty',
  config: pagerdutyConfig,
  secrets: ['webhookSecret'],
  webhook: { keptHeaders: [], receive: receivePagerdutyWebhook, convert: convertPagerdutyWebhook },
};
