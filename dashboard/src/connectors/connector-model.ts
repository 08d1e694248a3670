import { formatSeconds, formatTime } from '../shared/format';
import type { ConnectorHealth } from './connector-source';

/* Pure functions of the connectors view: a connector's health as the table's words. */

export interface ConnectorRow {
  connector: ConnectorHealth;
  /** "never" when it never succeeded. */
  lastSuccess: string;
  /** "16 min", or "—" when the hub cannot tell. */
  lag: string;
  /** Dead letters wait for someone to look at them. */
  alarm: boolean;
  lastError: string;
}

/** "45 s", "16 min", "1 h 30 min"; "—" for a connector without a lag (a webhook, or never run). */
export const formatLag = (seconds: number | null): string => (seconds === null ? '—' : formatSeconds(seconds));

/** The connectors in the hub's order, as the table shows them. */
export function connectorRows(connectors: readonly ConnectorHealth[], formatAt: (iso: string) => string = formatTime): ConnectorRow[] {
  return connectors.map((connector) => ({
    connector,
    lastSuccess: connector.lastSuccessAt ? formatAt(connector.lastSuccessAt) : 'never',
    lag: formatLag(connector.lag),
    alarm: connector.deadLetters > 0,
    lastError: connector.lastError ?? '—',
  }));
}
