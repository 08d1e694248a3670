import { CONNECTOR_KINDS, type ConnectorKind } from '@releasegraph/connectors';

type AnyConfig = { id: string; kind: string };

/**
 * Parses the `connectors:` of the config file against each kind's spec; every problem is listed
 * (secrets never appear in them).
 */
export function parseConnectorConfigs(entries: ReadonlyArray<{ id: string; kind: string }>): {
  configs: Array<{ config: AnyConfig; kind: ConnectorKind<AnyConfig> }>;
  problems: string[];
} {
  const problems: string[] = [];
  const configs: Array<{ config: AnyConfig; kind: ConnectorKind<AnyConfig> }> = [];
  const seen = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const kind = CONNECTOR_KINDS[entry.kind];
    if (!kind) {
      problems.push(`connectors.${i} (${entry.id}): unknown kind ${JSON.stringify(entry.kind)}; known: ${Object.keys(CONNECTOR_KINDS).join(', ')}`);
      continue;
    }
    if (seen.has(entry.id)) problems.push(`connectors.${i}: id ${JSON.stringify(entry.id)} is used twice`);
    seen.add(entry.id);
    const parsed = kind.config.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`connectors.${i} (${entry.id}).${issue.path.join('.')}: ${issue.message}`);
      continue;
    }
    configs.push({ config: parsed.data, kind });
  }
  return { configs, problems };
}
