import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BoardRelease } from '../hub/documents';
import { checkoutInTrouble, paymentsDeploying } from './board-fixtures';
import type { BoardSource } from './board-source';
import { testRouter } from '../testing/router';
import StatusBoard from './StatusBoard.vue';

/** A board source the test drives: what the next load answers, and when the graph "changes". */
function fakeSource(firstAnswer: () => Promise<BoardRelease[]>) {
  let answer = firstAnswer;
  const listeners = new Set<() => void>();
  const source: BoardSource = {
    load: vi.fn(() => answer()),
    watchChanges(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
  };
  return {
    source,
    answerWith(next: () => Promise<BoardRelease[]>) {
      answer = next;
    },
    /** A release event arrives. */
    emitChange() {
      for (const listener of listeners) listener();
    },
    listenerCount: () => listeners.size,
  };
}

/** Text as the browser renders it: runs of whitespace collapse to one space. */
const shown = (wrapper: { text(): string }): string => wrapper.text().replace(/\s+/g, ' ');

const NOW = new Date('2026-11-26T09:00:00Z');

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('StatusBoard', () => {
  it('says it is loading until the releases arrive', async () => {
    const { source } = fakeSource(() => new Promise(() => undefined));
    const board = mount(StatusBoard, { props: { source }, global: { plugins: [testRouter()] } });
    await flushPromises();

    expect(board.get('[role=status]').text()).toBe('Loading releases…');
    expect(board.findAll('[data-testid=release-card]')).toHaveLength(0);
  });

  it('says so when the hub has no releases', async () => {
    const { source } = fakeSource(() => Promise.resolve([]));
    const board = mount(StatusBoard, { props: { source }, global: { plugins: [testRouter()] } });
    await flushPromises();

    expect(board.get('[role=status]').text()).toContain('No releases yet');
    expect(board.text()).not.toContain('Loading');
  });

  it('shows why loading failed and loads again on "Try again"', async () => {
    const fake = fakeSource(() => Promise.reject(new Error('the API token is not valid')));
    const board = mount(StatusBoard, { props: { source: fake.source }, global: { plugins: [testRouter()] } });
    await flushPromises();

    expect(board.get('[role=alert]').text()).toContain('The releases could not be loaded: the API token is not valid');

    fake.answerWith(() => Promise.resolve([paymentsDeploying]));
    await board.get('button').trigger('click');
    await flushPromises();

    expect(board.find('[role=alert]').exists()).toBe(false);
    expect(board.get('[data-testid=release-card] h2').text()).toBe('Payments 1.8.0');
  });

  it('shows each release with its phase, deployments, verdicts, rollback, window and owners', async () => {
    const { source } = fakeSource(() => Promise.resolve([paymentsDeploying, checkoutInTrouble]));
    const board = mount(StatusBoard, { props: { source }, global: { plugins: [testRouter()] } });
    await flushPromises();

    const cards = board.findAll('[data-testid=release-card]');
    expect(cards.map((c) => c.get('h2').text())).toEqual(['Payments 1.8.0', 'Checkout 2.4.0']);

    const checkout = cards[1]!;
    const text = checkout.text();
    expect(checkout.get('.phase').text()).toBe('Stabilizing');
    expect(shown(checkout.get('.verdicts'))).toBe('PASS 2 · FAIL 1 · INCONCLUSIVE 0');
    expect(text).toContain('Failing');
    expect(checkout.findAll('.environment').map((e) => e.text())).toEqual([
      'staging STAGING: checkout 2.4.0: Succeeded',
      'prod-eu PROD: checkout 2.4.0: Succeeded',
    ]);
    expect(checkout.get('.rollback').text()).toContain('Rollback recommended');
    expect(checkout.get('.rollback').text()).toContain('error_rate 4.1% exceeds 1% over 10 minutes');
    expect(text).toContain('Stabilization · Open');
    // The window ends 2026-11-29T08:05Z; it is 2026-11-26T09:00Z.
    expect(checkout.get('.countdown').text()).toBe('71h 05m left');
    expect(text).toContain('Owners: alice (checkout)');
    // One of its two incidents is still open.
    expect(checkout.findAll('.facts dd')[2]!.text()).toBe('1');
    expect(shown(checkout.get('[data-testid=approvals]'))).toBe('Approved (2/2)');
    expect(shown(checkout.get('[data-testid=gates]'))).toBe('Gates passed (2/2)');
    // Alice did not acknowledge: the page climbed to Bob; it climbs again at 09:10.
    expect(shown(checkout.get('[data-testid=escalation]'))).toBe('Paging bob · level 2 · climbs in 10m 00s');
    expect(checkout.get('h2 a').attributes('href')).toBe('/releases/rel-checkout-2.4.0');

    const payments = cards[0]!;
    expect(payments.get('.phase').text()).toBe('Deploying');
    expect(payments.text()).toContain('No verdicts yet');
    expect(payments.get('.deployment').text()).toBe('payments 1.8.0: In progress');
    expect(payments.find('.rollback').exists()).toBe(false);
    expect(shown(payments.get('[data-testid=approvals]'))).toBe('Awaiting approval (0/1)');
    expect(shown(payments.get('[data-testid=gates]'))).toBe('Gate failed: dependency scan');
    expect(payments.find('[data-testid=escalation]').exists()).toBe(false);
  });

  it('counts the stabilization window down every second', async () => {
    const { source } = fakeSource(() =>
      Promise.resolve([{ ...checkoutInTrouble, stabilization: { ...checkoutInTrouble.stabilization!, endsAt: '2026-11-26T09:01:00Z' } }]),
    );
    const board = mount(StatusBoard, { props: { source }, global: { plugins: [testRouter()] } });
    await flushPromises();
    expect(board.get('.countdown').text()).toBe('1m 00s left');

    await vi.advanceTimersByTimeAsync(5000);
    expect(board.get('.countdown').text()).toBe('0m 55s left');
  });

  it('says a closed window is closed instead of counting it down', async () => {
    const { source } = fakeSource(() =>
      Promise.resolve([{ ...checkoutInTrouble, stabilization: { ...checkoutInTrouble.stabilization!, status: 'ROLLED_BACK' as const, escalations: [] } }]),
    );
    const board = mount(StatusBoard, { props: { source }, global: { plugins: [testRouter()] } });
    await flushPromises();
    expect(board.text()).toContain('Stabilization · Closed · rolled back');
    expect(board.text()).toContain('Window closed.');
    expect(board.find('.countdown').exists()).toBe(false);
  });

  it('loads again once after a burst of release events, and shows the new state without a reload', async () => {
    const fake = fakeSource(() => Promise.resolve([paymentsDeploying]));
    const board = mount(StatusBoard, { props: { source: fake.source }, global: { plugins: [testRouter()] } });
    await flushPromises();
    expect(board.get('.deployment').text()).toBe('payments 1.8.0: In progress');

    const rolledOut: BoardRelease = {
      ...paymentsDeploying,
      status: 'STABILIZING',
      deployments: paymentsDeploying.deployments.map((d) => ({ ...d, status: 'SUCCEEDED' as const, verdicts: [{ id: 'v-pay', outcome: 'PASS' as const }] })),
    };
    fake.answerWith(() => Promise.resolve([rolledOut]));
    fake.emitChange();
    fake.emitChange();
    await vi.advanceTimersByTimeAsync(200);
    fake.emitChange();
    await vi.advanceTimersByTimeAsync(299);
    // Still debouncing: the old state, one load so far.
    expect(fake.source.load).toHaveBeenCalledTimes(1);
    expect(board.get('.phase').text()).toBe('Deploying');

    await vi.advanceTimersByTimeAsync(1);
    await flushPromises();
    expect(fake.source.load).toHaveBeenCalledTimes(2);
    expect(board.get('.phase').text()).toBe('Stabilizing');
    expect(board.get('.deployment').text()).toBe('payments 1.8.0: Succeeded');
    expect(shown(board.get('.verdicts'))).toBe('PASS 1 · FAIL 0 · INCONCLUSIVE 0');
  });

  it('keeps showing the last releases when a refresh fails, and says so', async () => {
    const fake = fakeSource(() => Promise.resolve([paymentsDeploying]));
    const board = mount(StatusBoard, { props: { source: fake.source }, global: { plugins: [testRouter()] } });
    await flushPromises();

    fake.answerWith(() => Promise.reject(new Error('Failed to fetch')));
    fake.emitChange();
    await vi.advanceTimersByTimeAsync(300);
    await flushPromises();

    expect(board.get('[role=alert]').text()).toContain('Could not refresh (Failed to fetch)');
    expect(board.get('[data-testid=release-card] h2').text()).toBe('Payments 1.8.0');
  });

  it('stops listening for events when it leaves the page', async () => {
    const fake = fakeSource(() => Promise.resolve([]));
    const board = mount(StatusBoard, { props: { source: fake.source }, global: { plugins: [testRouter()] } });
    await flushPromises();
    expect(fake.listenerCount()).toBe(1);

    board.unmount();
    expect(fake.listenerCount()).toBe(0);
  });
});
