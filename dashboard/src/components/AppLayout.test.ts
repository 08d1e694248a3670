import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { defineComponent, ref } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { ConnectionState } from '../hub/release-event-feed';
import AppLayout from './AppLayout.vue';

const connection = ref<ConnectionState>('connecting');
const dispose = vi.fn();

vi.mock('../hub/hub-connection', () => ({
  hubConnectionKey: Symbol('hub-connection'),
  createHubConnection: () => ({ apollo: {}, socket: {}, events: { state: connection }, dispose }),
}));

async function mountLayout() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: defineComponent({ template: '<h1>Board</h1>' }) },
      ...['/kpis', '/incidents', '/stabilization', '/connectors'].map((path) => ({ path, component: defineComponent({ template: `<h1>${path}</h1>` }) })),
    ],
  });
  await router.push('/');
  const layout = mount(AppLayout, {
    props: { session: { token: 't', viewer: { name: 'alice', role: 'RELEASE_MANAGER', permissions: ['release:write', 'deployment:write'] } } },
    global: { plugins: [router] },
  });
  await flushPromises();
  return { layout, router };
}

describe('AppLayout', () => {
  it('shows the offline banner while the live connection is down, and hides it once back', async () => {
    connection.value = 'online';
    const { layout } = await mountLayout();
    expect(layout.get('[role=status]').text()).toBe('');

    connection.value = 'offline';
    await flushPromises();
    expect(layout.get('[role=status]').text()).toBe('Offline — reconnecting…');

    connection.value = 'online';
    await flushPromises();
    expect(layout.get('[role=status]').text()).toBe('');
  });

  it('offers the views as navigation and says who is signed in', async () => {
    const { layout } = await mountLayout();
    const links = layout.findAll('nav[aria-label=Views] a');
    expect(links.map((a) => [a.text(), a.attributes('href')])).toEqual([
      ['Status board', '/'],
      ['Live KPIs', '/kpis'],
      ['Incidents', '/incidents'],
      ['Stabilization', '/stabilization'],
      ['Connectors', '/connectors'],
    ]);
    expect(layout.get('.viewer').text()).toContain('alice (release manager)');
  });

  it('closes its hub connection when it goes away (sign-out)', async () => {
    const { layout } = await mountLayout();
    layout.unmount();
    expect(dispose).toHaveBeenCalled();
  });
});
