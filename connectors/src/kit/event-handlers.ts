import type { z } from 'zod';
import type { DomainRecords } from './records.js';

/** What one webhook event's payload turned into: records, or a reason to record nothing. */
export type Converted = { records: DomainRecords } | { ignored: string };
/** Converts one event's parsed body; `malformed` when it is not the payload the event names. */
export type EventHandler = (connectorId: string, body: unknown) => Converted | { malformed: string };

/** Parses an event's payload with its schema (naming the first problem when it does not fit), then converts it. */
export function eventHandler<T>(schema: z.ZodType<T>, convert: (connectorId: string, payload: T) => Converted): EventHandler {
  return (connectorId, body) => {
    const parsed = schema.safeParse(body);
    if (parsed.success) return convert(connectorId, parsed.data);
    const issue = parsed.error.issues[0];
    return { malformed: `${issue?.path.join('.')} ${issue?.message}` };
  };
}
