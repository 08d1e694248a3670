import type { z } from 'zod';
import type { DomainRecords } from './records.js';

/** A webhook as it arrived: headers (lower-case names) and the raw body, unparsed. */
export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

/**
 * The verdict on a webhook, end to end: refused (401), malformed (400), ignored (2xx, nothing to
 * record) or records to write. {@link handleWebhook} gives it for one request (converter tests).
 */
export type WebhookOutcome =
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'malformed'; reason: string }
  | { kind: 'ignored'; deliveryId: string; reason: string }
  | { kind: 'records'; deliveryId: string; event: string; records: DomainRecords };

/**
 * The verdict at the door, before anything is converted: refused (401), not the event it claims
 * (400), ignored (no converter reads this event), or accepted — the hub then keeps the body as
 * received, under the delivery id, and answers 202.
 */
export type WebhookReceipt =
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'malformed'; reason: string }
  | { kind: 'ignored'; deliveryId: string; reason: string }
  | { kind: 'accepted'; deliveryId: string; event: string };

/** What an accepted delivery converts to: records, nothing to record, or a body the converter cannot read. */
export type WebhookConversion = { kind: 'records'; records: DomainRecords } | { kind: 'ignored'; reason: string } | { kind: 'malformed'; reason: string };

/**
 * How a connector kind takes webhooks, in two steps (DevLake's raw layer): `receive` verifies and
 * names a delivery when it arrives; `convert` turns the kept body into records when the delivery is
 * processed, and again, with the converter of the day, when a dead letter is replayed.
 */
export interface WebhookHandler<C> {
  /**
   * Request headers (lower-case) `convert` reads, kept with the body. Credentials (signatures,
   * tokens, `Authorization`, cookies) are never among them: `receive` has checked them.
   */
  keptHeaders: readonly string[];
  /** Checks the signature or shared token before parsing, then the delivery's id and event. Pure and fast. */
  receive(config: C, request: WebhookRequest): WebhookReceipt;
  /** Converts an accepted delivery from its body and kept headers (pure); it may throw on a body it cannot read. */
  convert(config: C, delivery: WebhookRequest): WebhookConversion;
}

/** Headers every kind's deliveries keep besides its own: they say what the body is and who sent it. */
export const ALWAYS_KEPT_HEADERS: readonly string[] = ['content-type', 'user-agent'];

/** The headers of a request the inbox keeps: {@link ALWAYS_KEPT_HEADERS} and the handler's `keptHeaders`, when present. */
export function keptHeaders(handler: { keptHeaders: readonly string[] }, headers: WebhookRequest['headers']): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of [...ALWAYS_KEPT_HEADERS, ...handler.keptHeaders]) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/**
 * What one request turns into end to end: `receive`, then `convert` from what the inbox keeps (the
 * body and the kept headers), as the hub does it.
 */
export function handleWebhook<C>(handler: WebhookHandler<C>, config: C, request: WebhookRequest): WebhookOutcome {
  const receipt = handler.receive(config, request);
  if (receipt.kind !== 'accepted') return receipt;
  const converted = handler.convert(config, { headers: keptHeaders(handler, request.headers), rawBody: request.rawBody });
  if (converted.kind === 'malformed') return converted;
  if (converted.kind === 'ignored') return { kind: 'ignored', deliveryId: receipt.deliveryId, reason: converted.reason };
  return { kind: 'records', deliveryId: receipt.deliveryId, event: receipt.event, records: converted.records };
}

/** An HTTP request a stream wants made. The server makes it (timeouts, retries, rate limits, circuit). */
export interface SourceRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** The answer to a SourceRequest. Non-2xx answers never reach a stream: the server retries or fails the poll. */
export interface SourceResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** `JSON.parse(body)`; throws a SourceDataError when the body is not JSON. */
  json(): unknown;
}

/** What the server lends a stream to reach its source. */
export interface SourceIO {
  http(request: SourceRequest): Promise<SourceResponse>;
  /** Runs `git` with these arguments (no shell) and returns its stdout. */
  git(args: string[], options?: { cwd?: string }): Promise<string>;
  /** A directory this connector may keep files in (a git clone), persistent across restarts. */
  workDir: string;
  /** The current time (controllable in tests). */
  now(): Date;
}

/** One page read from a stream: its records and the cursor to resume after them. */
export interface StreamPage {
  records: DomainRecords;
  /** Where the next read starts. Persisted only after `records` are written. */
  cursor: string | null;
  /** True when the source has more right away (the server reads again without waiting). */
  more: boolean;
  /** The newest source timestamp in this page, for the connector's `lag`. */
  newestAt?: Date | null;
  /**
   * Source rows this page could not convert. They go to the dead-letter table (replayable through
   * `replay`); the page's other records are written and the cursor moves past them.
   */
  rejected?: Array<{ error: string; payload: unknown }>;
}

/**
 * A stream: a source collection read page by page after a persisted cursor (ServiceNow rows by
 * sys_updated_on, git commits since a sha, Prometheus ranges since a time).
 */
export interface Stream<C> {
  name: string;
  /** Reads one page after `cursor` (null: from the configured start). */
  read(config: C, cursor: string | null, io: SourceIO): Promise<StreamPage>;
}

/** A record a stream could not convert: it goes to the dead-letter table; the rest of the page is written. */
export class SourceDataError extends Error {
  constructor(
    message: string,
    /** The offending payload, kept for replay. */
    readonly payload: unknown,
  ) {
    super(message);
    this.name = 'SourceDataError';
  }
}

/**
 * A connector kind: its config spec (zod; `secrets` name the fields never logged or returned), a
 * reachability check, streams the server polls, and a webhook handler that verifies before it
 * parses and converts what the inbox kept. Converters are pure functions beside it.
 *
 * @typeParam C - the parsed config of one connector of this kind
 */
export interface ConnectorKind<C extends { id: string; kind: string }> {
  kind: string;
  /** Parses one `connectors:` entry of the config file. */
  config: z.ZodType<C>;
  /** Config fields that hold secrets. */
  secrets: ReadonlyArray<keyof C & string>;
  /** Can we reach the source with these credentials? Resolves with a problem's description, or null when fine. */
  check?: (config: C, io: SourceIO) => Promise<string | null>;
  /** Streams the server polls every `pollInterval`. */
  streams?: ReadonlyArray<Stream<C>>;
  /** Takes deliveries to `POST /hooks/<connector id>`. */
  webhook?: WebhookHandler<C>;
  /**
   * Converts a dead-lettered payload again (after the converter or the data was fixed). Streams that
   * dead-letter records must provide it.
   */
  replay?: (config: C, stream: string, payload: unknown) => DomainRecords;
}
