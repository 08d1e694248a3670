/*
 * Error budgets and multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs").
 * An SLO of objective o allows a fraction (1 − o) of bad events; the burn rate over a window is the
 * bad fraction seen there divided by that allowance (1 = spending the budget exactly at the pace
 * that empties it at the end of the SLO window). An alert fires when both its long and its short
 * window burn faster than its factor: the long window proves it matters, the short one that it is
 * still going on.
 */

export interface Counts {
  bad: number;
  total: number;
}

/** A burn-rate alert: a long and a short window (seconds) and the factor both must reach. */
export interface BurnAlertRule {
  name: string;
  severity: 'page' | 'ticket';
  longSeconds: number;
  shortSeconds: number;
  factor: number;
}

/** The workbook's pairs: 2 % of a 30-day budget in 1 h, 5 % in 6 h (page), 10 % in 3 days (ticket). */
export const DEFAULT_BURN_RULES: readonly BurnAlertRule[] = [
  { name: 'fast', severity: 'page', longSeconds: 3600, shortSeconds: 300, factor: 14.4 },
  { name: 'medium', severity: 'page', longSeconds: 6 * 3600, shortSeconds: 1800, factor: 6 },
  { name: 'slow', severity: 'ticket', longSeconds: 3 * 86_400, shortSeconds: 6 * 3600, factor: 1 },
];

/** The burn rate of a window; null without events. */
export function burnRate(counts: Counts, objective: number): number | null {
  if (!counts.total) return null;
  return counts.bad / counts.total / (1 - objective);
}

/** The error budget left over the SLO window, as a fraction (negative once overspent); null without events. */
export function budgetRemaining(counts: Counts, objective: number): number | null {
  if (!counts.total) return null;
  return 1 - counts.bad / ((1 - objective) * counts.total);
}

/**
 * The budget a set of bad events consumed, as a fraction of what the SLO window allows given its
 * traffic (`windowTotal`): what a release's versions spent since they were deployed.
 */
export function budgetConsumed(bad: number, windowTotal: number, objective: number): number | null {
  if (!windowTotal) return null;
  return bad / ((1 - objective) * windowTotal);
}

export interface BurnAlertState extends BurnAlertRule {
  longBurnRate: number | null;
  shortBurnRate: number | null;
  firing: boolean;
}

/** Each rule with its two windows' burn rates and whether it fires. */
export function evaluateBurnAlerts(rules: readonly BurnAlertRule[], objective: number, countsOver: (seconds: number) => Counts): BurnAlertState[] {
  return rules.map((rule) => {
    const longBurnRate = burnRate(countsOver(rule.longSeconds), objective);
    const shortBurnRate = burnRate(countsOver(rule.shortSeconds), objective);
    const firing = longBurnRate !== null && shortBurnRate !== null && longBurnRate >= rule.factor && shortBurnRate >= rule.factor;
    return { ...rule, longBurnRate, shortBurnRate, firing };
  });
}
