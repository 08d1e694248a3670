import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/* Module boundaries the code keeps: who writes which table, which way the dependencies run. */

const serverSrc = path.dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

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

describe('ingest/ decodes protocols and hands records to modules', () => {
  it('is imported only by the HTTP layer and the domain wiring, never by a module', () => {
    const importers = sources(serverSrc)
      .map((file) => path.relative(serverSrc, file))
      .filter((rel) => !rel.startsWith('ingest/') && !rel.startsWith('http/') && rel !== 'domain.ts')
      .filter((rel) => /from '(\.\.\/)+ingest\/|from '\.\/ingest\//.test(fs.readFileSync(path.join(serverSrc, rel), 'utf8')));
    expect(importers).toEqual([]);
  });
});
