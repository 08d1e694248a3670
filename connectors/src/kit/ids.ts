/**
 * Deterministic ids for connector-made rows: `<connector>:<entity>:<source key>`, so ingesting
 * the same source data twice lands on the same rows.
 *
 * @param connectorId - the connector's id from the config file (e.g. `github`)
 * @param entity - the release-graph entity (`commit`, `change`, `deployment`, ...)
 * @param sourceKey - the row's key in the source (a sha, a ticket number, ...)
 */
export function recordId(connectorId: string, entity: string, sourceKey: string): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(connectorId)) throw new Error(`connector id ${JSON.stringify(connectorId)} must be letters, digits, - and _`);
  if (!/^[a-z_]+$/.test(entity)) throw new Error(`entity ${JSON.stringify(entity)} must be lower-case letters and _`);
  if (!sourceKey) throw new Error('source key must not be empty');
  return `${connectorId}:${entity}:${sourceKey}`;
}

/** Where a domain record came from, kept on the row beside the normalised values. */
export interface Origin {
  /** The connector's id from the config file. */
  connector: string;
  /** The source's entity (e.g. `change_request`, `push`, `workflow_run`). */
  entity: string;
  /** The record's id in the source. */
  sourceId: string;
  /** The source's own status, before normalisation. */
  originalStatus?: string;
}
