import type { Incident, Suspect, Trace, TraceSpan } from './incident-source';

/* Incidents, suspects and a trace as the hub answers them, for the incidents view's tests. */

export const paymentsSuspect: Suspect = {
  deploymentId: 'dep-payments',
  service: 'payments',
  version: '1.8.0',
  environment: 'prod',
  startedAt: '2026-11-26T08:40:00Z',
  confidence: 0.865,
  errorSpans: 42,
  errorTraces: 17,
  incidentTraces: 2,
  evidence: [
    '42 error span(s) of payments 1.8.0 in prod between 08:30 and 09:30 UTC (93 % of the errors on new versions)',
    '17 failing trace(s) pass through payments 1.8.0',
    "2 of the incident's 2 trace(s) pass through payments 1.8.0",
  ],
  changeKeys: ['PAY-101', 'PAY-102'],
  commitShas: ['0123456789abcdef0123456789abcdef01234567'],
};

export const checkoutSuspect: Suspect = {
  deploymentId: 'dep-checkout',
  service: 'checkout',
  version: '2.4.0',
  environment: 'prod',
  startedAt: '2026-11-26T08:50:00Z',
  confidence: 0.12,
  errorSpans: 3,
  errorTraces: 2,
  incidentTraces: 0,
  evidence: [
    '3 error span(s) of checkout 2.4.0 in prod between 08:30 and 09:30 UTC (7 % of the errors on new versions)',
    '2 failing trace(s) pass through checkout 2.4.0',
  ],
  changeKeys: [],
  commitShas: [],
};

export const paymentsOutage: Incident = {
  id: 'inc-1',
  key: 'INC-1042',
  title: 'Card payments failing',
  severity: 'SEV1',
  status: 'TRIGGERED',
  source: 'pagerduty',
  openedAt: '2026-11-26T09:00:00Z',
  resolvedAt: null,
  correlationSummary: 'payments 1.8.0 in prod carries 93 % of the errors on new versions (confidence 0.865).',
  traceIds: ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7aaaaaaaaaaaaaaaa'],
  services: [{ id: 'svc-payments', name: 'payments' }],
  release: { id: 'rel-7', name: 'Payments', version: '1.8.0' },
  // Not in rank order: the view ranks them.
  suspects: [checkoutSuspect, paymentsSuspect],
};

export const slowSearch: Incident = {
  id: 'inc-2',
  key: 'INC-1041',
  title: 'Search latency above SLO',
  severity: 'SEV3',
  status: 'ACKNOWLEDGED',
  source: 'servicenow',
  openedAt: '2026-11-26T08:10:00Z',
  resolvedAt: null,
  correlationSummary: 'No errors on any of the 2 version(s) deployed in the 24 h before the incident, between 07:40 and 08:40 UTC: no deployment is suspected.',
  traceIds: [],
  services: [{ id: 'svc-search', name: 'search' }],
  release: null,
  suspects: [],
};

export const resolvedLogin: Incident = {
  id: 'inc-0',
  key: 'INC-1039',
  title: 'Login errors',
  severity: 'SEV2',
  status: 'RESOLVED',
  source: 'hub',
  openedAt: '2026-11-25T22:00:00Z',
  resolvedAt: '2026-11-25T22:40:00Z',
  correlationSummary: 'auth 3.1.0 in prod carries 100 % of the errors on new versions (confidence 0.9).',
  traceIds: ['aaaabbbbccccddddeeeeffff00001111'],
  services: [{ id: 'svc-auth', name: 'auth' }],
  release: { id: 'rel-5', name: 'Auth', version: '3.1.0' },
  suspects: [],
};

const span = (
  spanId: string,
  parentSpanId: string | null,
  service: string,
  name: string,
  startOffsetMs: number,
  durationMs: number,
  extra: Partial<TraceSpan> = {},
): TraceSpan => ({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId,
  parentSpanId,
  name,
  service,
  version: service === 'payments' ? '1.8.0' : '2.4.0',
  environment: 'prod',
  kind: 2,
  startTime: new Date(Date.parse('2026-11-26T09:00:01Z') + startOffsetMs).toISOString(),
  durationMs,
  status: 'OK',
  statusMessage: null,
  attributes: {},
  ...extra,
});

/** A checkout whose payment call fails; one span's parent (a retry) was not kept. */
export const failingCheckoutTrace: Trace = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spans: [
    span('s-root', null, 'gateway', 'POST /checkout', 0, 400),
    span('s-checkout', 's-root', 'checkout', 'PlaceOrder', 20, 360),
    span('s-pay', 's-checkout', 'payments', 'Charge', 60, 300, {
      status: 'ERROR',
      statusMessage: 'card processor timeout',
      attributes: { 'http.status_code': 504, 'peer.service': 'acquirer' },
    }),
    span('s-retry', 's-gone', 'payments', 'Charge (retry)', 380, 20),
  ],
  logs: [
    {
      time: '2026-11-26T09:00:01.370Z',
      service: 'payments',
      severityText: 'ERROR',
      severityNumber: 17,
      body: 'acquirer did not answer within 300 ms',
      spanId: 's-pay',
      attributes: {},
    },
    { time: '2026-11-26T09:00:01.005Z', service: 'gateway', severityText: null, severityNumber: 9, body: 'checkout started', spanId: 's-root', attributes: {} },
  ],
};
