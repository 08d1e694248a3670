import { describe, expect, it } from 'vitest';
import { budgetConsumed, budgetRemaining, burnRate, DEFAULT_BURN_RULES, evaluateBurnAlerts } from './burn-rate.js';

describe('burn rates, by hand', () => {
  it('is the bad fraction over the allowed fraction', () => {
    // 99.9 % allows 0.1 %: 1.44 % bad is 14.4× the pace.
    expect(burnRate({ bad: 144, total: 10_000 }, 0.999)).toBeCloseTo(14.4, 10);
    // 99 % allows 1 %: 0.5 % bad is half the pace.
    expect(burnRate({ bad: 5, total: 1000 }, 0.99)).toBeCloseTo(0.5, 10);
    expect(burnRate({ bad: 0, total: 0 }, 0.99)).toBeNull();
  });

  it('reads the budget left and the budget a release consumed', () => {
    // 99.9 % over 1,000,000 requests allows 1,000 bad; 250 bad leaves 75 %.
    expect(budgetRemaining({ bad: 250, total: 1_000_000 }, 0.999)).toBeCloseTo(0.75, 10);
    expect(budgetRemaining({ bad: 1500, total: 1_000_000 }, 0.999)).toBeCloseTo(-0.5, 10);
    // A release whose version caused 120 of the 1,000 allowed bad requests consumed 12 %.
    expect(budgetConsumed(120, 1_000_000, 0.999)).toBeCloseTo(0.12, 10);
  });

  it('fires an alert only when both its windows burn at its factor', () => {
    const objective = 0.999;
    // Long windows at 15× everywhere; the 5-minute window has recovered (2×), the 30-minute one has not (7×).
    const counts = (seconds: number) => (seconds === 300 ? { bad: 2, total: 1000 } : seconds === 1800 ? { bad: 7, total: 1000 } : { bad: 15, total: 1000 });
    const alerts = evaluateBurnAlerts(DEFAULT_BURN_RULES, objective, counts);
    expect(
      alerts.map((a) => [a.name, a.longBurnRate && Number(a.longBurnRate.toFixed(2)), a.shortBurnRate && Number(a.shortBurnRate.toFixed(2)), a.firing]),
    ).toEqual([
      ['fast', 15, 2, false], // 1 h at 15× ≥ 14.4, but 5 min at 2× < 14.4
      ['medium', 15, 7, true], // 6 h at 15× and 30 min at 7×, both ≥ 6
      ['slow', 15, 15, true], // 3 d and 6 h at 15×, both ≥ 1
    ]);
  });

  it('never fires on a window without traffic', () => {
    const alerts = evaluateBurnAlerts(DEFAULT_BURN_RULES, 0.99, (s) => (s === 300 ? { bad: 0, total: 0 } : { bad: 50, total: 100 }));
    expect(alerts.find((a) => a.name === 'fast')!.firing).toBe(false);
  });
});
