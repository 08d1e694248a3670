import { ApolloClient, InMemoryCache } from '@apollo/client/core';
import { MockLink, type MockedResponse } from '@apollo/client/testing/core';
import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { github, servicenow } from '../connectors/connector-fixtures';
import { CONNECTORS_QUERY, type ConnectorHealth } from '../connectors/connector-source';
import { hubConnectionKey, type HubConnection } from '../hub/hub-connection';
import ConnectorsView from './ConnectorsView.vue';

const answer = (connectors: ConnectorHealth[]): MockedResponse => ({ request: { query: CONNECTORS_QUERY }, result: { data: { connectors } } });

/** The view over a mocked hub: Apollo answers from `responses`, `emitEvent()` is a release event arriving. */
function mountView(responses: MockedResponse[]) {
  const listeners = new Set<() => void>();
  const events = {
    onEvent: (listener: () => void) => (listeners.add(listener), () => listeners.delete(listener)),
    onResync: () => () => undefined,
  };
  const apollo = new ApolloClient({ link: new MockLink(responses, true, { showWarnings: false }), cache: new InMemoryCache() });
  const view = mount(ConnectorsView, {
    global: { provide: { [hubConnectionKey as symbol]: { apollo, events } as unknown as HubConnection } },
  });
  return { view, emitEvent: () => listeners.forEach((l) => l()) };
}

const rows = (view: ReturnType<typeof mountView>['view']) => view.findAll('tbody tr').map((tr) => tr.findAll('th, td').map((c) => c.text()));

describe('ConnectorsView', () => {
  it('says it is loading, then lists each connector with status, lag, dead letters and last error', async () => {
    const { view } = mountView([answer([github, servicenow])]);
    expect(view.get('[role=status]').text()).toBe('Loading connectors…');

    await vi.waitFor(() => expect(view.find('table').exists()).toBe(true));
    const [first, second] = rows(view);
    expect(first).toEqual(['github', 'github', 'OK', expect.any(String), '—', '0', '—']);
    expect(second).toEqual(['servicenow', 'servicenow', 'Failing', 'never', '16 min', '3', '401 Unauthorized from https://example.service-now.com']);
  });

  it('says so when no connector is configured', async () => {
    const { view } = mountView([answer([])]);
    await vi.waitFor(() => expect(view.text()).toContain('No connectors are configured.'));
  });

  it('shows why the connectors could not be loaded', async () => {
    const { view } = mountView([{ request: { query: CONNECTORS_QUERY }, error: new Error('Failed to fetch') }]);
    await vi.waitFor(() => expect(view.find('[role=alert]').exists()).toBe(true));
    expect(view.get('[role=alert]').text()).toContain('The connectors could not be loaded: Failed to fetch');
  });

  it('loads again when a release event arrives', async () => {
    const { view, emitEvent } = mountView([answer([servicenow]), answer([{ ...servicenow, status: 'OK', lastError: null, deadLetters: 0 }])]);
    await vi.waitFor(() => expect(rows(view)[0]?.[2]).toBe('Failing'));

    emitEvent();
    await vi.waitFor(() => expect(rows(view)[0]?.[2]).toBe('OK'));
    expect(rows(view)[0]?.[5]).toBe('0');
  });
});
