import { z } from 'zod';
import { ChangeState } from '../modules/changes/change.entity.js';
import { DeploymentStatus } from '../modules/deployments/deployment.entity.js';
import { IncidentStatus } from '../modules/incidents/incident.entity.js';
import { ReleaseStatus } from '../modules/releases/release.entity.js';
import { WindowStatus } from '../modules/stabilization/stabilization.entity.js';
import { causeSchema } from '../write/state-machine.js';
import type { SubjectType } from './subjects.js';

/*
 * Every release event type there is: its subject type and its one payload shape. `WriteTx.record`
 * takes only these types, and checks each payload against its schema, so an event that is not
 * here does not compile and a payload of another shape fails where it is recorded. The schema's
 * `ReleaseEventType` enum and `docs/events.md` are made from this list (a test holds them equal).
 */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The subject as it is after the change (its row, with the fields the API gives it). */
const row = z.custom<{ readonly id: string }>((v) => isObject(v) && typeof v.id === 'string', 'the subject as it is after the change (with its id)');
/** The subject after an update, and which of its fields changed. */
const updatedRow = z.custom<{ readonly id: string; readonly changed: readonly string[] }>(
  (v) => isObject(v) && typeof v.id === 'string' && Array.isArray(v.changed) && v.changed.length > 0 && v.changed.every((k) => typeof k === 'string'),
  'the subject as it is after the change, and the fields that changed',
);
/** Every status change: from, to, and what caused it. */
const statusChange = <S extends string>(states: Record<string, S>) =>
  z.strictObject({ from: z.enum(Object.values(states) as [S, ...S[]]), to: z.enum(Object.values(states) as [S, ...S[]]), cause: causeSchema });
const nullableText = z.string().nullable();

/** A synthetic check's run against a deployment. */
const syntheticResult = z.strictObject({
  resultId: z.string(),
  check: z.string(),
  url: z.string(),
  status: z.number().nullable(),
  durationMs: z.number(),
  traceId: z.string(),
  error: nullableText,
});

interface EventSpec {
  subject: SubjectType;
  payload: z.ZodType;
  description: string;
}

const spec = <P extends z.ZodType>(subject: SubjectType, payload: P, description: string) => ({ subject, payload, description }) satisfies EventSpec;

export const EVENT_CATALOGUE = {
  'service.created': spec('Service', row, 'A service was added to the catalogue (by the API, or first named by a source).'),
  'service.updated': spec('Service', updatedRow, 'A service changed (name, owner, dependencies).'),
  'environment.created': spec('Environment', row, 'An environment was added (by the API, or first named by a source; its tier from its name).'),
  'environment.updated': spec('Environment', updatedRow, 'An environment changed (name, tier, region).'),
  'release.created': spec('Release', row, 'A release was planned.'),
  'release.updated': spec('Release', updatedRow, "A release's plan changed (not its status: see release.status_changed)."),
  'release.status_changed': spec('Release', statusChange(ReleaseStatus), 'A release moved in its life (see docs/state-machines.md).'),
  'change.created': spec('Change', row, 'A change ticket was raised or first read from the ITSM.'),
  'change.updated': spec('Change', updatedRow, "A change ticket's fields changed (not its state: see change.state_changed)."),
  'change.state_changed': spec('Change', statusChange(ChangeState), 'A change ticket moved in its flow.'),
  'approval.created': spec('Approval', row, 'An approval of a change was requested or decided.'),
  'approval.updated': spec('Approval', updatedRow, 'An approval was decided or changed.'),
  'commit.created': spec('Commit', row, 'A commit was read from git.'),
  'commit.updated': spec('Commit', updatedRow, 'A commit gained facts (e.g. change keys from its branch).'),
  'tag.created': spec('GitTag', row, 'A tag was read from git.'),
  'tag.updated': spec('GitTag', updatedRow, 'A tag changed (its commit, or the release it belongs to).'),
  'pipeline_run.created': spec('PipelineRun', row, 'A pipeline run was reported.'),
  'pipeline_run.updated': spec('PipelineRun', updatedRow, 'A pipeline run progressed (status, gates, times).'),
  'artifact.created': spec('Artifact', row, 'An artifact (image, package) was published.'),
  'artifact.updated': spec('Artifact', updatedRow, 'An artifact changed (its run, release or service).'),
  'deployment.created': spec('Deployment', row, 'A deployment was planned or reported.'),
  'deployment.updated': spec('Deployment', updatedRow, "A deployment's facts changed (times, artifact, release; not its status)."),
  'deployment.status_changed': spec('Deployment', statusChange(DeploymentStatus), 'A deployment moved in its life, whoever reported it.'),
  'incident.created': spec('Incident', row, 'An incident was opened (by a source or by the hub).'),
  'incident.updated': spec('Incident', updatedRow, "An incident's facts changed (not its status: see incident.status_changed)."),
  'incident.status_changed': spec('Incident', statusChange(IncidentStatus), 'An incident was acknowledged or resolved.'),
  'incident.release_linked': spec(
    'Incident',
    z.strictObject({ key: z.string(), releaseId: z.string(), deploymentId: z.string(), reason: z.string() }),
    'An incident that came without a release was linked to the release of its most likely suspect.',
  ),
  'success_criterion.created': spec('SuccessCriterion', row, 'A success criterion was set for a release or service.'),
  'verdict.changed': spec(
    'Deployment',
    z.looseObject({ previousOutcome: z.string().nullable(), outcome: z.string(), metric: z.string(), criterionId: z.string() }),
    "A criterion's verdict on a deployment changed (with the evidence).",
  ),
  'rollback.decided': spec('Deployment', row, 'The verifier decided a rollback: recommended, or done (automatic); the payload is the decision.'),
  'rollback.accepted': spec('Deployment', row, 'A person accepted a recommended rollback; the payload is the decision.'),
  'rollback.dismissed': spec('Deployment', row, 'A person dismissed a recommended rollback; the payload is the decision.'),
  'synthetic.passed': spec('Deployment', syntheticResult, 'A synthetic check of a deployment passed.'),
  'synthetic.failed': spec('Deployment', syntheticResult, 'A synthetic check of a deployment failed.'),
  'slo.created': spec('Slo', row, 'An SLO was defined.'),
  'slo.burn_alert': spec(
    'Slo',
    z.looseObject({ slo: z.string(), sloId: z.string(), name: z.string() }),
    'An SLO burn-rate alert started firing (one event per release concerned).',
  ),
  'slo.burn_alert_resolved': spec('Slo', z.strictObject({ slo: z.string(), alert: z.string() }), 'An SLO burn-rate alert stopped firing.'),
  'stabilization.opened': spec('StabilizationWindow', row, 'A release became STABILIZING: its stabilization window opened.'),
  'stabilization.owner_assigned': spec(
    'StabilizationWindow',
    z.strictObject({ serviceId: z.string(), owner: z.string(), previousOwner: z.null(), how: z.enum(['rotation', 'assigned']) }),
    'A service of a window got its owner (from the rotation, or assigned).',
  ),
  'stabilization.handoff': spec(
    'StabilizationWindow',
    z.strictObject({ serviceId: z.string(), owner: z.string(), previousOwner: z.string(), how: z.enum(['rotation', 'assigned']) }),
    "A service's ownership was handed to someone else.",
  ),
  'stabilization.extended': spec(
    'StabilizationWindow',
    z.strictObject({
      from: z.enum(WindowStatus),
      to: z.literal(WindowStatus.EXTENDED),
      cause: causeSchema,
      endsAt: z.date(),
      openProblems: z.number(),
      pendingRollbackDecisions: z.number(),
    }),
    'A window past its end with problems open was extended.',
  ),
  'stabilization.closed': spec('StabilizationWindow', statusChange(WindowStatus), 'A window closed: STABLE, or ROLLED_BACK with its release.'),
  'escalation.raised': spec('Escalation', row, "An anomaly in a stabilizing release paged the service's owner."),
  'escalation.escalated': spec('Escalation', row, 'An unacknowledged page climbed an escalation level.'),
  'escalation.acknowledged': spec('Escalation', row, 'Someone acknowledged a page (the climb stops).'),
  'escalation.resolved': spec('Escalation', row, 'A page was resolved.'),
  'token.created': spec('ApiToken', z.strictObject({ name: z.string(), role: z.string() }), 'An API token was created.'),
  'token.updated': spec(
    'ApiToken',
    z.strictObject({ name: z.string(), role: z.string(), reason: z.string().optional() }),
    "An API token's role or value changed.",
  ),
  'token.revoked': spec('ApiToken', z.strictObject({ name: z.string(), reason: z.string() }), 'An API token was revoked.'),
  'connector.status_changed': spec(
    'Connector',
    z.strictObject({ connector: z.string(), kind: z.string(), from: z.string().nullable(), to: z.string(), error: nullableText }),
    "A connector's health changed (OK, DEGRADED, FAILING, …).",
  ),
  'connector.dead_lettered': spec(
    'Connector',
    z.strictObject({ deadLetterId: z.string(), source: z.string(), error: z.string() }),
    'A delivery or record a connector could not write was kept as a dead letter.',
  ),
  'connector.dead_letter_replayed': spec('Connector', z.strictObject({ deadLetterId: z.string() }), 'A dead letter was replayed successfully.'),
  'kpi.sampled': spec(
    'Connector',
    z.strictObject({ points: z.number().int(), series: z.array(z.string()) }),
    'A connector wrote KPI points (e.g. from Prometheus).',
  ),
  'telemetry.version_observed': spec(
    'TelemetryVersion',
    z.strictObject({
      service: z.string(),
      version: z.string(),
      environment: z.string(),
      firstSeenAt: z.date(),
      deploymentId: z.string().nullable(),
    }),
    'A service version was first seen in telemetry; told again (with its deployment) when the deployment arrives after the traffic.',
  ),
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventPayload<T extends EventType> = z.input<(typeof EVENT_CATALOGUE)[T]['payload']>;
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, type);
}

/** The GraphQL enum name of a wire type: `deployment.status_changed` → `DEPLOYMENT_STATUS_CHANGED`. */
export function enumNameOf(type: EventType): string {
  return type.toUpperCase().replace(/\./g, '_');
}

/** A payload that is not its type's one shape: a programming error, caught where it is recorded. */
export function checkPayload(type: EventType, payload: unknown): void {
  const result = EVENT_CATALOGUE[type].payload.safeParse(payload);
  if (!result.success) throw new Error(`release event ${type}: payload is not its catalogued shape: ${z.prettifyError(result.error)}`);
}
