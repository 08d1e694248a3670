import type { ConnectorHealth, ConnectorSource } from './connector-source';

/** Connectors for the connectors view's tests, shaped like the Connectors query's answer. */

/** Healthy: polled a minute ago, nothing waiting. */
export const github: ConnectorHealth = {
  id: 'github',
  kind: 'github',
  status: 'OK',
  lastSuccessAt: '2026-11-26T08:59:00Z',
  lag: null,
  lastError: null,
  deadLetters: 0,
};

/** Failing: refused by the vendor, never succeeded, three records waiting. */
export const servicenow: ConnectorHealth = {
  id: 'servicenow',
  kind: 'servicenow',
  status: 'FAILING',
  lastSuccessAt: null,
  lag: 930,
  lastError: '401 Unauthorized from https://example.service-now.com',
  deadLetters: 3,
};

/** A connector source the test drives: what the next load answers, and when a release event arrives. */
export function fakeConnectorSource(first: () => Promise<ConnectorHealth[]>) {
  let answer = first;
  let loads = 0;
  const listeners = new Set<() => void>();
  const source: ConnectorSource = {
    load() {
      loads += 1;
      return answer();
    },
    watchChanges(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
  };
  return {
    source,
    answerWith(next: () => Promise<ConnectorHealth[]>) {
      answer = next;
    },
    emitChange() {
      for (const listener of listeners) listener();
    },
    listenerCount: () => listeners.size,
    loadCount: () => loads,
  };
}
