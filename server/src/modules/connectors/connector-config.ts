import { CONNECTOR_KINDS, DEFAULT_RETRY, duration, type ConnectorKind, type RetryPolicy } from '@releasegraph/connectors';
import { z } from 'zod';

type AnyConfig = { id: string; kind: string };

/** One configured connector: its kind's parsed config, and how the hub runs it. */
export interface ConfiguredConnector {
  config: AnyConfig;
  kind: ConnectorKind<AnyConfig>;
  /** How often its streams are polled (ms); only for kinds with streams. */
  pollIntervalMs: number;
  retry: RetryPolicy;
}

/** Fields every connector entry may carry, whatever its kind: how the hub retries it. */
const runtimeSchema = z.object({
  pollInterval: duration.default(60_000),
  retry: z
    .object({
      base: duration.default(DEFAULT_RETRY.baseMs),
      cap: duration.default(DEFAULT_RETRY.capMs),
      attempts: z.number().int().min(1).max(20).default(DEFAULT_RETRY.attempts),
      circuitAfter: z.number().int().min(1).default(DEFAULT_RETRY.circuitAfter),
      circuitOpen: duration.default(DEFAULT_RETRY.circuitOpenMs),
    })
    .optional(),
});

/** Connector kinds by the `kind:` of the config file. */
export type ConnectorKinds = Readonly<Record<string, ConnectorKind<AnyConfig>>>;

/**
 * Parses the `connectors:` of the config file against each kind's spec; every problem is listed
 * (secrets never appear in them).
 *
 * @param kinds - the kinds a `kind:` may name; @default the kit's `CONNECTOR_KINDS`
 */
export function parseConnectorConfigs(
  entries: ReadonlyArray<{ id: string; kind: string }>,
  kinds: ConnectorKinds = CONNECTOR_KINDS,
): {
  configs: ConfiguredConnector[];
  problems: string[];
} {
  const problems: string[] = [];
  const configs: ConfiguredConnector[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const kind = kinds[entry.kind];
    if (!kind) {
      problems.push(`connectors.${i} (${entry.id}): unknown kind ${JSON.stringify(entry.kind)}; known: ${Object.keys(kinds).join(', ')}`);
      continue;
    }
    if (seen.has(entry.id)) problems.push(`connectors.${i}: id ${JSON.stringify(entry.id)} is used twice`);
    seen.add(entry.id);
    const parsed = kind.config.safeParse(entry);
    const runtime = runtimeSchema.safeParse(entry);
    for (const issue of [...(parsed.error?.issues ?? []), ...(runtime.error?.issues ?? [])]) {
      problems.push(`connectors.${i} (${entry.id}).${issue.path.join('.')}: ${issue.message}`);
    }
    if (!parsed.success || !runtime.success) continue;
    const r = runtime.data.retry;
    configs.push({
      config: parsed.data,
      kind,
      pollIntervalMs: runtime.data.pollInterval,
      retry: r ? { baseMs: r.base, capMs: r.cap, attempts: r.attempts, circuitAfter: r.circuitAfter, circuitOpenMs: r.circuitOpen } : DEFAULT_RETRY,
    });
  }
  return { configs, problems };
}
