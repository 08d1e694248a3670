import { ApolloClient, InMemoryCache } from '@apollo/client/core';
import { MockLink, type MockedResponse } from '@apollo/client/testing/core';
import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReleaseEventSummary } from '../hub/documents';
import { hubConnectionKey, type HubConnection } from '../hub/hub-connection';
import { signIn, signOut } from '../hub/session';
import { NOW, closedWindow, escalation, paymentsStabilizing, searchExtended } from '../stabilization/stabilization-fixtures';
import {
  STABILIZATION_ACKNOWLEDGE_MUTATION,
  STABILIZATION_ASSIGN_OWNER_MUTATION,
  STABILIZATION_RESOLVE_MUTATION,
  STABILIZATION_WINDOWS_QUERY,
  type StabilizationEscalation,
  type StabilizationRelease,
} from '../stabilization/stabilization-source';
import { testRouter } from '../testing/router';
import StabilizationView from './StabilizationView.vue';

const answer = (releases: StabilizationRelease[]): MockedResponse => ({
  request: { query: STABILIZATION_WINDOWS_QUERY },
  result: { data: { releases: { __typename: 'ReleaseConnection', edges: releases.map((node) => ({ __typename: 'ReleaseEdge', node })) } } },
});

const acknowledged = (by = 'erin'): StabilizationEscalation =>
  escalation({
    status: 'ACKNOWLEDGED',
    nextEscalationAt: null,
    acknowledgedBy: by,
    acknowledgedAt: new Date(NOW).toISOString(),
    updatedAt: new Date(NOW).toISOString(),
  });

type Role = 'VIEWER' | 'ENGINEER' | 'RELEASE_MANAGER';
const PERMISSIONS: Record<Role, string[]> = {
  VIEWER: [],
  ENGINEER: ['change:write', 'deployment:write'],
  RELEASE_MANAGER: ['catalog:write', 'release:write', 'change:write', 'deployment:write', 'connector:operate'],
};
const signInAs = (role: Role): void => signIn({ token: 'rg_test', viewer: { name: 'erin', role, permissions: PERMISSIONS[role] } });

/** The view over a mocked hub: Apollo answers from `responses`, `emitEvent()` is a release event arriving. */
function mountView(responses: MockedResponse[]) {
  const listeners = new Set<(event: ReleaseEventSummary) => void>();
  const events = {
    onEvent: (listener: (event: ReleaseEventSummary) => void) => (listeners.add(listener), () => listeners.delete(listener)),
    onResync: () => () => undefined,
  };
  const apollo = new ApolloClient({ link: new MockLink(responses, true, { showWarnings: false }), cache: new InMemoryCache() });
  const view = mount(StabilizationView, {
    global: {
      plugins: [testRouter()],
      provide: { [hubConnectionKey as symbol]: { apollo, events } as unknown as HubConnection },
    },
  });
  const emitEvent = (type: string): void =>
    listeners.forEach((l) =>
      l({ cursor: '1', type, releaseId: 'rg:release:payments-1.8.0', subjectId: 'rg:escalation:1', occurredAt: new Date().toISOString() }),
    );
  return { view, emitEvent };
}

type View = ReturnType<typeof mountView>['view'];
/** Text as the browser renders it: runs of whitespace collapse to one space. */
const shown = (wrapper: { text(): string }): string => wrapper.text().replace(/\s+/g, ' ');
const windowsOf = (view: View) => view.findAll('[data-testid=stabilization-window]');
const escalationsOf = (view: View) => view.findAll('[data-testid=escalation]');
const buttonNamed = (view: View, name: string) => view.findAll('button').find((b) => b.text() === name);

afterEach(() => {
  signOut();
  vi.useRealTimers();
});

describe('StabilizationView', () => {
  it('says it is loading until the windows arrive', () => {
    const { view } = mountView([{ ...answer([]), delay: Infinity }]);
    expect(view.get('[role=status]').text()).toBe('Loading stabilization windows…');
    expect(view.find('[data-testid=stabilization-windows]').exists()).toBe(false);
  });

  it('says so when no release is in its window (closed long ago, or none opened)', async () => {
    const { view } = mountView([answer([closedWindow('Old', 'STABLE', 30 * 24 * 3_600_000)])]);
    await vi.waitFor(() => expect(view.text()).toContain('No release is in its stabilization window'));
    expect(windowsOf(view)).toHaveLength(0);
  });

  it('shows why loading failed and loads again on "Try again"', async () => {
    const { view } = mountView([{ request: { query: STABILIZATION_WINDOWS_QUERY }, error: new Error('Failed to fetch') }, answer([paymentsStabilizing()])]);
    await vi.waitFor(() => expect(view.find('[role=alert]').exists()).toBe(true));
    expect(view.get('[role=alert]').text()).toContain('The stabilization windows could not be loaded: Failed to fetch');

    await buttonNamed(view, 'Try again')!.trigger('click');
    await vi.waitFor(() => expect(windowsOf(view)).toHaveLength(1));
    expect(view.find('[role=alert]').exists()).toBe(false);
  });

  it('shows each window with its status, live countdown, progress, owners and escalations', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(NOW);
    const { view } = mountView([answer([closedWindow('Reverted', 'ROLLED_BACK', 3_600_000), searchExtended(), paymentsStabilizing()])]);
    await vi.waitFor(() => expect(windowsOf(view)).toHaveLength(3));

    const [payments, search, reverted] = windowsOf(view);
    expect(payments!.get('h2').text()).toBe('Payments 1.8.0');
    expect(payments!.get('h2 a').attributes('href')).toBe('/releases/rg%3Arelease%3Apayments-1.8.0');
    expect(payments!.get('[data-testid=window-status]').text()).toBe('Open');
    expect(payments!.get('[data-testid=time-left]').text()).toBe('42h 00m left');
    expect(shown(payments!.get('[data-testid=progress]'))).toContain('41% elapsed · 30h 00m of 72h 00m');
    expect(payments!.get('[role=progressbar]').attributes('aria-valuenow')).toBe('41');
    expect(payments!.findAll('[data-testid=owner]').map((o) => shown(o))).toEqual([
      expect.stringContaining('ledger: No owner assigned'),
      expect.stringMatching(/^payments: alice since /),
    ]);

    const page = payments!.get('[data-testid=escalation]');
    expect(page.attributes('data-status')).toBe('OPEN');
    expect(shown(page)).toContain('Paging now — not acknowledged');
    expect(page.get('[data-testid=paged]').text()).toBe('alice');
    expect(shown(page)).toContain('Level 1 · owner');
    expect(shown(page)).toContain('payments: error_rate 0.042 failed its criterion (LTE 0.01)');
    expect(shown(page)).toContain('(5m 00s ago)');
    expect(page.get('[data-testid=climb]').text()).toBe('in 10m 00s');
    expect(shown(view.get('[data-testid=paging-summary]'))).toBe('! 1 escalation is paging now — not acknowledged');

    expect(search!.get('[data-testid=window-status]').text()).toBe('Extended');
    expect(search!.get('[data-testid=time-left]').text()).toBe('40m 00s left');
    expect(shown(search!.get('[data-testid=escalation]'))).toContain('Acknowledged');
    expect(shown(search!.get('[data-testid=acknowledged]'))).toMatch(/^by carol, /);
    expect(search!.find('[data-testid=climb]').exists()).toBe(false);

    expect(reverted!.get('[data-testid=window-status]').text()).toBe('Closed · rolled back');
    expect(shown(reverted!.get('[data-testid=time-left]'))).toContain('(1h 00m ago)');

    // The clock ticks: the countdowns follow without a reload, and a missed climb reads "due now".
    vi.setSystemTime(NOW + 11 * 60_000 - 1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(payments!.get('[data-testid=time-left]').text()).toBe('41h 49m left');
    expect(payments!.get('[data-testid=climb]').text()).toBe('due now');
    expect(search!.get('[data-testid=time-left]').text()).toBe('29m 00s left');
  });

  it('loads again on stabilization, escalation and release events, not on others', async () => {
    const climbed = escalation({ level: 2, paged: 'team-lead', updatedAt: new Date(NOW + 1000).toISOString() });
    const { view, emitEvent } = mountView([answer([paymentsStabilizing()]), answer([paymentsStabilizing([climbed])])]);
    await vi.waitFor(() => expect(escalationsOf(view)).toHaveLength(1));
    expect(view.get('[data-testid=paged]').text()).toBe('alice');

    emitEvent('deployment.started');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(view.find('[role=alert]').exists()).toBe(false);

    emitEvent('escalation.escalated');
    await vi.waitFor(() => expect(view.get('[data-testid=paged]').text()).toBe('team-lead'));
    expect(shown(view.get('[data-testid=escalation]'))).toContain('Level 2');
    expect(view.find('[role=alert]').exists()).toBe(false);
  });

  it('offers no Acknowledge or Resolve to a viewer', async () => {
    signInAs('VIEWER');
    const { view } = mountView([answer([paymentsStabilizing(), searchExtended()])]);
    await vi.waitFor(() => expect(escalationsOf(view)).toHaveLength(2));
    expect(view.findAll('button')).toHaveLength(0);
  });

  it('lets an engineer acknowledge a page: the button waits for the hub, then the row shows who acknowledged it', async () => {
    signInAs('ENGINEER');
    const { view } = mountView([
      answer([paymentsStabilizing(), searchExtended()]),
      {
        request: { query: STABILIZATION_ACKNOWLEDGE_MUTATION, variables: { id: 'rg:escalation:1' } },
        result: { data: { acknowledgeEscalation: acknowledged() } },
        delay: 50,
      },
    ]);
    await vi.waitFor(() => expect(escalationsOf(view)).toHaveLength(2));
    // Acknowledge only on the open page; Resolve on both the open and the acknowledged one; no handoff without release:write.
    expect(view.findAll('button').map((b) => b.text())).toEqual(['Acknowledge', 'Resolve', 'Resolve']);

    const page = escalationsOf(view)[0]!;
    await page.get('button.acknowledge').trigger('click');
    expect(page.get('button.acknowledge').text()).toBe('Acknowledging…');
    expect(page.get('button.acknowledge').attributes('disabled')).toBeDefined();
    expect(page.get('button.resolve').attributes('disabled')).toBeDefined();

    // Nobody is paged any more: the payments window no longer leads, the one ending sooner does.
    const paymentsRow = () =>
      view
        .findAll('[data-testid=stabilization-window]')
        .find((w) => w.get('h2').text() === 'Payments 1.8.0')!
        .get('[data-testid=escalation]');
    await vi.waitFor(() => expect(paymentsRow().attributes('data-status')).toBe('ACKNOWLEDGED'));
    const row = paymentsRow();
    expect(shown(row)).toContain('Acknowledged');
    expect(shown(row.get('[data-testid=acknowledged]'))).toMatch(/^by erin, /);
    expect(row.find('button.acknowledge').exists()).toBe(false);
    expect(row.get('button.resolve').attributes('disabled')).toBeUndefined();
    expect(shown(view.get('[data-testid=paging-summary]'))).toBe('Nobody is being paged.');
  });

  it('lets an engineer resolve an acknowledged page', async () => {
    signInAs('ENGINEER');
    const resolved = { ...searchExtended().stabilization!.escalations[0]!, status: 'RESOLVED' as const, updatedAt: new Date(NOW).toISOString() };
    const { view } = mountView([
      answer([searchExtended()]),
      { request: { query: STABILIZATION_RESOLVE_MUTATION, variables: { id: 'rg:escalation:search' } }, result: { data: { resolveEscalation: resolved } } },
    ]);
    await vi.waitFor(() => expect(escalationsOf(view)).toHaveLength(1));
    await buttonNamed(view, 'Resolve')!.trigger('click');
    await vi.waitFor(() => expect(escalationsOf(view)[0]!.attributes('data-status')).toBe('RESOLVED'));
    expect(shown(escalationsOf(view)[0]!)).toContain('Resolved');
    expect(view.findAll('button')).toHaveLength(0);
  });

  it('shows why acknowledging failed, and keeps the page open', async () => {
    signInAs('RELEASE_MANAGER');
    const { view } = mountView([
      answer([paymentsStabilizing()]),
      {
        request: { query: STABILIZATION_ACKNOWLEDGE_MUTATION, variables: { id: 'rg:escalation:1' } },
        result: { errors: [{ message: 'the escalation is already resolved' }] },
      },
    ]);
    await vi.waitFor(() => expect(escalationsOf(view)).toHaveLength(1));
    await buttonNamed(view, 'Acknowledge')!.trigger('click');

    await vi.waitFor(() => expect(view.find('[data-testid=escalation] [role=alert]').exists()).toBe(true));
    expect(view.get('[data-testid=escalation] [role=alert]').text()).toBe('The escalation could not be acknowledged: the escalation is already resolved');
    expect(escalationsOf(view)[0]!.attributes('data-status')).toBe('OPEN');
    expect(buttonNamed(view, 'Acknowledge')!.attributes('disabled')).toBeUndefined();
  });

  it('lets a release manager hand a service off to someone else, then loads the new owner', async () => {
    signInAs('RELEASE_MANAGER');
    const handedOff = paymentsStabilizing();
    const window = handedOff.stabilization!;
    const { view } = mountView([
      answer([paymentsStabilizing()]),
      {
        request: { query: STABILIZATION_ASSIGN_OWNER_MUTATION, variables: { windowId: window.id, serviceId: 'rg:service:payments', owner: 'dave' } },
        result: {
          data: {
            assignStabilizationOwner: {
              __typename: 'StabilizationWindow',
              id: window.id,
              owners: [{ __typename: 'StabilizationOwner', owner: 'dave', serviceId: 'rg:service:payments', since: new Date(NOW).toISOString() }],
            },
          },
        },
      },
      answer([{ ...handedOff, stabilization: { ...window, owners: [{ ...window.owners[0]!, owner: 'dave' }] } }]),
    ]);
    await vi.waitFor(() => expect(windowsOf(view)).toHaveLength(1));
    expect(view.findAll('[data-testid=owner] button').map((b) => b.attributes('aria-label'))).toEqual(['Assign owner: ledger', 'Hand off: payments']);

    await view.get('[aria-label="Hand off: payments"]').trigger('click');
    await view.get('input[name=owner]').setValue('dave');
    await view.get('form').trigger('submit');
    await vi.waitFor(() => expect(shown(view.findAll('[data-testid=owner]')[1]!)).toMatch(/^payments: dave since /));
    expect(view.find('form').exists()).toBe(false);
  });
});
