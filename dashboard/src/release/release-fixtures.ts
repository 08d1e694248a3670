import type { AuditEntryRow, ReleaseDeployment, ReleaseDetail, ReleasePageData, ReleaseVerdict } from './release-source';

/** Checkout 2.4.0 for the release view's tests, shaped like the ReleaseView query's answer. */

export const RELEASE_ID = 'rel-checkout-2.4.0';

const errorRate = { id: 'crit-error-rate', metric: 'error_rate', comparator: 'LTE' as const, threshold: 0.01, windowSeconds: 600, relativeToPrevious: false };
const latency = { id: 'crit-latency', metric: 'latency_p95', comparator: 'LTE' as const, threshold: 1.2, windowSeconds: 300, relativeToPrevious: true };

export function verdict(overrides: Partial<ReleaseVerdict> & Pick<ReleaseVerdict, 'id'>): ReleaseVerdict {
  return { outcome: 'PASS', observed: 0.002, baseline: null, samples: 240, evaluatedAt: '2026-11-26T08:15:00Z', criterion: errorRate, ...overrides };
}

export function deployment(overrides: Partial<ReleaseDeployment> & Pick<ReleaseDeployment, 'id'>): ReleaseDeployment {
  return {
    status: 'SUCCEEDED',
    version: '2.4.0',
    strategy: 'ROLLING',
    deployer: 'argo',
    startedAt: '2026-11-26T08:00:00Z',
    finishedAt: '2026-11-26T08:05:00Z',
    service: { id: 'svc-checkout', name: 'checkout' },
    environment: { id: 'env-prod', name: 'prod-eu', tier: 'PROD' },
    artifact: { id: 'art-1' },
    verdicts: [],
    rollbackDecision: null,
    ...overrides,
  };
}

export const checkout: ReleaseDetail = {
  id: RELEASE_ID,
  name: 'Checkout',
  version: '2.4.0',
  status: 'STABILIZING',
  description: 'Retries for the payment call; new basket service client.',
  timezone: 'Europe/Berlin',
  plannedStart: '2026-11-26T07:00:00Z',
  plannedEnd: '2026-11-26T09:00:00Z',
  priority: 'HIGH',
  createdAt: '2026-11-20T09:00:00Z',
  createdBy: 'carol',
  updatedAt: '2026-11-26T08:12:00Z',
  changes: [
    {
      id: 'chg-1',
      key: 'CHG0031',
      title: 'Retry payment calls',
      state: 'IMPLEMENT',
      type: 'NORMAL',
      risk: 'HIGH',
      source: 'servicenow',
      requestedBy: 'carol',
      createdAt: '2026-11-20T10:00:00Z',
      rollbackPlan: 'Redeploy checkout 2.3.2 with argo rollback.',
      rollbackCriteria: 'error_rate above 1% for 10 minutes',
      approvals: [
        { id: 'ap-1', approver: 'alice', decision: 'APPROVED', comment: 'CAB ok', createdAt: '2026-11-20T11:00:00Z', decidedAt: '2026-11-21T09:00:00Z' },
        { id: 'ap-2', approver: 'bob', decision: 'APPROVED', comment: null, createdAt: '2026-11-20T11:00:00Z', decidedAt: '2026-11-21T10:00:00Z' },
      ],
    },
  ],
  commits: [
    {
      id: 'commit-1',
      sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      message: 'CHG0031 retry the payment call\n\nThree attempts with backoff.',
      author: 'alice',
      repository: 'shop/checkout',
      committedAt: '2026-11-22T08:00:00Z',
      changeKeys: ['CHG0031'],
      changes: [{ id: 'chg-1' }],
    },
  ],
  pipelines: [
    {
      id: 'pipe-1',
      provider: 'github',
      status: 'SUCCEEDED',
      commitSha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      ref: 'main',
      url: null,
      startedAt: '2026-11-22T08:05:00Z',
      finishedAt: '2026-11-22T08:15:00Z',
      service: { id: 'svc-checkout', name: 'checkout' },
      gates: [
        { name: 'unit tests', kind: 'TESTS', status: 'PASSED' },
        { name: 'sast', kind: 'STATIC_ANALYSIS', status: 'PASSED' },
      ],
    },
  ],
  artifacts: [
    {
      id: 'art-1',
      name: 'checkout',
      version: '2.4.0',
      digest: 'sha256:3f9a1c2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff',
      createdAt: '2026-11-22T08:14:00Z',
      pipelineRun: { id: 'pipe-1' },
    },
  ],
  deployments: [
    deployment({
      id: 'dep-prod',
      verdicts: [
        verdict({ id: 'v-latency', criterion: latency, observed: 1.05, baseline: 0.31, evaluatedAt: '2026-11-26T08:09:00Z' }),
        verdict({ id: 'v-errors', outcome: 'FAIL', observed: 0.041, evaluatedAt: '2026-11-26T08:10:00Z' }),
      ],
      rollbackDecision: {
        id: 'rb-1',
        mode: 'RECOMMENDED',
        status: 'RECOMMENDED',
        reason: 'error_rate 4.1% exceeds 1% over 10 minutes',
        createdAt: '2026-11-26T08:11:00Z',
        decidedAt: '2026-11-26T08:11:00Z',
        decidedBy: null,
        changeKeys: ['CHG0031'],
      },
    }),
    deployment({
      id: 'dep-staging',
      startedAt: '2026-11-25T08:00:00Z',
      finishedAt: '2026-11-25T08:05:00Z',
      environment: { id: 'env-staging', name: 'staging', tier: 'STAGING' },
      verdicts: [verdict({ id: 'v-staging', evaluatedAt: '2026-11-25T08:15:00Z' })],
    }),
  ],
  criteria: [
    { ...errorRate, minSamples: 20, environmentTier: null, serviceId: null },
    { ...latency, minSamples: 20, environmentTier: 'PROD', serviceId: 'svc-checkout' },
  ],
  incidents: [
    {
      id: 'inc-1',
      key: 'INC0042',
      title: 'Checkout errors after payment',
      severity: 'SEV2',
      status: 'TRIGGERED',
      openedAt: '2026-11-26T08:12:00Z',
      resolvedAt: null,
      services: [{ id: 'svc-checkout' }],
      suspects: [{ deploymentId: 'dep-prod', confidence: 0.9 }],
    },
  ],
};

export const checkoutAudit: AuditEntryRow[] = [
  {
    seq: '10',
    at: '2026-11-20T09:00:00Z',
    actor: 'carol',
    action: 'release.created',
    subjectType: 'Release',
    hash: 'h10aaaaaaaaaaaa',
    prevHash: 'h09aaaaaaaaaaaa',
  },
  {
    seq: '9',
    at: '2026-11-19T09:00:00Z',
    actor: 'servicenow',
    action: 'release.planned',
    subjectType: 'Release',
    hash: 'h09aaaaaaaaaaaa',
    prevHash: 'h08aaaaaaaaaaaa',
  },
  {
    seq: '12',
    at: '2026-11-26T08:00:00Z',
    actor: 'argo',
    action: 'release.status_changed',
    subjectType: 'Release',
    hash: 'h12aaaaaaaaaaaa',
    prevHash: 'h11aaaaaaaaaaaa',
  },
];

export const checkoutPage: ReleasePageData = { release: checkout, audit: { entries: checkoutAudit, totalCount: 3 } };
