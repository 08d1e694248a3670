import type { z } from 'zod';
import type { DomainRecords } from './records.js';

/** A webhook as it arrived: headers (lower-case names) and the raw body, unparsed. */
export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

/** The verdict on a webhook: refused (401), malformed (400), ignored (2xx, nothing to record) or records to write. */
export type WebhookOutcome =
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'malformed'; reason: string }
  | { kind: 'ignored'; deliveryId: string; reason: string }
  | { kind: 'records'; deliveryId: string; event: string; records: DomainRecords };

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
 * parses. Converters are pure functions beside it.
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
  /** Handles one delivery to `POST /hooks/<connector id>`. */
  webhook?: (config: C, request: WebhookRequest) => WebhookOutcome;
  /**
   * Converts a dead-lettered payload again (after the converter or the data was fixed). Streams that
   * dead-letter records must provide it.
   */
  replay?: (config: C, stream: string, payload: unknown) => DomainRecords;
}
