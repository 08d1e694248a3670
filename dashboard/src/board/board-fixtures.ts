import type { BoardDeployment, BoardRelease } from '../hub/documents';

/** Small named releases for the board's tests, shaped like the StatusBoard query's answer. */

export function deployment(overrides: Partial<BoardDeployment> & Pick<BoardDeployment, 'id'>): BoardDeployment {
  return {
    status: 'SUCCEEDED',
    version: '2.4.0',
    startedAt: '2026-11-26T08:00:00Z',
    finishedAt: '2026-11-26T08:05:00Z',
    service: { id: 'svc-checkout', name: 'checkout' },
    environment: { id: 'env-prod', name: 'prod-eu', tier: 'PROD' },
    verdicts: [],
    rollbackDecision: null,
    ...overrides,
  };
}

/** Checkout 2.4.0: in production, one criterion failing, a rollback recommended, an open incident, Alice owns it. */
export const checkoutInTrouble: BoardRelease = {
  id: 'rel-checkout-2.4.0',
  name: 'Checkout',
  version: '2.4.0',
  status: 'STABILIZING',
  plannedStart: '2026-11-26T07:00:00Z',
  updatedAt: '2026-11-26T08:10:00Z',
  changes: [
    {
      id: 'chg-1',
      key: 'CHG0031',
      state: 'IMPLEMENT',
      approvals: [
        { id: 'ap-1', decision: 'APPROVED' },
        { id: 'ap-2', decision: 'APPROVED' },
      ],
    },
  ],
  pipelines: [
    {
      id: 'pipe-1',
      status: 'SUCCEEDED',
      gates: [
        { name: 'unit tests', status: 'PASSED' },
        { name: 'sast', status: 'PASSED' },
      ],
    },
  ],
  deployments: [
    deployment({ id: 'dep-staging', environment: { id: 'env-staging', name: 'staging', tier: 'STAGING' } }),
    deployment({
      id: 'dep-prod',
      verdicts: [
        { id: 'v1', outcome: 'PASS' },
        { id: 'v2', outcome: 'PASS' },
        { id: 'v3', outcome: 'FAIL' },
      ],
      rollbackDecision: {
        id: 'rb-1',
        status: 'RECOMMENDED',
        mode: 'RECOMMENDED',
        reason: 'error_rate 4.1% exceeds 1% over 10 minutes',
        decidedAt: '2026-11-26T08:09:00Z',
      },
    }),
  ],
  stabilization: {
    id: 'stab-1',
    status: 'OPEN',
    startsAt: '2026-11-26T08:05:00Z',
    endsAt: '2026-11-29T08:05:00Z',
    owners: [{ owner: 'alice', serviceId: 'svc-checkout', service: { name: 'checkout' } }],
    escalations: [{ id: 'esc-1', status: 'OPEN', level: 2, paged: 'bob', nextEscalationAt: '2026-11-26T09:10:00Z' }],
  },
  incidents: [
    { id: 'inc-1', key: 'PD-4711', status: 'TRIGGERED', severity: 'SEV2' },
    { id: 'inc-0', key: 'PD-4702', status: 'RESOLVED', severity: 'SEV3' },
  ],
};

/** Payments 1.8.0 while it rolls out to staging: nothing verified yet. */
export const paymentsDeploying: BoardRelease = {
  id: 'rel-payments-1.8.0',
  name: 'Payments',
  version: '1.8.0',
  status: 'DEPLOYING',
  plannedStart: null,
  updatedAt: '2026-11-26T08:20:00Z',
  changes: [{ id: 'chg-2', key: 'CHG0032', state: 'AUTHORIZE', approvals: [{ id: 'ap-3', decision: 'REQUESTED' }] }],
  pipelines: [{ id: 'pipe-2', status: 'FAILED', gates: [{ name: 'dependency scan', status: 'FAILED' }] }],
  deployments: [
    deployment({
      id: 'dep-pay-staging',
      version: '1.8.0',
      status: 'IN_PROGRESS',
      finishedAt: null,
      service: { id: 'svc-payments', name: 'payments' },
      environment: { id: 'env-staging', name: 'staging', tier: 'STAGING' },
    }),
  ],
  stabilization: null,
  incidents: [],
};
