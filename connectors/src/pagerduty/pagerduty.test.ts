import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handleWebhook, type WebhookOutcome } from '../kit/connector.js';
import { type IncidentRecord, records } from '../kit/records.js';
import { pagerduty, type PagerdutyConfig } from './pagerduty.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name));
const config: PagerdutyConfig = pagerduty.config.parse({
  id: 'pagerduty',
  kind: 'pagerduty',
  webhookSecret: 'pd-subscription-secret-new',
  serviceMap: { 'Payments API': 'payments', PCHK0UT: 'checkout' },
});
const sign = (body: Buffer, secret = config.webhookSecret) => 'v1=' + crypto.createHmac('sha256', secret).update(body).digest('hex');
const deliver = (body: Buffer, signature: string | undefined, cfg: PagerdutyConfig = config) =>
  handleWebhook(pagerduty.webhook!, cfg, { rawBody: body, headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signature } });
const deliverSigned = (name: string) => {
  const body = fixture(name);
  return deliver(body, sign(body));
};
const incidentOf = (outcome: WebhookOutcome): IncidentRecord => {
  if (outcome.kind !== 'records') throw new Error(`expected records, got ${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  expect(outcome.records.incidents).toHaveLength(1);
  return outcome.records.incidents[0]!;
};

describe('PagerDuty webhook signature', () => {
  const body = fixture('incident-triggered-high-urgency.json');

  it('refuses a wrong, missing, unversioned or tampered signature before parsing anything', () => {
    expect(deliver(body, sign(body, 'someone-elses-secret'))).toEqual({ kind: 'unauthorized', reason: expect.stringContaining('X-PagerDuty-Signature') });
    expect(deliver(body, undefined).kind).toBe('unauthorized');
    expect(deliver(body, '').kind).toBe('unauthorized');
    expect(deliver(body, sign(body).replace('v1=', 'v0=')).kind).toBe('unauthorized');
    expect(deliver(body, sign(body).slice('v1='.length)).kind).toBe('unauthorized');
    const tampered = Buffer.from(body.toString().replace('above 5%', 'above 50%'));
    expect(deliver(tampered, sign(body)).kind).toBe('unauthorized');
    // Not JSON, but signed: verified first, then refused as malformed (never unauthorized, never thrown).
    const garbage = Buffer.from('{"event": ');
    expect(deliver(garbage, sign(garbage)).kind).toBe('malformed');
    expect(deliver(garbage, 'v1=00').kind).toBe('unauthorized');
  });

  it('accepts a delivery signed with both secrets while the subscription secret is rotated, whichever one we hold', () => {
    const rotating = `${sign(body, 'pd-subscription-secret-old')},${sign(body, 'pd-subscription-secret-new')}`;
    expect(deliver(body, rotating).kind).toBe('records');
    expect(deliver(body, rotating, { ...config, webhookSecret: 'pd-subscription-secret-old' }).kind).toBe('records');
    expect(deliver(body, `${sign(body, 'pd-subscription-secret-old')}, ${sign(body).toUpperCase().replace('V1=', 'v1=')}`).kind).toBe('records');
    expect(deliver(body, rotating, { ...config, webhookSecret: 'a-third-secret' }).kind).toBe('unauthorized');
  });
});

describe('PagerDuty incident events', () => {
  it('turns incident.triggered into a triggered incident keyed by number, with the mapped service and urgency severity', () => {
    expect(deliverSigned('incident-triggered-high-urgency.json')).toEqual({
      kind: 'records',
      deliveryId: '01DEN4UCDJ7GSVLJ4QKZ2X5W3T',
      event: 'incident.triggered',
      records: records({
        incidents: [
          {
            id: 'pagerduty:incident:Q2K9J4Z7XW3N1P',
            key: 'PD-1042',
            source: 'pagerduty',
            title: 'Payments API: card authorisation error rate above 5%',
            severity: 'SEV2',
            status: 'TRIGGERED',
            openedAt: new Date('2026-11-20T09:42:11Z'),
            resolvedAt: null,
            services: ['payments'],
            url: 'https://acme.pagerduty.com/incidents/Q2K9J4Z7XW3N1P',
            origin: { connector: 'pagerduty', entity: 'incident', sourceId: 'Q2K9J4Z7XW3N1P', originalStatus: 'triggered' },
          },
        ],
      }),
    });
  });

  it('lands every event of one incident on the same row, following its status, priority and resolution', () => {
    const triggered = incidentOf(deliverSigned('incident-triggered-high-urgency.json'));
    const acknowledged = incidentOf(deliverSigned('incident-acknowledged.json'));
    const prioritised = incidentOf(deliverSigned('incident-priority-updated-p1.json'));
    const resolved = incidentOf(deliverSigned('incident-resolved.json'));
    const reopened = incidentOf(deliverSigned('incident-reopened.json'));
    for (const incident of [acknowledged, prioritised, resolved, reopened]) {
      expect(incident.id).toBe(triggered.id);
      expect(incident.key).toBe('PD-1042');
      expect(incident.openedAt).toEqual(new Date('2026-11-20T09:42:11Z'));
    }
    expect([triggered, acknowledged, prioritised, resolved, reopened].map((i) => [i.status, i.severity, i.resolvedAt?.toISOString() ?? null])).toEqual([
      ['TRIGGERED', 'SEV2', null],
      ['ACKNOWLEDGED', 'SEV2', null],
      ['ACKNOWLEDGED', 'SEV1', null],
      ['RESOLVED', 'SEV1', '2026-11-20T10:31:45.007Z'],
      ['TRIGGERED', 'SEV1', null],
    ]);
  });

  it('maps low urgency to SEV4, looks services up by id too, and keeps unmapped service names', () => {
    const low = incidentOf(deliverSigned('incident-triggered-low-urgency.json'));
    expect(low).toMatchObject({ key: 'PD-1043', severity: 'SEV4', services: ['checkout'] });
    const unmapped = { ...config, serviceMap: undefined };
    const body = fixture('incident-triggered-low-urgency.json');
    expect(incidentOf(deliver(body, sign(body), unmapped)).services).toEqual(['Checkout Web']);
  });

  it('acknowledges notes and service events without records, by their event id', () => {
    expect(deliverSigned('incident-annotated.json')).toEqual({
      kind: 'ignored',
      deliveryId: '01DEN4XH5N7P9R1T3V5X7Z9B1D',
      reason: 'event incident.annotated carries incident_note, not the incident',
    });
    expect(deliverSigned('service-updated.json')).toEqual({
      kind: 'ignored',
      deliveryId: '01BRB6ZP4M6T8ZG4X6BP63ZB9O',
      reason: 'event service.updated is not an incident event',
    });
  });

  it('refuses a signed incident event that lacks what an incident needs, saying which field', () => {
    const event = JSON.parse(fixture('incident-acknowledged.json').toString()) as { event: { data: Record<string, unknown> } };
    delete event.event.data.created_at;
    const body = Buffer.from(JSON.stringify(event));
    expect(deliver(body, sign(body))).toEqual({ kind: 'malformed', reason: expect.stringContaining('created_at') });
    const noEvent = Buffer.from('{"messages":[]}');
    expect(deliver(noEvent, sign(noEvent))).toEqual({ kind: 'malformed', reason: expect.stringContaining('event') });
  });
});
