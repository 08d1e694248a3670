import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOGUE, EVENT_TYPES, checkPayload, enumNameOf } from './catalogue.js';
import { SUBJECTS, subjectTypeOfId } from './subjects.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const serverSrc = path.join(root, 'server/src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('the event catalogue', () => {
  it('names each type once, as <prefix>.<verb>, with a subject from the registry', () => {
    expect(new Set(EVENT_TYPES.map(enumNameOf)).size).toBe(EVENT_TYPES.length);
    for (const t of EVENT_TYPES) {
      expect(t).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(SUBJECTS[EVENT_CATALOGUE[t].subject]).toBeDefined();
    }
  });

  it('holds status changes to { from, to, cause }, and refuses any other shape', () => {
    const ok = { from: 'PENDING', to: 'IN_PROGRESS', cause: { kind: 'source', reason: 'github' } };
    expect(() => checkPayload('deployment.status_changed', ok)).not.toThrow();
    expect(() => checkPayload('deployment.status_changed', { status: 'ROLLED_BACK' })).toThrow(/not its catalogued shape/);
    expect(() => checkPayload('deployment.status_changed', { ...ok, version: '1.0.0' })).toThrow(/not its catalogued shape/);
    expect(() => checkPayload('release.status_changed', { ...ok, to: 'NOPE' })).toThrow(/not its catalogued shape/);
    expect(() => checkPayload('release.updated', { id: 'rg:release:1' })).toThrow(/not its catalogued shape/);
    expect(() => checkPayload('release.updated', { id: 'rg:release:1', changed: ['name'] })).not.toThrow();
  });

  it('is the only source of event types: every type recorded in the code is in it', () => {
    const recorded = new Set<string>();
    for (const file of sources(serverSrc)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/tx\.record\(\s*(?:[^'(),]*\?\s*)?'([a-z_.]+)'(?:\s*:\s*'([a-z_.]+)')?/g)) {
        recorded.add(m[1]!);
        if (m[2]) recorded.add(m[2]);
      }
      for (const m of text.matchAll(/(?:created|updated|event): '([a-z_]+\.[a-z_]+)'/g)) recorded.add(m[1]!);
    }
    expect(recorded.size).toBeGreaterThan(30);
    for (const t of recorded) expect(EVENT_TYPES).toContain(t);
  });

  it('is published: docs/events.md lists every type with its enum value and subject', () => {
    const doc = fs.readFileSync(path.join(root, 'docs/events.md'), 'utf8');
    for (const t of EVENT_TYPES) expect(doc).toContain(`| \`${t}\` | \`${enumNameOf(t)}\` | ${EVENT_CATALOGUE[t].subject} |`);
  });

  it('maps ids to subject types through the registry', () => {
    expect(subjectTypeOfId('github:deployment:42')).toBe('Deployment');
    expect(subjectTypeOfId('rg:stabilization_window:x')).toBe('StabilizationWindow');
    expect(subjectTypeOfId('git:tag:acme/api:v1')).toBe('GitTag');
    expect(subjectTypeOfId('garbage')).toBeUndefined();
  });
});

/**
 * One owner per table: SQL and TypeORM writes to a graph table appear only in the module that owns
 * it (and the write path for the log). Holds the rule for code added later.
 */
const OWNERS: Record<string, string> = {
  service: 'modules/services/',
  service_dependency: 'modules/services/',
  environment: 'modules/environments/',
  release: 'modules/releases/',
  release_service: 'modules/releases/',
  change: 'modules/changes/',
  change_service: 'modules/changes/',
  approval: 'modules/changes/',
  commit: 'modules/commits/',
  git_tag: 'modules/commits/',
  pipeline_run: 'modules/pipelines/',
  artifact: 'modules/pipelines/',
  deployment: 'modules/deployments/',
  incident: 'modules/incidents/',
  incident_service: 'modules/incidents/',
  success_criterion: 'modules/verification/',
  verdict: 'modules/verification/',
  rollback_decision: 'modules/verification/',
  stabilization_window: 'modules/stabilization/',
  stabilization_owner: 'modules/stabilization/',
  escalation: 'modules/stabilization/',
  kpi_sample: 'modules/kpis/',
  release_event: 'write/',
  audit_entry: 'write/',
};
const ENTITY_TABLES: Record<string, string> = {
  Service: 'service',
  ServiceDependency: 'service_dependency',
  Environment: 'environment',
  Release: 'release',
  ReleaseServiceLink: 'release_service',
  Change: 'change',
  ChangeServiceLink: 'change_service',
  Approval: 'approval',
  Commit: 'commit',
  GitTag: 'git_tag',
  PipelineRun: 'pipeline_run',
  Artifact: 'artifact',
  Deployment: 'deployment',
  Incident: 'incident',
  IncidentServiceLink: 'incident_service',
  SuccessCriterion: 'success_criterion',
  Verdict: 'verdict',
  RollbackDecision: 'rollback_decision',
  StabilizationWindow: 'stabilization_window',
  StabilizationOwner: 'stabilization_owner',
  Escalation: 'escalation',
};

describe('one owner per table', () => {
  it('writes each graph table only from its owning module', () => {
    const strays: string[] = [];
    for (const file of sources(serverSrc)) {
      const rel = path.relative(serverSrc, file);
      if (rel.startsWith('db/migrations/')) continue;
      const text = fs.readFileSync(file, 'utf8');
      const tables = new Set<string>();
      for (const m of text.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([a-z_]+)"?/g)) tables.add(m[1]!);
      for (const m of text.matchAll(/\.(?:insert|update|delete|upsert|save)\(\s*([A-Z][A-Za-z]+)\b/g))
        if (ENTITY_TABLES[m[1]!]) tables.add(ENTITY_TABLES[m[1]!]!);
      for (const m of text.matchAll(/\.into\(\s*([A-Z][A-Za-z]+)\s*\)/g)) if (ENTITY_TABLES[m[1]!]) tables.add(ENTITY_TABLES[m[1]!]!);
      for (const m of text.matchAll(/(?:upsertGraphRow|updateGraphRow)\(\s*tx\s*,\s*([A-Z][A-Za-z]+)/g))
        if (ENTITY_TABLES[m[1]!]) tables.add(ENTITY_TABLES[m[1]!]!);
      for (const table of tables) {
        const owner = OWNERS[table];
        if (owner && !rel.startsWith(owner)) strays.push(`${rel} writes ${table} (owned by ${owner})`);
      }
    }
    expect(strays).toEqual([]);
  });
});
