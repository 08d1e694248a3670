import { toJSONSchema } from 'zod';
import { CHANGE_LIFECYCLE } from '../modules/changes/change.lifecycle.js';
import { DEPLOYMENT_LIFECYCLE } from '../modules/deployments/deployment.lifecycle.js';
import { INCIDENT_LIFECYCLE } from '../modules/incidents/incident.lifecycle.js';
import { RELEASE_LIFECYCLE } from '../modules/releases/release.lifecycle.js';
import { STABILIZATION_WINDOW_LIFECYCLE } from '../modules/stabilization/stabilization-window.lifecycle.js';
import { ROLLBACK_DECISION_LIFECYCLE } from '../modules/verification/rollback-decision.lifecycle.js';
import { CAUSE_KINDS, movesOf, terminalStates, type StateMachine } from '../write/state-machine.js';
import { EVENT_CATALOGUE, EVENT_TYPES, enumNameOf } from './catalogue.js';
import { SUBJECTS, type SubjectType } from './subjects.js';

/** Every state machine of the domain, in the order the docs list them. */
export const STATE_MACHINES: ReadonlyArray<StateMachine<string>> = [
  DEPLOYMENT_LIFECYCLE,
  RELEASE_LIFECYCLE,
  CHANGE_LIFECYCLE,
  INCIDENT_LIFECYCLE,
  ROLLBACK_DECISION_LIFECYCLE,
  STABILIZATION_WINDOW_LIFECYCLE,
];

function payloadShape(type: (typeof EVENT_TYPES)[number]): string {
  const schema = EVENT_CATALOGUE[type].payload;
  if (type.endsWith('.updated')) return 'the subject after the change, with `changed`: the fields that changed';
  try {
    const json = toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as { properties?: Record<string, unknown>; type?: string };
    if (json.properties) return '`{ ' + Object.keys(json.properties).join(', ') + ' }`';
  } catch {
    // custom schemas (a row snapshot) have no JSON form
  }
  return 'the subject as it is after the change';
}

/** docs/events.md, made from the catalogue (`pnpm schema:emit` writes it, `schema:check` holds it current). */
export function eventCatalogueMarkdown(): string {
  const lines = [
    '# Release events',
    '',
    '<!-- Made from server/src/events/catalogue.ts by `pnpm schema:emit`; `pnpm schema:check` fails when it is stale. -->',
    '',
    'Every change of the release graph is one release event (in `releaseEventLog`, `releaseEvents`, notifications) and one',
    'audit entry. These are all the types there are. `ReleaseEvent.type` carries the dotted wire name; the GraphQL enum',
    '`ReleaseEventType` (in `ReleaseEvent.eventType` and `ReleaseEventFilter.eventTypes`) names the same type in upper case',
    'with dots as underscores: `deployment.status_changed` is `DEPLOYMENT_STATUS_CHANGED`.',
    '',
    'Each type has one subject type and one payload shape. Status changes always carry `{ from, to, cause }`, where',
    `\`cause.kind\` is one of ${CAUSE_KINDS.map((k) => `\`${k}\``).join(', ')} (see [state machines](state-machines.md)) and`,
    '`cause.reason` says more where there is more to say (the connector that reported it, why a rollback was made).',
    '',
    '| type | enum value | subject | payload | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...EVENT_TYPES.map((t) => `| \`${t}\` | \`${enumNameOf(t)}\` | ${EVENT_CATALOGUE[t].subject} | ${payloadShape(t)} | ${EVENT_CATALOGUE[t].description} |`),
    '',
    '## Subjects',
    '',
    'One registry (`server/src/events/subjects.ts`) maps each subject type to its GraphQL type, the entity segment of its ids',
    '(`<origin>:<entity>:<key>`, read by `node(id:)`) and the prefix of its own events. The write path uses it to find the',
    'release and the change each audit entry concerns.',
    '',
    '| subject | GraphQL type | id entity | event prefix |',
    '| --- | --- | --- | --- |',
    ...(Object.keys(SUBJECTS) as SubjectType[]).map((s) => {
      const x: { graphqlType: string | null; idEntity: string; eventPrefix: string } = SUBJECTS[s];
      return `| ${s} | ${x.graphqlType ?? '—'} | \`${x.idEntity}\` | \`${x.eventPrefix}.*\` |`;
    }),
    '',
  ];
  return lines.join('\n');
}

/** docs/state-machines.md, made from the transition tables. */
export function stateMachinesMarkdown(): string {
  const lines = [
    '# State machines',
    '',
    '<!-- Made from the `*.lifecycle.ts` tables by `pnpm schema:emit`; `pnpm schema:check` fails when it is stale. -->',
    '',
    "Each status column of the release graph changes in one place: its owner's `transition(tx, id, to, cause)`, which asks",
    'the table below whether the move is allowed for that cause, writes it, and records the `*.status_changed` event and',
    'its audit entry. No mutation, connector or round changes a status any other way.',
    '',
    'Causes: `person` (the API), `source` (a connector reporting its tool), `rerun` (a source reporting a new attempt of',
    'something that had finished: it started after the one recorded), `rollout` (a release following its deployments),',
    "`verifier`, `stabilization` (the rounds), `detector` (the hub's own incidents).",
    '',
    "What a late or out-of-order report does: a source's report of a state behind the current one (by the progress order",
    "given for the machine) is late and changes nothing — no write, no event. A person's request the table does not allow",
    'is refused with a `CONFLICT` error naming the field. A derived move the table does not allow (a release already DONE',
    'when a late deployment arrives) is not made.',
    '',
  ];
  for (const m of STATE_MACHINES) {
    lines.push(`## ${m.subject}`, '', '| state | meaning |', '| --- | --- |');
    for (const s of m.states) lines.push(`| \`${s}\` | ${m.meaning[s]} |`);
    lines.push('', '| from | to | who may cause it |', '| --- | --- | --- |');
    for (const move of movesOf(m)) lines.push(`| \`${move.from}\` | \`${move.to}\` | ${move.causes.join(', ')} |`);
    const final = terminalStates(m);
    lines.push('', final.length ? `Final: ${final.map((s) => `\`${s}\``).join(', ')}.` : 'Final: none (a new attempt can start it again).');
    if (m.progress) lines.push(`Progress order (for late reports): ${m.states.map((s) => `\`${s}\` ${m.progress![s]}`).join(', ')}.`);
    lines.push('');
  }
  return lines.join('\n');
}
