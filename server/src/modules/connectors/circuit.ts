import type { ConnectorState } from './connector-state.entity.js';
import { ConnectorStatus } from './connector.types.js';

/** A connector's health as it is kept in `connector_state` (without its id). */
export type Health = Omit<ConnectorState, 'connectorId'>;

/**
 * The connector health machine, pure (the connector runtime writes what it returns under a row
 * lock, and a status change is a `connector.status_changed` event):
 * - a poll's success closes the circuit and resets the failure count (OK);
 * - a webhook's success is OK too, but leaves an open poll circuit open (it says nothing of the polled source);
 * - a failure is FAILING; `circuitAfter` failed polls in a row open the circuit for `circuitOpenMs`
 *   (CIRCUIT_OPEN: polls pause until then);
 * - a refused webhook does not count toward the circuit and leaves an open one open.
 */
export function afterSuccess(prev: Health | null, now: Date, fromPoll: boolean): Health {
  const circuitOpen = !fromPoll && isOpen(prev, now);
  return {
    status: circuitOpen ? ConnectorStatus.CIRCUIT_OPEN : ConnectorStatus.OK,
    lastSuccessAt: now,
    lastError: prev?.lastError ?? null,
    lastErrorAt: prev?.lastErrorAt ?? null,
    consecutiveFailures: fromPoll ? 0 : (prev?.consecutiveFailures ?? 0),
    circuitOpenUntil: circuitOpen ? prev!.circuitOpenUntil : null,
  };
}

export function afterFailure(
  prev: Health | null,
  now: Date,
  reason: string,
  countsTowardCircuit: boolean,
  policy: { circuitAfter: number; circuitOpenMs: number },
): Health {
  const failures = (prev?.consecutiveFailures ?? 0) + (countsTowardCircuit ? 1 : 0);
  const opens = countsTowardCircuit && failures >= policy.circuitAfter;
  const stillOpen = !countsTowardCircuit && isOpen(prev, now);
  return {
    status: opens || stillOpen ? ConnectorStatus.CIRCUIT_OPEN : ConnectorStatus.FAILING,
    lastSuccessAt: prev?.lastSuccessAt ?? null,
    lastError: reason,
    lastErrorAt: now,
    consecutiveFailures: failures,
    circuitOpenUntil: opens ? new Date(now.getTime() + policy.circuitOpenMs) : stillOpen ? prev!.circuitOpenUntil : null,
  };
}

function isOpen(prev: Health | null, now: Date): boolean {
  return prev?.status === ConnectorStatus.CIRCUIT_OPEN && prev.circuitOpenUntil !== null && prev.circuitOpenUntil > now;
}
