import type { z } from 'zod';
import type { DomainRecords } from './records.js';

/** What one webhook event's payload turned into: records, or a reason to record nothing. */
export type Converted = { records: DomainRecords } | { ignored: string };

/**
 * One event's payload handling in two steps: `check` when the delivery arrives (is the body the
 * event it claims? null when it is), `convert` when it is processed.
 */
export interface EventHandler {
  check(body: unknown): string | null;
  convert(connectorId: string, body: unknown): Converted | { malformed: string };
}

/** Checks an event's payload with its schema (naming the first problem when it does not fit); converts what fits. */
export function eventHandler<T>(schema: z.ZodType<T>, convert: (connectorId: string, payload: T) => Converted): EventHandler {
  const problemOf = (error: z.ZodError) => {
    const issue = error.issues[0];
    return `${issue?.path.join('.')} ${issue?.message}`;
  };
  return {
    check(body) {
      const parsed = schema.safeParse(body);
      return parsed.success ? null : problemOf(parsed.error);
    },
    convert(connectorId, body) {
      const parsed = schema.safeParse(body);
      return parsed.success ? convert(connectorId, parsed.data) : { malformed: problemOf(parsed.error) };
    },
  };
}

/** What {@link parseJson} returns for a body that is not JSON. */
export const NOT_JSON: unique symbol = Symbol('not JSON');

/** A webhook body as JSON (UTF-8), or {@link NOT_JSON}. */
export function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8')) as unknown;
  } catch {
    return NOT_JSON;
  }
}
