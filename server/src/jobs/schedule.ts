import type { HubConfig } from '../config.js';
import type { Domain } from '../domain.js';
import type { Logger } from '../logger.js';

/**
 * The hub's background rounds. Each instance runs them; the rounds that must run once across
 * instances take an advisory lock and skip while another holds it, the others are idempotent.
 * Returns a function that stops them.
 */
export function startJobs(domain: Domain, config: HubConfig, log: Logger): () => void {
  const every = (ms: number, what: string, round: () => Promise<unknown>) => {
    const timer = setInterval(() => {
      round().catch((err: unknown) => log.error({ err }, `${what} failed`));
    }, ms);
    timer.unref();
    return timer;
  };
  const timers = [
    // Telemetry past retention (deletes are idempotent: instances need not agree who sweeps).
    every(60_000, 'telemetry sweep', () => domain.telemetry.sweep()),
    // After the deploy: verdicts, burn-rate alerts, error spikes, stabilization windows.
    every(config.file.verification.interval, 'verification round', () => domain.verifier.evaluate()),
    every(config.file.verification.interval, 'SLO round', () => domain.slos.evaluate()),
    every(config.file.verification.interval, 'error-spike detection', () => domain.spikes.tick()),
    every(config.file.verification.interval, 'stabilization round', () => domain.stabilization.tick()),
    // Synthetic checks look every few seconds, so a fresh deployment is checked right away.
    every(5000, 'synthetic checks', () => domain.synthetics.tick()),
  ];
  domain.connectors.start();
  domain.notifier.start();
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
