import path from 'node:path';
import { z } from 'zod';

/** The demo's environment, parsed once at start-up (the only place that reads `process.env`). */
const envSchema = z.object({
  /** The hub's data directory: the demo keeps its git repositories and its API token under `<dir>/demo`. */
  RELEASEGRAPH_DATA_DIR: z.string().min(1).default('./.releasegraph'),
  /** Milliseconds between two steps of the story. */
  RELEASEGRAPH_DEMO_STEP_MS: z.coerce.number().int().min(100).default(4000),
  /** The hub's admin token: the demo makes its own release-manager token with it, over GraphQL. */
  RELEASEGRAPH_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The bearer token OTLP exports need, when the hub's config file sets `telemetry.token`. */
  RELEASEGRAPH_DEMO_OTLP_TOKEN: z.string().min(1).optional(),
  /** Where the hub listens (the same variables the hub reads). */
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface DemoConfig {
  /** The demo's own folder: `<data dir>/demo`. */
  dir: string;
  stepMs: number;
  adminToken: string | undefined;
  otlpToken: string | undefined;
  port: number;
  host: string;
  logLevel: string;
}

/** Parses the environment; throws an Error listing every problem. */
export function loadDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  const e = parsed.data;
  return {
    dir: path.resolve(e.RELEASEGRAPH_DATA_DIR, 'demo'),
    stepMs: e.RELEASEGRAPH_DEMO_STEP_MS,
    adminToken: e.RELEASEGRAPH_ADMIN_TOKEN,
    otlpToken: e.RELEASEGRAPH_DEMO_OTLP_TOKEN,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
  };
}
