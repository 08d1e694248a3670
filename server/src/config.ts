import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CONNECTOR_KINDS, DEFAULT_RETRY, duration } from '@releasegraph/connectors';
import { parseConnectorConfigs, type ConnectorKinds } from './modules/connectors/connector-config.js';
import { CHANGE_KEY_PREFIX } from './modules/changes/change-key-rules.js';
import type { TierOverride } from './modules/environments/tier-rules.js';

/** Environment of the hub, parsed once at start-up (the only place that reads `process.env`). */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  RELEASEGRAPH_DATA_DIR: z.string().min(1).default('./.releasegraph'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  RELEASEGRAPH_CONFIG: z.string().min(1).optional(),
  /** A config file layered under RELEASEGRAPH_CONFIG (see loadConfigFiles); the demo estate hands its connectors and pace to the hub this way. */
  RELEASEGRAPH_CONFIG_DEFAULTS: z.string().min(1).optional(),
  RELEASEGRAPH_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const TIER_NAMES = ['PROD', 'STAGING', 'TEST', 'DEV'] as const;

/** `environments.tiers`: tiers by environment name or glob, tried in order before the built-in rules (tier-rules.ts). */
const tierOverrides = z
  .array(
    z
      .object({
        /** An environment name or a glob (`*`, `?`), case-insensitive, matching the whole name. */
        match: z.string().min(1, 'must be an environment name or a glob like eu-*'),
        tier: z.enum(TIER_NAMES, {
          error: (issue) => `must be one of ${TIER_NAMES.join(', ')} (upper case)${issue.input === undefined ? '' : `, not ${JSON.stringify(issue.input)}`}`,
        }),
      })
      .strict() satisfies z.ZodType<TierOverride>,
  )
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    for (const [i, entry] of list.entries()) {
      const key = entry.match.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'match'], message: `${JSON.stringify(entry.match)} is given twice; only the first applies` });
      seen.add(key);
    }
  });

/** The optional config file (`RELEASEGRAPH_CONFIG`). Unknown sections are errors: a misspelt section must not be ignored quietly. */
const fileSchema = z
  .object({
    connectors: z.array(z.looseObject({ id: z.string().min(1), kind: z.string().min(1) })).default([]),
    telemetry: z
      .object({
        /**
         * How long error traces, logs and per-minute rollups are kept. Older minutes are folded into
         * hourly rollups, kept this long or as long as the longest SLO window (90 days), whichever is longer.
         */
        retention: duration.default(7 * 24 * 3_600_000),
        /**
         * How long KPI samples of monitoring sources (Prometheus) are kept; never less than the
         * longest window that reads them (KPI SLOs, success criteria).
         */
        kpiRetention: duration.default(90 * 24 * 3_600_000),
        /** How long spans of traces without an error are kept (a late error span can still claim them). */
        grace: duration.default(15 * 60_000),
        /** The largest OTLP body accepted (after decompression), in bytes. */
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .default(16 * 1024 * 1024),
        /** When set, OTLP exports must send `Authorization: Bearer <token>` (an exporter's `headers` option). */
        token: z.string().min(16, 'must be at least 16 characters').optional(),
      })
      .default({ retention: 7 * 24 * 3_600_000, kpiRetention: 90 * 24 * 3_600_000, grace: 15 * 60_000, maxBodyBytes: 16 * 1024 * 1024 }),
    /** Where release events go: Slack and Teams incoming webhooks, signed generic webhooks. */
    notifications: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
          kind: z.enum(['slack', 'teams', 'webhook']),
          url: z.url({ protocol: /^https?$/ }),
          /** Generic webhooks: signs each delivery (X-Releasegraph-Signature). */
          secret: z.string().min(16, 'must be at least 16 characters').optional(),
          /** Event types to send; `rollback.*` matches by prefix. */
          events: z.array(z.string().min(1)).min(1).optional(),
          retry: z
            .object({
              base: duration.default(DEFAULT_RETRY.baseMs),
              cap: duration.default(DEFAULT_RETRY.capMs),
              attempts: z.number().int().min(1).max(20).default(8),
            })
            .optional(),
        }),
      )
      .default([])
      .refine((list) => new Set(list.map((c) => c.id)).size === list.length, 'notification channel ids must be unique'),
    /** After a production deployment: how long owners hold the release, who they are, how pages escalate. */
    stabilization: z
      .object({
        duration: duration.default(72 * 3_600_000),
        /** How long a window past its end is extended while problems are open. */
        extension: duration.default(3_600_000),
        /**
         * On-call rotation by service name: the n-th stabilization window that includes the service
         * (from 0, in the order windows open) is owned by the person at n mod the list's length.
         */
        owners: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
        /** Escalation levels: unacknowledged `after` this long from the page, page `to` (`owner` = the service's owner). */
        escalation: z
          .array(z.object({ after: z.union([z.literal(0), duration]), to: z.string().min(1) }))
          .min(1)
          .default([
            { after: 0, to: 'owner' },
            { after: 15 * 60_000, to: 'team-lead' },
            { after: 30 * 60_000, to: 'engineering-manager' },
          ]),
      })
      .default({
        duration: 72 * 3_600_000,
        extension: 3_600_000,
        owners: {},
        escalation: [
          { after: 0, to: 'owner' },
          { after: 15 * 60_000, to: 'team-lead' },
          { after: 30 * 60_000, to: 'engineering-manager' },
        ],
      }),
    /** HTTP checks run right after a deployment of their service succeeds, and on an interval while it stabilizes. */
    synthetics: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
          service: z.string().min(1),
          environment: z.string().min(1),
          url: z.url({ protocol: /^https?$/ }),
          method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
          expectStatus: z.number().int().min(100).max(599).default(200),
          timeout: duration.default(5000),
          interval: duration.default(5 * 60_000),
        }),
      )
      .default([]),
    /** Multi-window burn-rate alerts of every SLO (the SRE workbook's pairs when omitted). */
    slo: z
      .object({
        burnAlerts: z
          .array(
            z.object({
              name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
              severity: z.enum(['page', 'ticket']),
              long: duration,
              short: duration,
              factor: z.number().positive(),
            }),
          )
          .min(1)
          .refine((rules) => rules.every((r) => r.short < r.long), "each alert's short window must be shorter than its long one")
          .optional(),
      })
      .default({}),
    /** How environments named by sources get their tier. */
    environments: z
      .object({ tiers: tierOverrides.default([]) })
      .strict()
      .default({ tiers: [] }),
    /** Which ticket keys in commit messages and branch names name changes, besides Jira connectors' projects and ServiceNow's CHG. */
    changeKeys: z
      .object({
        prefixes: z
          .array(z.string().regex(CHANGE_KEY_PREFIX, 'must be a key prefix like OPS or CHG: an upper-case letter, then 1 to 9 upper-case letters, digits or _'))
          .default([]),
      })
      .strict()
      .default({ prefixes: [] }),
    verification: z
      .object({
        /** How often active deployments are evaluated against their success criteria. */
        interval: duration.default(30_000),
        /** How long after a deployment finishes it is still evaluated. */
        stabilization: duration.default(72 * 3_600_000),
        /** Per environment tier: `automatic` rolls back on a failed criterion, `recommended` asks a person (the default). */
        rollback: z.partialRecord(z.enum(['DEV', 'TEST', 'STAGING', 'PROD']), z.enum(['automatic', 'recommended'])).default({}),
      })
      .default({ interval: 30_000, stabilization: 72 * 3_600_000, rollback: {} }),
  })
  .strict();

export interface HubConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  adminToken: string | undefined;
  production: boolean;
  logLevel: string;
  file: FileConfig;
  /** The connectors of the config file, each parsed against its kind's spec. */
  connectors: ParsedConnectors['configs'];
}

type ParsedConnectors = ReturnType<typeof parseConnectorConfigs>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Replaces `${NAME}` with the environment's value; a missing variable is an error, not an empty string. */
export function substituteEnv(text: string, env: NodeJS.ProcessEnv, problems: string[]): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) {
      problems.push(`config file: \${${name}} is not set in the environment`);
      return '';
    }
    return value;
  });
}

type FileConfig = z.infer<typeof fileSchema>;

/** One config file, parsed and checked; `sections` are the top-level sections it gives (none when it is missing or wrong). */
function readConfigFile(variable: string, file: string, env: NodeJS.ProcessEnv, problems: string[]): { config: FileConfig; sections: string[] } {
  const none = { config: fileSchema.parse({}), sections: [] };
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`${variable}: cannot read ${path.resolve(file)} (${(error as Error).message})`);
    return none;
  }
  let data: unknown;
  try {
    data = parseYaml(substituteEnv(raw, env, problems)) ?? {};
  } catch (error) {
    problems.push(`config file ${file}: ${(error as Error).message}`);
    return none;
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`config file ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return none;
  }
  return { config: parsed.data, sections: data && typeof data === 'object' ? Object.keys(data) : [] };
}

/**
 * The config file (`RELEASEGRAPH_CONFIG`, else `./releasegraph.yaml` if present) over an optional
 * defaults file (`RELEASEGRAPH_CONFIG_DEFAULTS`): a section the config file gives is taken whole from
 * it, any other from the defaults file; the defaults file's connectors join the config file's unless
 * it declares one with the same id. What an operator configured always stands.
 */
function loadConfigFiles(env: NodeJS.ProcessEnv, problems: string[]): FileConfig {
  const explicit = env.RELEASEGRAPH_CONFIG;
  const file = explicit ?? (fs.existsSync('releasegraph.yaml') ? 'releasegraph.yaml' : undefined);
  const main = file ? readConfigFile('RELEASEGRAPH_CONFIG', file, env, problems) : { config: fileSchema.parse({}), sections: [] };
  const defaultsFile = env.RELEASEGRAPH_CONFIG_DEFAULTS;
  if (!defaultsFile) return main.config;
  const defaults = readConfigFile('RELEASEGRAPH_CONFIG_DEFAULTS', defaultsFile, env, problems);
  const merged: Record<string, unknown> = { ...main.config };
  for (const section of defaults.sections) if (!main.sections.includes(section)) merged[section] = defaults.config[section as keyof FileConfig];
  const declared = new Set(main.config.connectors.map((c) => c.id));
  merged.connectors = [...main.config.connectors, ...defaults.config.connectors.filter((c) => !declared.has(c.id))];
  return merged as FileConfig;
}

/**
 * What a hub's embedder (or a test) adds to the config: connector kinds by `kind:` name, beside the
 * kit's — one named like a kit kind replaces it (a test runs a converter of its own that way).
 */
export interface ConfigExtensions {
  connectorKinds?: ConnectorKinds;
}

/** Parses the environment and config file; throws a {@link ConfigError} listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, extensions: ConfigExtensions = {}): HubConfig {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const file = loadConfigFiles(env, problems);
  const connectors = parseConnectorConfigs(file.connectors, { ...CONNECTOR_KINDS, ...extensions.connectorKinds });
  problems.push(...connectors.problems);
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.RELEASEGRAPH_DATA_DIR),
    redisUrl: e.REDIS_URL,
    adminToken: e.RELEASEGRAPH_ADMIN_TOKEN,
    production: e.NODE_ENV === 'production',
    logLevel: e.LOG_LEVEL,
    file,
    connectors: connectors.configs,
  };
}
