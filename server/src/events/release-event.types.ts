import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { EVENT_CATALOGUE, EVENT_TYPES, enumNameOf, isEventType, type EventType } from './catalogue.js';
import { GraphQLJSON } from 'graphql-scalars';
import { BadUserInputError } from '../domain-errors.js';
import type { ReleaseEventRow } from './release-event.entity.js';

/** The catalogue as a GraphQL enum: `DEPLOYMENT_STATUS_CHANGED` is the wire type `deployment.status_changed`. */
export const ReleaseEventType = Object.fromEntries(EVENT_TYPES.map((t) => [enumNameOf(t), t])) as Record<string, EventType>;
registerEnumType(ReleaseEventType, {
  name: 'ReleaseEventType',
  description:
    'Every release event type (docs/events.md). Each value stands for the dotted wire name in `ReleaseEvent.type`: upper case, dots as underscores (DEPLOYMENT_STATUS_CHANGED = deployment.status_changed).',
  valuesConfig: Object.fromEntries(
    EVENT_TYPES.map((t) => [enumNameOf(t), { description: `\`${t}\` (subject ${EVENT_CATALOGUE[t].subject}): ${EVENT_CATALOGUE[t].description}` }]),
  ),
});

@ObjectType({ description: 'A committed state change of the release graph.' })
export class ReleaseEvent {
  @Field(() => String, { description: 'Position in the event log; pass it as `after` to resume.' })
  cursor!: string;

  @Field(() => String, { description: '`<subject>.<verb>`, e.g. release.created, deployment.status_changed (see `eventType` and docs/events.md).' })
  type!: string;

  @Field(() => ReleaseEventType, { nullable: true, description: 'The type as a catalogue value (null only for types recorded before the catalogue).' })
  eventType!: EventType | null;

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

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      "The type's one payload shape (docs/events.md): the subject after the change for created/updated events, `{ from, to, cause }` for status changes.",
  })
  payload!: unknown;
}

@InputType({ description: 'Narrows release events; every given field must match.' })
export class ReleaseEventFilter {
  @Field(() => [String], { nullable: true, description: 'Event types, e.g. ["deployment.created"]. A type ending in ".*" matches a prefix.' })
  types?: string[] | null;

  @Field(() => [ReleaseEventType], {
    nullable: true,
    description: 'Event types from the catalogue (either this or `types`, or both: an event must match each given).',
  })
  eventTypes?: EventType[] | null;

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
    eventType: isEventType(record.type) ? record.type : null,
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
  if (filter.eventTypes?.length && !filter.eventTypes.includes(record.type as EventType)) return false;
  if (filter.types?.length && !filter.types.some((t) => (t.endsWith('.*') ? record.type.startsWith(t.slice(0, -1)) : record.type === t))) return false;
  return true;
}
