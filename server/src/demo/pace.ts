import type { HubConfig } from '../config.js';
import { ESCALATION_TARGETS, SHOP } from './shop.js';

/** The verification, SLO, spike and stabilization rounds: twice per story step, at least every second, at most the default 30 s. */
export const demoRoundMs = (stepMs: number) => Math.min(30_000, Math.max(1000, 2 * stepMs));

/**
 * The hub's configuration at the demo's pace. A story step takes seconds, so the after-the-deploy
 * rounds, stabilization windows and escalation levels (hours and minutes by default) are scaled to
 * the step — but only the sections the config file left to their defaults: what an operator
 * configured stays as configured.
 */
export function demoPace(config: HubConfig): HubConfig {
  const step = config.demoStepMs;
  const given = new Set(config.fileSections);
  let file = config.file;
  // A window long enough for a bad release to be caught, paged and rolled back inside it.
  const windowMs = Math.max(60_000, 40 * step);
  if (!given.has('verification')) {
    // Deployments are evaluated while their window is open, not for 72 hours (the loop deploys all day).
    file = { ...file, verification: { ...file.verification, interval: demoRoundMs(step), stabilization: windowMs } };
  }
  if (!given.has('stabilization')) {
    file = {
      ...file,
      stabilization: {
        duration: windowMs,
        extension: 10 * step,
        owners: Object.fromEntries(Object.values(SHOP).map((s) => [s.name, s.owners])),
        // An unacknowledged page climbs a level every four steps.
        escalation: ESCALATION_TARGETS.map((to, level) => ({ after: level * 4 * step, to })),
      },
    };
  }
  return { ...config, file };
}
