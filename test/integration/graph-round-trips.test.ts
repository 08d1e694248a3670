import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@releasegraph/server';
import { gqlOk } from '../src/client.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';
import { approvalRecord, artifactRecord, commitRecord, incidentRecord, ingest, pipelineRunRecord, tagRecord } from '../src/records.js';
import { seed } from '../src/seed.js';

let hub: TestHub;
const q = <T = any>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(hub.url, query, variables, ADMIN_TOKEN);
const connector = { id: 'connector:git', name: 'git', role: Role.INTEGRATION };
const eventCount = async () => (await hub.db.query('SELECT count(*)::int AS n FROM release_event'))[0].n as number;

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

describe('the release graph round-trips through GraphQL', () => {
  it('links services, environments, a release, changes, commits, tags, pipelines, artifacts, deployments and incidents', async () => {
    const s = seed(hub.url);
    const db = await s.service('db');
    const api = await s.service('api', [db]);
    const prod = await s.environment('prod', 'PROD');
    const staging = await s.environment('staging', 'STAGING');
    const releaseId = await s.release('checkout', '2.4.0', {
      serviceIds: [api, db],
      plannedStart: '2026-12-01T09:00:00+01:00',
      timezone: 'Europe/Berlin',
      priority: 'HIGH',
    });
    const changeKey = `CHG${Date.now().toString().slice(-7)}`;
    const changeId = await s.change(changeKey, { releaseId, serviceIds: [api], type: 'EMERGENCY', risk: 'HIGH', rollbackPlan: 'redeploy 2.3.9' });

    // Rows from connectors: seeded through the same path webhooks and polls take (domain.ingest).
    const sha = `abc${s.stamp}`;
    await ingest(hub.domain, connector, 'git', {
      commits: [commitRecord({ sha, repository: 'acme/api', message: `${changeKey}: retry on timeout`, changeKeys: [changeKey], author: 'dana' })],
    });
    const [commit] = await hub.db.query('SELECT id, sha FROM commit WHERE sha = $1', [sha]);
    // keys that only look like tickets (SHA-256, UTF-8, CVE-2024-…) are not change keys
    await ingest(hub.domain, connector, 'git', {
      commits: [
        commitRecord({
          sha: `def${s.stamp}`,
          repository: 'acme/api',
          message: 'pin SHA-256 digests, UTF-8 names (CVE-2024-1234), OPS-77',
          changeKeys: ['SHA-256', 'UTF-8', 'CVE-2024', 'OPS-77'],
        }),
      ],
    });
    expect((await hub.db.query('SELECT change_keys FROM commit WHERE sha = $1', [`def${s.stamp}`]))[0].change_keys).toEqual(['OPS-77']);
    // the same commit from another connector is the same row: no second commit, no event
    const eventsBeforeCommit = await eventCount();
    await ingest(hub.domain, connector, 'github', {
      commits: [
        commitRecord({ sha, repository: 'acme/api', message: `${changeKey}: retry on timeout`, changeKeys: [changeKey], author: 'dana', connector: 'github' }),
      ],
    });
    expect(await hub.db.query('SELECT id FROM commit WHERE sha = $1', [sha])).toEqual([{ id: commit.id }]);
    expect(await eventCount()).toBe(eventsBeforeCommit);
    const tagName = `v2.4.0-${s.stamp}`;
    await ingest(hub.domain, connector, 'git', { tags: [tagRecord({ name: tagName, repository: 'acme/api', commitSha: sha, releaseVersion: '2.4.0' })] });
    const tag = { id: `git:tag:acme/api:${tagName}`, name: tagName };
    await ingest(hub.domain, connector, 'github', {
      pipelineRuns: [
        pipelineRunRecord({
          externalId: s.stamp,
          sourceStatus: 'completed/success',
          commitSha: sha,
          ref: 'main',
          releaseVersion: '2.4.0',
          service: `api-${s.stamp}`,
          gates: [{ name: 'sonar', kind: 'STATIC_ANALYSIS', status: 'PASSED' }],
        }),
      ],
    });
    const run = { id: `github:pipeline_run:${s.stamp}` };
    await ingest(hub.domain, connector, 'github', {
      artifacts: [artifactRecord({ name: 'api', version: '2.4.0', digest: `sha256:${s.stamp}`, service: `api-${s.stamp}`, pipelineRunId: run.id })],
    });
    const artifact = { id: `github:artifact:sha256-${s.stamp}`, digest: `sha256:${s.stamp}` };
    const deployment = await s.deployment({ serviceId: api, environmentId: prod, version: '2.4.0', releaseId, status: 'IN_PROGRESS' });
    await q('mutation($i: UpdateDeploymentInput!) { updateDeployment(input: $i) { id } }', {
      i: { id: deployment, status: 'SUCCEEDED', artifactId: artifact.id },
    });
    const approval = approvalRecord({ sourceId: s.stamp, changeId, decidedAt: new Date('2026-11-25T15:00:00Z'), comment: 'ok for Tuesday' });
    await ingest(hub.domain, connector, 'servicenow', { approvals: [approval] });
    await ingest(hub.domain, connector, 'pagerduty', {
      incidents: [incidentRecord({ sourceId: s.stamp, title: 'checkout 5xx', severity: 'SEV2', status: 'TRIGGERED', services: [`api-${s.stamp}`] })],
    });
    const incident = { id: `pagerduty:incident:${s.stamp}`, key: `PD-${s.stamp}` };
    await hub.domain.writes.run(connector, (tx) => hub.domain.incidents.linkRelease(tx, incident.id, releaseId, deployment, 'paged during the release'));

    const data = await q(
      `query($id: ID!) { release(id: $id) {
         id name version status timezone priority plannedStart origin { connector }
         environments { id tier }
         services { name dependsOn { id } environments { id } }
         changes { key type risk rollbackPlan services { id } commits { sha } release { id } approvals { id approver decision decidedAt comment change { id } origin { connector entity sourceId } } }
         commits { sha message changes { key } }
         tags { name commit { sha } release { id } }
         pipelines { status sourceStatus gates { name kind status } service { id } artifacts { digest } }
         artifacts { digest pipelineRun { id } promotions { environment { id tier } deployment { id } } }
         deployments { version status startedAt finishedAt deployer release { id } service { id } environment { tier } artifact { id } }
         incidents { key severity services { id } release { id } }
       } }`,
      { id: releaseId },
    );
    const r = data.release;
    expect(r).toMatchObject({
      id: releaseId,
      version: '2.4.0',
      // its api is in production, its db not yet: the release follows its deployments to DEPLOYING, not STABILIZING
      status: 'DEPLOYING',
      timezone: 'Europe/Berlin',
      priority: 'HIGH',
      plannedStart: '2026-12-01T08:00:00.000Z',
      origin: { connector: 'api' },
    });
    expect(r.services.map((x: any) => x.name).sort()).toEqual([`api-${s.stamp}`, `db-${s.stamp}`]);
    expect(r.services.find((x: any) => x.name === `api-${s.stamp}`).dependsOn).toEqual([{ id: db }]);
    expect(r.services.find((x: any) => x.name === `api-${s.stamp}`).environments).toEqual([{ id: prod }]);
    expect(r.environments).toEqual([{ id: prod, tier: 'PROD' }]);
    expect(r.changes).toEqual([
      {
        key: changeKey,
        type: 'EMERGENCY',
        risk: 'HIGH',
        rollbackPlan: 'redeploy 2.3.9',
        services: [{ id: api }],
        commits: [{ sha: commit!.sha }],
        release: { id: releaseId },
        approvals: [
          {
            id: approval.id,
            approver: 'cab-chair',
            decision: 'APPROVED',
            decidedAt: '2026-11-25T15:00:00.000Z',
            comment: 'ok for Tuesday',
            change: { id: changeId },
            origin: { connector: 'servicenow', entity: 'sysapproval_approver', sourceId: s.stamp },
          },
        ],
      },
    ]);
    // re-ingesting the same source data is a no-op: no write, no event
    const eventsBefore = await eventCount();
    await ingest(hub.domain, connector, 'servicenow', { approvals: [{ ...approval }] });
    expect(await eventCount()).toBe(eventsBefore);
    expect(r.commits).toEqual([{ sha: commit!.sha, message: `${changeKey}: retry on timeout`, changes: [{ key: changeKey }] }]);
    expect(r.tags).toEqual([{ name: tag.name, commit: { sha: commit!.sha }, release: { id: releaseId } }]);
    expect(r.pipelines).toEqual([
      {
        status: 'SUCCEEDED',
        sourceStatus: 'completed/success',
        gates: [{ name: 'sonar', kind: 'STATIC_ANALYSIS', status: 'PASSED' }],
        service: { id: api },
        artifacts: [{ digest: artifact.digest }],
      },
    ]);
    expect(r.artifacts).toEqual([
      { digest: artifact.digest, pipelineRun: { id: run.id }, promotions: [{ environment: { id: prod, tier: 'PROD' }, deployment: { id: deployment } }] },
    ]);
    expect(r.deployments).toHaveLength(1);
    expect(r.deployments[0]).toMatchObject({
      version: '2.4.0',
      status: 'SUCCEEDED',
      deployer: expect.stringContaining('bootstrap-admin'),
      release: { id: releaseId },
      service: { id: api },
      environment: { tier: 'PROD' },
      artifact: { id: artifact.id },
    });
    expect(new Date(r.deployments[0].finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(r.deployments[0].startedAt).getTime());
    expect(r.incidents).toEqual([{ key: incident.key, severity: 'SEV2', services: [{ id: api }], release: { id: releaseId } }]);

    // node(id:) resolves every type by its global id
    for (const [id, type] of [
      [api, 'Service'],
      [prod, 'Environment'],
      [releaseId, 'Release'],
      [changeId, 'Change'],
      [commit!.id, 'Commit'],
      [tag.id, 'GitTag'],
      [run.id, 'PipelineRun'],
      [artifact.id, 'Artifact'],
      [deployment, 'Deployment'],
      [incident.id, 'Incident'],
    ] as const) {
      const n = await q('query($id: ID!) { node(id: $id) { __typename id } }', { id });
      expect(n.node).toEqual({ __typename: type, id });
    }
    expect((await q('{ node(id: "rg:release:does-not-exist") { id } }')).node).toBeNull();
    expect((await q('{ node(id: "garbage") { id } }')).node).toBeNull();

    // every top-level connection lists what was written
    const lists = await q(
      `query($sha: String!, $key: String!) {
         services(first: 10, filter: { environmentId: "${prod}" }) { edges { node { id } } }
         environments(first: 10, filter: { tier: [STAGING] }) { edges { node { id } } }
         changes(filter: { key: $key }) { edges { node { id } } }
         commits(filter: { sha: $sha }) { edges { node { id } } }
         tags(filter: { releaseId: "${releaseId}" }) { edges { node { id } } }
         pipelineRuns(filter: { releaseId: "${releaseId}", status: [SUCCEEDED] }) { edges { node { id } } }
         artifacts(filter: { digest: "${artifact.digest}" }) { edges { node { id } } }
         deployments(filter: { releaseId: "${releaseId}", environmentId: "${prod}", status: [SUCCEEDED] }) { edges { node { id } } }
         incidents(filter: { serviceId: "${api}" }) { edges { node { id } } }
       }`,
      { sha: commit!.sha, key: changeKey },
    );
    const ids = (c: any) => c.edges.map((e: any) => e.node.id);
    expect(ids(lists.services)).toEqual([api]);
    expect(ids(lists.environments)).toContain(staging);
    expect(ids(lists.environments)).not.toContain(prod);
    expect(ids(lists.changes)).toEqual([changeId]);
    expect(ids(lists.commits)).toEqual([commit!.id]);
    expect(ids(lists.tags)).toEqual([tag.id]);
    expect(ids(lists.pipelineRuns)).toEqual([run.id]);
    expect(ids(lists.artifacts)).toEqual([artifact.id]);
    expect(ids(lists.deployments)).toEqual([deployment]);
    expect(ids(lists.incidents)).toEqual([incident.id]);
  });

  it('updates each core type, keeping what was not sent', async () => {
    const s = seed(hub.url);
    const a = await s.service('cart');
    const b = await s.service('stock');
    const env = await s.environment('qa', 'TEST');
    const rel = await s.release('cart', '1.0.0', { description: 'first' });
    const chg = await s.change(`OPS-${Date.now() % 100000}`, { title: 'add cart' });
    const dep = await s.deployment({ serviceId: a, environmentId: env, version: '1.0.0', releaseId: rel });

    const svc = await q('mutation($i: UpdateServiceInput!) { updateService(input: $i) { name ownerTeam dependsOn { id } } }', {
      i: { id: a, ownerTeam: 'payments', dependsOn: [b] },
    });
    expect(svc.updateService).toEqual({ name: `cart-${s.stamp}`, ownerTeam: 'payments', dependsOn: [{ id: b }] });
    const e = await q('mutation($i: UpdateEnvironmentInput!) { updateEnvironment(input: $i) { name tier region } }', {
      i: { id: env, tier: 'STAGING', region: 'eu-west-1' },
    });
    expect(e.updateEnvironment).toEqual({ name: `qa-${s.stamp}`, tier: 'STAGING', region: 'eu-west-1' });
    const r1 = await q('mutation($i: UpdateReleaseInput!) { updateRelease(input: $i) { status description services { id } } }', {
      i: { id: rel, status: 'SCHEDULED', serviceIds: [a] },
    });
    expect(r1.updateRelease).toEqual({ status: 'SCHEDULED', description: 'first', services: [{ id: a }] });
    const c1 = await q('mutation($i: UpdateChangeInput!) { updateChange(input: $i) { title state release { id } } }', {
      i: { id: chg, state: 'AUTHORIZE', releaseId: rel },
    });
    expect(c1.updateChange).toEqual({ title: 'add cart', state: 'AUTHORIZE', release: { id: rel } });
    const d1 = await q('mutation($i: UpdateDeploymentInput!) { updateDeployment(input: $i) { status strategy startedAt } }', {
      i: { id: dep, status: 'IN_PROGRESS', strategy: 'CANARY' },
    });
    expect(d1.updateDeployment).toMatchObject({ status: 'IN_PROGRESS', strategy: 'CANARY' });
    expect(d1.updateDeployment.startedAt).toBeTruthy();

    const log = await q('query($f: ReleaseEventFilter) { releaseEventLog(first: 100, filter: $f) { edges { node { type subjectId actor } } } }', {
      f: { releaseId: rel },
    });
    expect(log.releaseEventLog.edges.map((x: any) => x.node.type)).toEqual([
      'release.created',
      'deployment.created',
      'release.updated',
      'release.status_changed',
      'change.updated',
      'change.state_changed',
      'deployment.updated',
      'deployment.status_changed',
      // the deployment started: the release follows it
      'release.status_changed',
    ]);
  });

  it('pages past the first page with stable cursors, and filters by status, service, environment and time', async () => {
    const s = seed(hub.url);
    const svc = await s.service('pager');
    const env = await s.environment('pager-env', 'DEV');
    const created: string[] = [];
    for (let i = 0; i < 25; i++) created.push(await s.release(`pager`, `0.${i}.0`, i % 5 === 0 ? { serviceIds: [svc] } : {}));
    for (const id of created.slice(0, 3)) await q('mutation($i: UpdateReleaseInput!) { updateRelease(input: $i) { id } }', { i: { id, status: 'CANCELLED' } });
    await s.deployment({ serviceId: svc, environmentId: env, version: '0.1.0', releaseId: created[1] });

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: any = await q(
        'query($after: String) { releases(first: 10, after: $after, filter: { nameContains: "pager" }) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      expect(page.releases.totalCount).toBe(pages === 0 ? 25 : 26);
      seen.push(...page.releases.edges.map((e: any) => e.node.id));
      after = page.releases.pageInfo.hasNextPage ? page.releases.pageInfo.endCursor : null;
      pages++;
      if (pages === 1) {
        // a release created between pages does not shift the next page
        created.push(await s.release('pager', '9.9.9'));
      }
    } while (after);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(25);
    expect(seen).toEqual([...created.slice(0, 25)].reverse());

    const byStatus = await q('{ releases(first: 50, filter: { status: [CANCELLED], nameContains: "pager" }) { edges { node { id } } } }');
    expect(byStatus.releases.edges.map((e: any) => e.node.id).sort()).toEqual(created.slice(0, 3).sort());
    const byService = await q(`{ releases(first: 50, filter: { serviceId: "${svc}" }) { edges { node { id } } } }`);
    expect(byService.releases.edges).toHaveLength(5);
    const byEnv = await q(`{ releases(first: 50, filter: { environmentId: "${env}" }) { edges { node { id } } } }`);
    expect(byEnv.releases.edges.map((e: any) => e.node.id)).toEqual([created[1]]);
    const future = await q('{ releases(first: 50, filter: { createdAt: { from: "2999-01-01T00:00:00Z" } }) { edges { node { id } } } }');
    expect(future.releases.edges).toEqual([]);
    const past = await q(
      `{ releases(first: 50, filter: { nameContains: "pager", createdAt: { to: "${new Date(Date.now() + 60_000).toISOString()}" } }) { edges { node { id } } } }`,
    );
    expect(past.releases.edges).toHaveLength(26);
  });
});
