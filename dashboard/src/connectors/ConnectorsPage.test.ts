import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeConnectorSource, github, servicenow } from './connector-fixtures';
import ConnectorsPage from './ConnectorsPage.vue';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(new Date('2026-11-26T09:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

const statuses = (page: ReturnType<typeof mount>) => page.findAll('tbody tr').map((tr) => tr.findAll('td')[1]?.text());

describe('ConnectorsPage', () => {
  it('looks again every 15 s, without an event: lag moves on its own', async () => {
    const fake = fakeConnectorSource(() => Promise.resolve([servicenow]));
    const page = mount(ConnectorsPage, { props: { source: fake.source } });
    await flushPromises();
    expect(statuses(page)).toEqual(['Failing']);
    expect(page.get('.updated').text()).toMatch(/^Updated /);

    fake.answerWith(() => Promise.resolve([{ ...servicenow, status: 'OK' }]));
    await vi.advanceTimersByTimeAsync(15_000);
    expect(fake.loadCount()).toBe(2);
    expect(statuses(page)).toEqual(['OK']);
  });

  it('keeps the last connectors when a refresh fails, says so, and stops listening when it leaves', async () => {
    const fake = fakeConnectorSource(() => Promise.resolve([github]));
    const page = mount(ConnectorsPage, { props: { source: fake.source, refreshDelayMs: 10 } });
    await flushPromises();
    fake.answerWith(() => Promise.reject(new Error('Failed to fetch')));
    fake.emitChange();
    await vi.advanceTimersByTimeAsync(10);
    await flushPromises();
    expect(page.get('[role=alert]').text()).toMatch(/^Could not refresh \(Failed to fetch\); showing the connectors as of .+\.$/);
    expect(statuses(page)).toEqual(['OK']);

    page.unmount();
    expect(fake.listenerCount()).toBe(0);
  });
});
