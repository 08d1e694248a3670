import path from 'node:path';
import { createLogger, DemoEstate, prepareDemo, type DemoSetup } from '@releasegraph/demo';

/** The demo estate, driving a hub from outside as `pnpm start` runs it: its sources and hub config first, the story once the hub listens. */
export interface TestDemo {
  /** The hub's environment for the demo (RELEASEGRAPH_CONFIG_DEFAULTS and its webhook secrets). */
  hubEnv: Record<string, string>;
  /** Plays the story against the hub at `url`, with the hub's admin token. */
  start(url: string, adminToken: string): Promise<void>;
  /** Stops the story; then, after the hub stopped, pass `close`. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** Prepares the demo under `<dataDir>/demo` at `stepMs` a step; start the hub with `hubEnv`, then `start`. */
export async function prepareTestDemo(dataDir: string, stepMs: number): Promise<TestDemo> {
  const setup: DemoSetup = await prepareDemo({ dir: path.join(dataDir, 'demo'), stepMs });
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn');
  let estate: DemoEstate | undefined;
  return {
    hubEnv: setup.hubEnv,
    start: async (url, adminToken) => {
      estate = new DemoEstate(log, { url, setup, adminToken });
      await estate.start();
    },
    stop: async () => {
      await estate?.stop();
    },
    close: () => setup.close(),
  };
}
