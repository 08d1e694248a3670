import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client/core';
import { MockLink, type MockedResponse } from '@apollo/client/testing/core';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReleaseEventSummary } from '../hub/documents';
import { hubConnectionKey, type HubConnection } from '../hub/hub-connection';
import { session } from '../hub/session';
import { RELEASE_ID, checkout, checkoutAudit, deployment } from '../release/release-fixtures';
import { ACCEPT_ROLLBACK_MUTATION, AUDIT_PAGE_SIZE, DISMISS_ROLLBACK_MUTATION, RELEASE_VIEW_QUERY, type ReleaseDetail } from '../release/release-source';
import { testRouter } from '../testing/router';
import ReleaseView from './ReleaseView.vue';

const request = { query: RELEASE_VIEW_QUERY, variables: { id: RELEASE_ID, auditFirst: AUDIT_PAGE_SIZE } };

const answer = (release: ReleaseDetail | null, audit = checkoutAudit): MockedResponse => ({
  request,
  result: { data: { release, auditEntries: { totalCount: audit.length, edges: audit.map((node) => ({ node })) } } },
});

const settled = (mutation: 'accept' | 'dismiss', status: 'ROLLED_BACK' | 'DISMISSED'): MockedResponse => ({
  request: { query: mutation === 'accept' ? ACCEPT_ROLLBACK_MUTATION : DISMISS_ROLLBACK_MUTATION, variables: { id: 'rb-1' } },
  result: {
    data: {
      [mutation === 'accept' ? 'acceptRollbackDecision' : 'dismissRollbackDecision']: {
        id: 'rb-1',
        status,
        decidedAt: '2026-11-26T08:20:00Z',
        decidedBy: 'rm',
      },
    },
  },
});

/** Checkout after its recommended rollback was answered. */
function answered(status: 'ROLLED_BACK' | 'DISMISSED'): ReleaseDetail {
  return {
    ...checkout,
    status: status === 'ROLLED_BACK' ? 'ROLLED_BACK' : checkout.status,
    deployments: checkout.deployments.map((d) =>
      d.rollbackDecision ? { ...d, rollbackDecision: { ...d.rollbackDecision, status, decidedAt: '2026-11-26T08:20:00Z', decidedBy: 'rm' } } : d,
    ),
  };
}

function signInAs(permissions: string[]): void {
  session.value = { token: 'token', viewer: { name: 'rm', role: permissions.length > 0 ? 'RELEASE_MANAGER' : 'VIEWER', permissions } };
}

/** The view over a mocked hub: Apollo answers from `responses`, `emitEvent()` is a release event arriving. */
async function mountView(responses: MockedResponse[]) {
  const listeners = new Set<(event: ReleaseEventSummary) => void>();
  const events = {
    onEvent: (listener: (event: ReleaseEventSummary) => void) => (listeners.add(listener), () => listeners.delete(listener)),
    onResync: () => () => undefined,
  };
  const operations: string[] = [];
  const counting = new ApolloLink((operation, forward) => {
    operations.push(operation.operationName);
    return forward(operation);
  });
  const apollo = new ApolloClient({
    link: ApolloLink.from([counting, new MockLink(responses, false, { showWarnings: false })]),
    cache: new InMemoryCache({ addTypename: false }),
  });
  const router = testRouter();
  await router.push(`/releases/${RELEASE_ID}`);
  const view = mount(ReleaseView, {
    props: { id: RELEASE_ID },
    global: { plugins: [router], provide: { [hubConnectionKey as symbol]: { apollo, events } as unknown as HubConnection } },
  });
  const emitEvent = (releaseId: string | null): void =>
    listeners.forEach((l) => l({ cursor: '1', type: 'deployment.status_changed', releaseId, subjectId: 'dep-prod', occurredAt: '2026-11-26T08:30:00Z' }));
  return { view, emitEvent, operations };
}

type View = Awaited<ReturnType<typeof mountView>>['view'];

const loaded = async (view: View): Promise<void> => vi.waitFor(() => expect(view.find('[data-testid=release-graph]').exists()).toBe(true));
const nodesOf = (view: View, stage: string): string[] =>
  view.findAll(`[data-testid=stage-${stage}] [data-testid=graph-node]`).map((n) => n.attributes('data-node-id')!);
const timelineKinds = (view: View): string[] =>
  view.findAll('[data-testid=timeline-event]').map((e) =>
    e
      .classes()
      .find((c) => c.startsWith('kind-'))!
      .replace('kind-', ''),
  );
/** Text as the browser renders it: runs of whitespace collapse to one space. */
const shown = (wrapper: { text(): string }): string => wrapper.text().replace(/\s+/g, ' ');

afterEach(() => {
  session.value = null;
});

describe('ReleaseView', () => {
  it('says it is loading until the release arrives', async () => {
    const { view } = await mountView([answer(checkout)]);
    expect(view.get('[role=status]').text()).toBe('Loading the release…');
    expect(view.get('a[href="/"]').text()).toContain('Status board');
    await loaded(view);
    expect(view.find('[role=status]').exists()).toBe(false);
  });

  it('says so when the hub knows no such release', async () => {
    const { view } = await mountView([answer(null)]);
    await vi.waitFor(() => expect(view.find('[data-testid=release-not-found]').exists()).toBe(true));
    expect(view.get('h1').text()).toBe('Release not found');
    expect(view.find('[data-testid=release-graph]').exists()).toBe(false);
  });

  it('shows why loading failed and loads again on "Try again"', async () => {
    const { view } = await mountView([{ request, error: new Error('Failed to fetch') }, answer(checkout)]);
    await vi.waitFor(() => expect(view.find('[role=alert]').exists()).toBe(true));
    expect(view.get('[role=alert]').text()).toContain('The release could not be loaded: Failed to fetch');

    await view.get('[role=alert] button').trigger('click');
    await loaded(view);
    expect(view.find('[role=alert]').exists()).toBe(false);
    expect(shown(view.get('h1'))).toBe('Checkout 2.4.0');
  });

  it('shows the release graph stage by stage, with its links', async () => {
    const { view } = await mountView([answer(checkout)]);
    await loaded(view);

    expect(nodesOf(view, 'changes')).toEqual(['changes:chg-1']);
    expect(nodesOf(view, 'commits')).toEqual(['commits:commit-1']);
    expect(nodesOf(view, 'pipelines')).toEqual(['pipelines:pipe-1']);
    expect(nodesOf(view, 'artifacts')).toEqual(['artifacts:art-1']);
    // Staging before production.
    expect(nodesOf(view, 'deployments')).toEqual(['deployments:dep-staging', 'deployments:dep-prod']);
    expect(nodesOf(view, 'incidents')).toEqual(['incidents:inc-1']);
    // change→commit→pipeline→artifact→2 deployments→incident
    expect(view.findAll('[data-testid=graph-link]')).toHaveLength(6);
    expect(view.findAll('[data-testid=graph-diagram] [role=button]')).toHaveLength(7);

    const change = view.get('[data-node-id="changes:chg-1"][data-testid=graph-node]');
    expect(shown(change)).toContain('CHG0031 Retry payment calls');
    expect(shown(change)).toContain('High risk');
    expect(shown(change)).toContain('alice: Approved “CAB ok”');
    expect(shown(change)).toContain('To: a1b2c3d');
    expect(shown(view.get('[data-testid=stage-commits]'))).toContain('a1b2c3d CHG0031 retry the payment call');
    expect(shown(view.get('[data-testid=stage-commits]'))).not.toContain('Three attempts');
    expect(shown(view.get('[data-testid=stage-pipelines]'))).toContain('unit tests: Passed');
    expect(shown(view.get('[data-testid=stage-artifacts]'))).toContain('sha256:3f9a1c2b7d4e');
    const prod = view.get('[data-node-id="deployments:dep-prod"][data-testid=graph-node]');
    expect(prod.findAll('[data-testid=verdict]').map(shown)).toEqual([
      'PASS latency_p95 ≤ 1.2 × previous version over 5 min — observed 1.05, previous version 0.31 (240 samples)',
      'FAIL error_rate ≤ 0.01 over 10 min — observed 0.041 (240 samples)',
    ]);
    const incident = view.get('[data-testid=stage-incidents] [data-testid=graph-node]');
    expect(shown(incident.get('.item-title'))).toBe('INC0042 Checkout errors after payment');
    expect(incident.findAll('.tags > *').map((t) => t.text())).toEqual(['SEV2', 'Triggered']);
    expect(shown(incident)).toContain('From: checkout 2.4.0');
  });

  it('highlights the path of a node chosen by keyboard', async () => {
    const { view } = await mountView([answer(checkout)]);
    await loaded(view);

    await view.get('[data-testid=graph-diagram] [data-node-id="deployments:dep-staging"]').trigger('keydown', { key: 'Enter' });
    expect(view.get('[data-testid=graph-diagram] [data-node-id="deployments:dep-staging"]').attributes('aria-pressed')).toBe('true');
    // Upstream of staging: the artifact, pipeline, commit, change. Not the production deployment nor the incident.
    expect(view.get('[data-testid=graph-node][data-node-id="changes:chg-1"]').classes()).not.toContain('is-dimmed');
    expect(view.get('[data-testid=graph-node][data-node-id="deployments:dep-prod"]').classes()).toContain('is-dimmed');
    expect(view.get('[data-testid=graph-node][data-node-id="incidents:inc-1"]').classes()).toContain('is-dimmed');
  });

  it('lists what happened in time order', async () => {
    const { view } = await mountView([answer(checkout)]);
    await loaded(view);

    expect(timelineKinds(view)).toEqual([
      'change',
      'approval',
      'approval',
      'commit',
      'pipeline-start',
      'pipeline-finish',
      'deployment-start', // staging
      'deployment-finish',
      'verdict',
      'deployment-start', // prod
      'deployment-finish',
      'verdict',
      'verdict',
      'rollback',
      'incident-open',
    ]);
    const times = view.findAll('[data-testid=timeline-event] time').map((t) => Date.parse(t.attributes('datetime')!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(shown(view.findAll('[data-testid=timeline-event] .what')[13]!)).toBe(
      'Rollback decision: Rollback recommended checkout 2.4.0 in prod-eu (for a person to decide): error_rate 4.1% exceeds 1% over 10 minutes',
    );
  });

  it('shows the runbook and the audit trail', async () => {
    const { view } = await mountView([answer(checkout)]);
    await loaded(view);

    const runbook = view.get('[data-testid=runbook]');
    expect(shown(runbook)).toContain('Retries for the payment call');
    expect(shown(runbook)).toContain('Redeploy checkout 2.3.2 with argo rollback.');
    expect(shown(runbook)).toContain('error_rate above 1% for 10 minutes');
    expect(runbook.get('[data-testid=planned-window]').text()).toContain('Europe/Berlin');
    expect(runbook.findAll('time').map((t) => t.attributes('datetime'))).toEqual(['2026-11-26T07:00:00Z', '2026-11-26T09:00:00Z']);
    expect(runbook.findAll('[data-testid=criterion]').map((c) => c.get('code').text())).toEqual([
      'error_rate ≤ 0.01 over 10 min',
      'latency_p95 ≤ 1.2 × previous version over 5 min',
    ]);

    const audit = view.get('[data-testid=audit-trail]');
    expect(audit.text()).toContain('hash-chained');
    expect(audit.findAll('[data-testid=audit-entry]').map((r) => r.findAll('th, td').map((c) => c.text())[0])).toEqual(['12', '10', '9']);
    expect(audit.get('[data-testid=audit-entry]').text()).toContain('release.status_changed');
    expect(audit.get('[data-testid=audit-entry]').text()).toContain('argo');
  });

  it('loads again when an event of this release arrives, and not for another release', async () => {
    const newer: ReleaseDetail = {
      ...checkout,
      deployments: [...checkout.deployments, deployment({ id: 'dep-us', environment: { id: 'env-us', name: 'prod-us', tier: 'PROD' }, status: 'IN_PROGRESS' })],
    };
    const { view, emitEvent, operations } = await mountView([answer(checkout), answer(newer)]);
    await loaded(view);
    expect(operations).toEqual(['ReleaseView']);

    emitEvent('rel-payments-1.8.0');
    emitEvent(null);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await flushPromises();
    expect(operations).toEqual(['ReleaseView']);

    emitEvent(RELEASE_ID);
    await vi.waitFor(() => expect(nodesOf(view, 'deployments')).toContain('deployments:dep-us'));
    expect(operations).toEqual(['ReleaseView', 'ReleaseView']);
    expect(view.find('[role=alert]').exists()).toBe(false);
  });

  it('keeps the last release when a refresh fails, and says so', async () => {
    const { view, emitEvent } = await mountView([answer(checkout), { request, error: new Error('Bad gateway') }]);
    await loaded(view);
    emitEvent(RELEASE_ID);
    await vi.waitFor(() => expect(view.find('[role=alert]').exists()).toBe(true));
    expect(view.get('[role=alert]').text()).toContain('Could not refresh (Bad gateway)');
    expect(view.find('[data-testid=release-graph]').exists()).toBe(true);
  });

  describe('rollback decisions', () => {
    it('shows a viewer the decision and its reason, without Accept or Dismiss', async () => {
      signInAs([]);
      const { view } = await mountView([answer(checkout)]);
      await loaded(view);

      const decision = view.get('[data-testid=rollback-decision]');
      expect(shown(decision)).toContain('checkout 2.4.0 in prod-eu Rollback recommended');
      expect(shown(decision)).toContain('error_rate 4.1% exceeds 1% over 10 minutes');
      const facts = decision.findAll('dl > div').map((pair) => `${pair.get('dt').text()}: ${shown(pair.get('dd'))}`);
      expect(facts).toEqual(['Mode: Recommended', expect.stringMatching(/^Decided: /), 'Changes: CHG0031']);
      expect(decision.findAll('button')).toHaveLength(0);
    });

    it('lets a release manager accept a rollback after confirming, then shows the new state', async () => {
      signInAs(['release:write', 'deployment:write']);
      const { view, operations } = await mountView([answer(checkout), settled('accept', 'ROLLED_BACK'), answer(answered('ROLLED_BACK'))]);
      await loaded(view);

      await view.get('[data-testid=accept-rollback]').trigger('click');
      expect(operations).toEqual(['ReleaseView']);
      const confirm = view.get('[data-testid=confirm-rollback-answer]');
      expect(confirm.text()).toBe('Yes, roll back');
      expect(view.get('[data-testid=rollback-decision]').text()).toContain('Roll checkout in prod-eu back?');

      await confirm.trigger('click');
      expect(view.get('[data-testid=confirm-rollback-answer]').attributes('disabled')).toBeDefined();
      await vi.waitFor(() => expect(view.get('[data-testid=rollback-decision]').text()).toContain('Rolled back'));
      expect(operations).toEqual(['ReleaseView', 'AcceptRollbackDecision', 'ReleaseView']);
      expect(view.find('[data-testid=accept-rollback]').exists()).toBe(false);
      expect(view.find('[role=alert]').exists()).toBe(false);
    });

    it('dismisses a recommendation, and Cancel sends nothing', async () => {
      signInAs(['release:write']);
      const { view, operations } = await mountView([answer(checkout), settled('dismiss', 'DISMISSED'), answer(answered('DISMISSED'))]);
      await loaded(view);

      await view.get('[data-testid=dismiss-rollback]').trigger('click');
      const cancel = view.findAll('[data-testid=rollback-decision] button').find((b) => b.text() === 'Cancel')!;
      await cancel.trigger('click');
      expect(view.find('[data-testid=confirm-rollback-answer]').exists()).toBe(false);

      await view.get('[data-testid=dismiss-rollback]').trigger('click');
      expect(view.get('[data-testid=confirm-rollback-answer]').text()).toBe('Yes, dismiss');
      await view.get('[data-testid=confirm-rollback-answer]').trigger('click');
      await vi.waitFor(() => expect(view.get('[data-testid=rollback-decision]').text()).toContain('Rollback dismissed'));
      expect(operations).toEqual(['ReleaseView', 'DismissRollbackDecision', 'ReleaseView']);
    });

    it('shows why the hub refused the answer, and lets the manager try again', async () => {
      signInAs(['release:write']);
      const refused: MockedResponse = { request: settled('accept', 'ROLLED_BACK').request, error: new Error('the decision was already settled') };
      const { view } = await mountView([answer(checkout), refused]);
      await loaded(view);

      await view.get('[data-testid=accept-rollback]').trigger('click');
      await view.get('[data-testid=confirm-rollback-answer]').trigger('click');
      await vi.waitFor(() => expect(view.find('[role=alert]').exists()).toBe(true));
      expect(view.get('[role=alert]').text()).toContain('The answer was not accepted: the decision was already settled');
      expect(view.get('[data-testid=confirm-rollback-answer]').attributes('disabled')).toBeUndefined();
    });
  });
});
