/*
 * One registry of the things events and audit entries are about: the subject type (as events and
 * audit entries name it, and as the GraphQL type is called), the entity segment of its ids
 * (`<origin>:<entity>:<key>`, which `node(id:)` reads), the prefix of its own events, and how the
 * write path finds the release and the change an entry concerns (so callers need not say).
 */

export interface SubjectSpec {
  /** The GraphQL object type, where the subject is one (`node(id:)` returns it). */
  graphqlType: string | null;
  /** The entity segment of its ids. */
  idEntity: string;
  /** The prefix of the events about its own life (`deployment.*`). */
  eventPrefix: string;
  /** Rows `(id, release_id, change_id)` of the given subject ids, in the write transaction. */
  relations?: string;
}

export const SUBJECTS = {
  Service: { graphqlType: 'Service', idEntity: 'service', eventPrefix: 'service' },
  Environment: { graphqlType: 'Environment', idEntity: 'environment', eventPrefix: 'environment' },
  Release: {
    graphqlType: 'Release',
    idEntity: 'release',
    eventPrefix: 'release',
    relations: 'SELECT id, id AS release_id, NULL AS change_id FROM release WHERE id = ANY($1)',
  },
  Change: {
    graphqlType: 'Change',
    idEntity: 'change',
    eventPrefix: 'change',
    relations: 'SELECT id, release_id, id AS change_id FROM change WHERE id = ANY($1)',
  },
  Approval: {
    graphqlType: 'Approval',
    idEntity: 'approval',
    eventPrefix: 'approval',
    relations: 'SELECT a.id, c.release_id, a.change_id FROM approval a JOIN change c ON c.id = a.change_id WHERE a.id = ANY($1)',
  },
  Commit: { graphqlType: 'Commit', idEntity: 'commit', eventPrefix: 'commit' },
  GitTag: { graphqlType: 'GitTag', idEntity: 'tag', eventPrefix: 'tag', relations: 'SELECT id, release_id, NULL AS change_id FROM git_tag WHERE id = ANY($1)' },
  PipelineRun: {
    graphqlType: 'PipelineRun',
    idEntity: 'pipeline_run',
    eventPrefix: 'pipeline_run',
    relations: 'SELECT id, release_id, NULL AS change_id FROM pipeline_run WHERE id = ANY($1)',
  },
  Artifact: {
    graphqlType: 'Artifact',
    idEntity: 'artifact',
    eventPrefix: 'artifact',
    relations: 'SELECT id, release_id, NULL AS change_id FROM artifact WHERE id = ANY($1)',
  },
  Deployment: {
    graphqlType: 'Deployment',
    idEntity: 'deployment',
    eventPrefix: 'deployment',
    relations: 'SELECT id, release_id, NULL AS change_id FROM deployment WHERE id = ANY($1)',
  },
  Incident: {
    graphqlType: 'Incident',
    idEntity: 'incident',
    eventPrefix: 'incident',
    relations: 'SELECT id, release_id, NULL AS change_id FROM incident WHERE id = ANY($1)',
  },
  SuccessCriterion: {
    graphqlType: 'SuccessCriterion',
    idEntity: 'success_criterion',
    eventPrefix: 'success_criterion',
    relations: 'SELECT id, release_id, NULL AS change_id FROM success_criterion WHERE id = ANY($1)',
  },
  RollbackDecision: { graphqlType: 'RollbackDecision', idEntity: 'rollback_decision', eventPrefix: 'rollback' },
  StabilizationWindow: {
    graphqlType: 'StabilizationWindow',
    idEntity: 'stabilization_window',
    eventPrefix: 'stabilization',
    relations: 'SELECT id, release_id, NULL AS change_id FROM stabilization_window WHERE id = ANY($1)',
  },
  Escalation: {
    graphqlType: 'Escalation',
    idEntity: 'escalation',
    eventPrefix: 'escalation',
    relations: 'SELECT x.id, w.release_id, NULL AS change_id FROM escalation x JOIN stabilization_window w ON w.id = x.window_id WHERE x.id = ANY($1)',
  },
  Slo: { graphqlType: 'Slo', idEntity: 'slo', eventPrefix: 'slo' },
  ApiToken: { graphqlType: 'ApiToken', idEntity: 'token', eventPrefix: 'token' },
  Connector: { graphqlType: 'Connector', idEntity: 'connector', eventPrefix: 'connector' },
  TelemetryVersion: { graphqlType: null, idEntity: 'telemetry_version', eventPrefix: 'telemetry' },
} as const satisfies Record<string, SubjectSpec>;

export type SubjectType = keyof typeof SUBJECTS;

/** The subject type of an id (`github:deployment:42` → Deployment), by its entity segment. */
export function subjectTypeOfId(id: string): SubjectType | undefined {
  const parts = id.split(':');
  if (parts.length < 3) return undefined;
  return (Object.keys(SUBJECTS) as SubjectType[]).find((s) => SUBJECTS[s].idEntity === parts[1]);
}

/** The id of a telemetry version sighting (it has no row of the graph). */
export const telemetryVersionId = (service: string, environment: string, version: string) => `telemetry:telemetry_version:${service}/${environment}/${version}`;
