import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { afterFailure, afterSuccess, type Health } from './circuit.js';
import { ConnectorStatus } from './connector.types.js';

const policy = { circuitAfter: 3, circuitOpenMs: 60_000 };
const t0 = new Date('2026-12-06T10:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

function fail(prev: Health | null, times: number, from = 0, poll = true): Health {
  let h = prev;
  for (let i = 0; i < times; i++) h = afterFailure(h, at(from + i), `boom ${i}`, poll, policy);
  return h!;
}

describe('connector health (the circuit)', () => {
  it('fails, then opens the circuit after circuitAfter failed polls in a row, for circuitOpenMs', () => {
    const twice = fail(null, 2);
    expect(twice).toMatchObject({ status: ConnectorStatus.FAILING, consecutiveFailures: 2, circuitOpenUntil: null, lastError: 'boom 1' });
    const thrice = fail(twice, 1, 2);
    expect(thrice.status).toBe(ConnectorStatus.CIRCUIT_OPEN);
    expect(thrice.circuitOpenUntil).toEqual(at(62));
  });

  it("a poll's success closes the circuit and starts counting again", () => {
    const open = fail(null, 3);
    const ok = afterSuccess(open, at(70), true);
    expect(ok).toMatchObject({ status: ConnectorStatus.OK, consecutiveFailures: 0, circuitOpenUntil: null, lastSuccessAt: at(70), lastError: 'boom 2' });
    expect(fail(ok, 2, 71).status).toBe(ConnectorStatus.FAILING);
  });

  it("a webhook's success or refusal leaves an open poll circuit open until it ends", () => {
    const open = fail(null, 3);
    expect(afterSuccess(open, at(10), false)).toMatchObject({ status: ConnectorStatus.CIRCUIT_OPEN, circuitOpenUntil: at(62), consecutiveFailures: 3 });
    expect(afterFailure(open, at(10), 'bad signature', false, policy)).toMatchObject({ status: ConnectorStatus.CIRCUIT_OPEN, consecutiveFailures: 3 });
    // once its time is over, a webhook's success is plain OK
    expect(afterSuccess(open, at(63), false).status).toBe(ConnectorStatus.OK);
  });

  it('refused webhooks never open the circuit', () => {
    expect(fail(null, 10, 0, false)).toMatchObject({ status: ConnectorStatus.FAILING, consecutiveFailures: 0, circuitOpenUntil: null });
  });
});
