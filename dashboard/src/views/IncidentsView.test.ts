import { ApolloClient, InMemoryCache } from '@apollo/client/core';
import { MockLink, type MockedResponse } from '@apollo/client/testing/core';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import type { ReleaseEventSummary } from '../hub/documents';
import { hubConnectionKey, type HubConnection } from '../hub/hub-connection';
import { failingCheckoutTrace, paymentsOutage, paymentsSuspect, resolvedLogin, slowSearch } from '../incidents/incident-fixtures';
import { INCIDENTS_QUERY, INCIDENT_TRACE_QUERY, type Incident, type Trace } from '../incidents/incident-source';
import { testRouter } from '../testing/router';
import IncidentsView from './IncidentsView.vue';

const TRACE_A = paymentsOutage.traceIds[0]!;
const TRACE_B = paymentsOutage.traceIds[1]!;

/** As the hub answers: with the type names Apollo asks for (the query's fragment is matched by them). */
const typed = (incident: Incident) => ({
  __typename: 'Incident',
  ...incident,
  services: incident.services.map((s) => ({ __typename: 'Service', ...s })),
  release: incident.release && { __typename: 'Release', ...incident.release },
  suspects: incident.suspects.map((s) => ({ __typename: 'Suspect', ...s })),
});
const page = (list: Incident[]) => ({ __typename: 'IncidentConnection', edges: list.map((node) => ({ __typename: 'IncidentEdge', node: typed(node) })) });
const incidents = (open: Incident[], resolved: Incident[] = []): MockedResponse => ({
  request: { query: INCIDENTS_QUERY },
  result: { data: { open: page(open), resolved: page(resolved) } },
});
const trace = (traceId: string, answer: Trace | null): MockedResponse => ({
  request: { query: INCIDENT_TRACE_QUERY, variables: { traceId } },
  result: { data: { trace: answer } },
});

/** The view over a mocked hub at `url`: Apollo answers from `responses`, `emit()` is a release event arriving. */
async function mountView(responses: MockedResponse[], url = '/incidents') {
  const listeners = new Set<(event: ReleaseEventSummary) => void>();
  const events = {
    onEvent: (listener: (event: ReleaseEventSummary) => void) => (listeners.add(listener), () => listeners.delete(listener)),
    onResync: () => () => undefined,
  };
  const apollo = new ApolloClient({ link: new MockLink(responses, true, { showWarnings: false }), cache: new InMemoryCache() });
  const query = vi.spyOn(apollo, 'query');
  const router = testRouter();
  await router.push(url);
  await router.isReady();
  const view = mount(IncidentsView, {
    global: { plugins: [router], provide: { [hubConnectionKey as symbol]: { apollo, events } as unknown as HubConnection } },
  });
  const emit = (type: string) => listeners.forEach((l) => l({ type, cursor: '1', releaseId: 'rel-7', subjectId: 'inc-9', occurredAt: '2026-11-26T09:10:00Z' }));
  return { view, router, emit, query };
}

/** Text as the browser renders it: runs of whitespace collapse to one space. */
const shown = (wrapper: { text(): string }): string => wrapper.text().replace(/\s+/g, ' ').trim();
type View = Awaited<ReturnType<typeof mountView>>['view'];
const listed = (view: View) => view.findAll('[data-testid=incident] h3').map((h) => shown(h));

describe('IncidentsView', () => {
  it('says it is loading until the incidents arrive', async () => {
    const { view } = await mountView([{ ...incidents([]), delay: Infinity }]);
    expect(view.get('[role=status]').text()).toBe('Loading incidents…');
  });

  it('says so when there are no incidents', async () => {
    const { view } = await mountView([incidents([])]);
    await vi.waitFor(() => expect(view.find('[data-testid=incident-list]').exists()).toBe(true));
    expect(view.get('[data-testid=incident-list]').text()).toContain('No incidents —');
    expect(view.find('[data-testid=suspects]').exists()).toBe(false);
  });

  it('shows why the incidents could not be loaded, and loads again on "Try again"', async () => {
    const { view } = await mountView([{ request: { query: INCIDENTS_QUERY }, error: new Error('Failed to fetch') }, incidents([slowSearch])]);
    await vi.waitFor(() => expect(view.find('[role=alert]').exists()).toBe(true));
    expect(view.get('[role=alert]').text()).toContain('The incidents could not be loaded: Failed to fetch');

    await view.get('[role=alert] button').trigger('click');
    await vi.waitFor(() => expect(listed(view)).toEqual(['INC-1041 Search latency above SLO']));
    expect(view.find('[role=alert]').exists()).toBe(false);
  });

  it('lists open incidents before resolved ones, with severity, status, source, times, summary and release', async () => {
    const { view } = await mountView([incidents([slowSearch, paymentsOutage], [resolvedLogin]), trace(TRACE_A, failingCheckoutTrace)]);
    await vi.waitFor(() => expect(listed(view)).toHaveLength(3));

    expect(listed(view)).toEqual(['INC-1042 Card payments failing', 'INC-1041 Search latency above SLO', 'INC-1039 Login errors']);
    const first = view.get('[data-testid=incident]');
    expect(shown(first)).toContain('SEV1 · critical');
    expect(shown(first)).toContain('Triggered');
    expect(shown(first)).toContain('via pagerduty');
    expect(shown(first)).toContain('Opened');
    expect(shown(first)).toContain(paymentsOutage.correlationSummary);
    expect(first.get('.release-link').attributes('href')).toBe('/releases/rel-7');
    expect(first.get('.select-link').attributes('aria-current')).toBe('true');
    const resolved = view.findAll('[data-testid=incident]')[2]!;
    expect(shown(resolved)).toContain('Resolved');
    expect(shown(resolved)).toContain('lasted 40m');
  });

  it("shows the selected incident's suspects in rank order with evidence, and its trace as a waterfall with the error marked", async () => {
    const { view } = await mountView([incidents([paymentsOutage]), trace(TRACE_A, failingCheckoutTrace)]);
    await vi.waitFor(() => expect(view.find('[data-testid=span-row]').exists()).toBe(true));

    const suspects = view.findAll('[data-testid=suspect]');
    expect(suspects.map((s) => shown(s.get('.head')))).toEqual([
      expect.stringMatching(/^Rank #1 payments 1\.8\.0 in prod · deployed/),
      expect.stringMatching(/^Rank #2 checkout 2\.4\.0 in prod · deployed/),
    ]);
    expect(suspects.map((s) => s.get('[data-testid=confidence]').text())).toEqual(['87 %', '12 %']);
    expect(suspects[0]!.get('.fill').attributes('style')).toContain('width: 87%');
    expect(suspects[0]!.findAll('.evidence li').map((li) => li.text())).toEqual(paymentsSuspect.evidence);
    expect(shown(suspects[0]!)).toContain('PAY-101');
    expect(suspects[0]!.get('code.chip[title]').text()).toBe('0123456');

    const rows = view.findAll('[data-testid=span-row]');
    expect(rows.map((r) => [r.attributes('data-depth'), shown(r.get('.service')), shown(r.get('.name'))])).toEqual([
      ['0', 'gateway', 'POST /checkout'],
      ['1', 'checkout', 'PlaceOrder'],
      ['2', 'payments', 'Charge'],
      ['0', 'payments', 'Charge (retry)'],
    ]);
    expect(rows.map((r) => r.attributes('data-error') ?? null)).toEqual([null, null, 'true', null]);
    expect(shown(rows[2]!.get('[data-testid=span-error]'))).toBe('⚠ error: card processor timeout');
    expect(shown(rows[2]!)).toContain('1.8.0');
    expect(shown(rows[3]!)).toContain('parent not kept');
    expect(rows[2]!.get('.bar').attributes('style')).toContain('left: 15%');

    // The first error span starts selected, its log lines highlighted; logs are in time order.
    const logs = view.get('[data-testid=trace-logs]').findAll('[data-testid=log-line]');
    expect(logs.map((l) => [shown(l.get('.severity')), shown(l.get('.body')), l.attributes('data-highlighted') ?? null])).toEqual([
      ['INFO', 'checkout started', null],
      ['ERROR', 'acquirer did not answer within 300 ms', 'true'],
    ]);
    expect(rows[2]!.get('button').attributes('aria-pressed')).toBe('true');

    // Keyboard: the arrow keys move the selection, and the highlighted logs follow.
    await rows[2]!.get('button').trigger('keydown', { key: 'ArrowUp' });
    await flushPromises();
    expect(view.findAll('[data-testid=span-row] button').map((b) => b.attributes('aria-pressed'))).toEqual(['false', 'true', 'false', 'false']);
    expect(view.findAll('[data-testid=log-line][data-highlighted]')).toHaveLength(0);
    await view.findAll('[data-testid=span-row] button')[0]!.trigger('click');
    expect(view.findAll('[data-testid=log-line]')[0]!.attributes('data-highlighted')).toBe('true');
  });

  it('loads the incident and trace named in the URL, and another trace when one is chosen', async () => {
    const other = { ...failingCheckoutTrace, traceId: TRACE_B, spans: failingCheckoutTrace.spans.slice(0, 1), logs: [] };
    const { view, router } = await mountView(
      [incidents([paymentsOutage, slowSearch]), trace(TRACE_B, other), trace(TRACE_A, failingCheckoutTrace)],
      `/incidents?incident=inc-1&trace=${TRACE_B}`,
    );
    await vi.waitFor(() => expect(view.findAll('[data-testid=span-row]')).toHaveLength(1));
    expect((view.get('[data-testid=trace-select]').element as HTMLSelectElement).value).toBe(TRACE_B);

    await view.get('[data-testid=trace-select]').setValue(TRACE_A);
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({ incident: 'inc-1', trace: TRACE_A }));
    await vi.waitFor(() => expect(view.findAll('[data-testid=span-row]')).toHaveLength(4));

    await router.push('/incidents?incident=inc-2');
    await vi.waitFor(() => expect(shown(view.get('[data-testid=incident-detail] h2'))).toBe('INC-1041 Search latency above SLO'));
    expect(view.get('[data-testid=suspects]').text()).toContain('No suspects — No errors on any of the 2 version(s)');
    expect(view.get('[data-testid=trace-waterfall]').text()).toContain('No trace is correlated with this incident.');
  });

  it('says so when the hub keeps none of the trace, and loads it again on Refresh', async () => {
    const { view } = await mountView([incidents([paymentsOutage]), trace(TRACE_A, null), trace(TRACE_A, failingCheckoutTrace)]);
    await vi.waitFor(() => expect(view.get('[data-testid=trace-waterfall]').text()).toContain('is not kept'));
    expect(view.find('[data-testid=trace-logs]').exists()).toBe(false);

    const refresh = view.findAll('button').find((b) => b.text() === 'Refresh')!;
    await refresh.trigger('click');
    await vi.waitFor(() => expect(view.findAll('[data-testid=span-row]')).toHaveLength(4));
  });

  it('loads the list again on incident and deployment events, not on others', async () => {
    const raised = { ...slowSearch, id: 'inc-9', key: 'INC-1043', title: 'Checkout 500s', severity: 'SEV2' as const, status: 'TRIGGERED' as const };
    const { view, emit, query } = await mountView([
      incidents([slowSearch]),
      incidents([slowSearch, raised]),
      incidents([{ ...slowSearch, status: 'RESOLVED', resolvedAt: '2026-11-26T09:20:00Z' }, raised]),
    ]);
    await vi.waitFor(() => expect(listed(view)).toEqual(['INC-1041 Search latency above SLO']));

    emit('verdict.recorded');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(query).toHaveBeenCalledTimes(1);

    emit('incident.created');
    await vi.waitFor(() => expect(listed(view)).toEqual(['INC-1043 Checkout 500s', 'INC-1041 Search latency above SLO']));

    emit('deployment.status_changed');
    await vi.waitFor(() => expect(shown(view.findAll('[data-testid=incident]')[1]!)).toContain('Resolved'));
    expect(query).toHaveBeenCalledTimes(3);
  });
});
