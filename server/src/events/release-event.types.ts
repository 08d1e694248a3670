import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { BadUserInputError } from '../graphql/errors.js';
import type { ReleaseEventRow } from './release-event.entity.js';

@ObjectType({ description: 'A committed state change of the release graph.' })
export class ReleaseEvent {
  @Field(() => String, { description: 'Position in the event log; pass it as `after` to resume.' })
  cursor!: string;

  @Field(() => String, { description: '`<subject>.<verb>`, e.g. release.created, deployment.status_changed.' })
  type!: string;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => String, { description: 'Who caused it (token name, connector id, or system).' })
  actor!: string;

  @Field(() => ID, { nullable: true })
  releaseId!: string | null;

  @Field(() => String)
  subjectType!: string;

  @Field(() => ID, { nullable: true })
  subjectId!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The subject as it is after the change.' })
  payload!: unknown;
}

@InputType({ description: 'Narrows release events; every given field must match.' })
export class ReleaseEventFilter {
  @Field(() => [String], { nullable: true, description: 'Event types, e.g. ["deployment.created"]. A type ending in ".*" matches a prefix.' })
  types?: string[] | null;

  @Field(() => ID, { nullable: true })
  releaseId?: string | null;

  @Field(() => ID, { nullable: true })
  subjectId?: string | null;

  @Field(() => [String], { nullable: true, description: 'Subject types, e.g. ["Deployment"].' })
  subjectTypes?: string[] | null;
}

/** The part of an event row that travels over pub/sub and is shown to clients. */
export interface EventRecord {
  id: string;
  type: string;
  occurredAt: string;
  actor: string;
  releaseId: string | null;
  subjectType: string;
  subjectId: string;
  payload: unknown;
}

const CURSOR_PREFIX = 'ev:';

export function encodeEventCursor(id: string): string {
  return Buffer.from(CURSOR_PREFIX + id).toString('base64url');
}

/** The event id in a cursor; a malformed cursor is bad input, named by `field`. */
export function decodeEventCursor(cursor: string, field = 'after'): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  if (!/^\d{1,19}$/.test(id)) throw new BadUserInputError(field, 'not a release event cursor');
  return id;
}

export function recordOfRow(row: ReleaseEventRow): EventRecord {
  return {
    id: String(row.id),
    type: row.type,
    occurredAt: new Date(row.occurredAt).toISOString(),
    actor: row.actor,
    releaseId: row.releaseId,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    payload: row.payload,
  };
}

export function toReleaseEvent(record: EventRecord): ReleaseEvent {
  return Object.assign(new ReleaseEvent(), {
    cursor: encodeEventCursor(record.id),
    type: record.type,
    occurredAt: new Date(record.occurredAt),
    actor: record.actor,
    releaseId: record.releaseId,
    subjectType: record.subjectType,
    subjectId: record.subjectId,
    payload: record.payload,
  });
}

export function matchesFilter(record: EventRecord, filter: ReleaseEventFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.releaseId && record.releaseId !== filter.releaseId) return false;
  if (filter.subjectId && record.subjectId !== filter.subjectId) return false;
  if (filter.subjectTypes?.length && !filter.subjectTypes.includes(record.subjectType)) return false;
  if (filter.types?.length && !filter.types.some((t) => (t.endsWith('.*') ? record.type.startsWith(t.slice(0, -1)) : record.type === t))) return false;
  return true;
}
