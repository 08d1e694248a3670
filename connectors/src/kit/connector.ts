import type { z } from 'zod';
import type { DomainRecords } from './records.js';

/** A webhook as it arrived: headers (lower-case names) and the raw body, unparsed. */
export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

/** The verdict on a webhook: refused (401), ignored (2xx, nothing to record) or records to write. */
export type WebhookOutcome =
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'malformed'; reason: string }
  | { kind: 'ignored'; deliveryId: string; reason: string }
  | { kind: 'records'; deliveryId: string; event: string; records: DomainRecords };

/**
 * A connector kind: its config spec (zod; `secrets` name the fields never logged or returned) and,
 * for sources that push, a webhook handler that verifies before it parses and converts with pure
 * functions.
 *
 * @typeParam C - the parsed config of one connector of this kind
 */
export interface ConnectorKind<C extends { id: string; kind: string }> {
  kind: string;
  /** Parses one `connectors:` entry of the config file. */
  config: z.ZodType<C>;
  /** Config fields that hold secrets. */
  secrets: ReadonlyArray<keyof C & string>;
  /** Handles one delivery to `POST /hooks/<connector id>`. */
  webhook?: (config: C, request: WebhookRequest) => WebhookOutcome;
}
