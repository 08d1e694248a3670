import type { HubConfig } from '../config.js';
import type { Domain } from '../domain.js';
import type { Logger } from '../logger.js';

/**
 * The hub's background rounds. Each instance runs them; the rounds that must run once across
 * instances take an advisory lock and skip while another holds it, the others are idempotent.
 * A round starts `ms` after the previous one ended (a slow round never overlaps itself). Returns a
 * function that stops them and waits for the rounds still running, so none uses the database after.
 */
export function startRounds(domain: Domain, config: HubConfig, log: Logger): () => Promise<void> {
  let stopped = false;
  const running = new Set<Promise<unknown>>();
  const timers = new Set<NodeJS.Timeout>();
  const every = (ms: number, what: string, round: () => Promise<unknown>) => {
    const schedule = () => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        const run = round().catch((err: unknown) => log.error({ err }, `${what} failed`));
        running.add(run);
        void run.finally(() => {
          running.delete(run);
          if (!stopped) schedule();
        });
      }, ms);
      timer.unref();
      timers.add(timer);
    };
    schedule();
  };
  // Telemetry past retention (deletes are idempotent: instances need not agree who sweeps).
  every(60_000, 'telemetry sweep', () => domain.telemetry.sweep());
  // After the deploy: verdicts, burn-rate alerts, error spikes, stabilization windows.
  every(config.file.verification.interval, 'verification round', () => domain.verifier.evaluate());
  every(config.file.verification.interval, 'SLO round', () => domain.slos.evaluate());
  every(config.file.verification.interval, 'error-spike detection', () => domain.spikes.tick());
  every(config.file.verification.interval, 'stabilization round', () => domain.stabilization.tick());
  // Synthetic checks look every few seconds, so a fresh deployment is checked right away.
  every(5000, 'synthetic checks', () => domain.synthetics.tick());
  domain.connectors.start();
  domain.notifier.start();
  return async () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
    await Promise.all(running);
  };
}
