import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Role } from '@releasegraph/server';
import { gqlOk, present, type ResultOf } from '../src/client.js';
import { UPDATE_DEPLOYMENT, UPDATE_RELEASE } from '../src/documents.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';
import { approvalRecord, artifactRecord, commitRecord, incidentRecord, ingest, pipelineRunRecord, tagRecord } from '../src/records.js';
import { seed } from '../src/seed.js';

let hub: TestHub;
const q = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => gqlOk(hub.url, document, variables, ADMIN_TOKEN);
const connector = { id: 'connector:git', name: 'git', role: Role.INTEGRATION };
const eventCount = async () => present((await hub.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM release_event'))[0], 'a count').n;
/** The ids of a connection's nodes, in its order. */
const ids = (connection: { edges: ReadonlyArray<{ node: { id: string } }> }) => connection.edges.map((e) => e.node.id);

const RELEASE_GRAPH = graphql(`
  query RoundTripReleaseGraph($id: ID!) {
    release(id: $id) {
      id
      name
      version
      status
      timezone
      priority
      plannedStart
      origin {
        connector
      }
      environments {
        id
        tier
      }
      services {
        name
        dependsOn {
          id
        }
        environments {
          id
        }
      }
      changes {
        key
        type
        risk
        rollbackPlan
        services {
          id
        }
        commits {
          sha
        }
        release {
          id
        }
        approvals {
          id
          approver
          decision
          decidedAt
          comment
          change {
            id
          }
          origin {
            connector
            entity
            sourceId
          }
        }
      }
      commits {
        sha
        message
        changes {
          key
        }
      }
      tags {
        name
        commit {
          sha
        }
        release {
          id
        }
      }
      pipelines {
        status
        sourceStatus
        gates {
          name
          kind
          status
        }
        service {
          id
        }
        artifacts {
          digest
        }
      }
      artifacts {
        digest
        pipelineRun {
          id
        }
        promotions {
          environment {
            id
            tier
          }
          deployment {
            id
          }
        }
      }
      deployments {
        version
        status
        startedAt
        finishedAt
        deployer
        release {
          id
        }
        service {
          id
        }
        environment {
          tier
        }
        artifact {
          id
        }
      }
      incidents {
        key
        severity
        services {
          id
        }
        release {
          id
        }
      }
    }
  }
`);

const NODE = graphql(`
  query RoundTripNode($id: ID!) {
    node(id: $id) {
      __typename
      id
    }
  }
`);

const EVERY_CONNECTION = graphql(`
  query RoundTripEveryConnection($sha: String!, $key: String!, $environmentId: ID!, $releaseId: ID!, $digest: String!, $serviceId: ID!) {
    services(first: 10, filter: { environmentId: $environmentId }) {
      edges {
        node {
          id
        }
      }
    }
    environments(first: 10, filter: { tier: [STAGING] }) {
      edges {
        node {
          id
        }
      }
    }
    changes(filter: { key: $key }) {
      edges {
        node {
          id
        }
      }
    }
    commits(filter: { sha: $sha }) {
      edges {
        node {
          id
        }
      }
    }
    tags(filter: { releaseId: $releaseId }) {
      edges {
        node {
          id
        }
      }
    }
    pipelineRuns(filter: { releaseId: $releaseId, status: [SUCCEEDED] }) {
      edges {
        node {
          id
        }
      }
    }
    artifacts(filter: { digest: $digest }) {
      edges {
        node {
          id
        }
      }
    }
    deployments(filter: { releaseId: $releaseId, environmentId: $environmentId, status: [SUCCEEDED] }) {
      edges {
        node {
          id
        }
      }
    }
    incidents(filter: { serviceId: $serviceId }) {
      edges {
        node {
          id
        }
      }
    }
  }
`);

const UPDATE_SERVICE = graphql(`
  mutation RoundTripUpdateService($i: UpdateServiceInput!) {
    updateService(input: $i) {
      name
      ownerTeam
      dependsOn {
        id
      }
    }
  }
`);
const UPDATE_ENVIRONMENT = graphql(`
  mutation RoundTripUpdateEnvironment($i: UpdateEnvironmentInput!) {
    updateEnvironment(input: $i) {
      name
      tier
      region
    }
  }
`);
const UPDATE_RELEASE_PLAN = graphql(`
  mutation RoundTripUpdateRelease($i: UpdateReleaseInput!) {
    updateRelease(input: $i) {
      status
      description
      services {
        id
      }
    }
  }
`);
const UPDATE_CHANGE = graphql(`
  mutation RoundTripUpdateChange($i: UpdateChangeInput!) {
    updateChange(input: $i) {
      title
      state
      release {
        id
      }
    }
  }
`);
const UPDATE_DEPLOYMENT_ROLLOUT = graphql(`
  mutation RoundTripUpdateDeployment($i: UpdateDeploymentInput!) {
    updateDeployment(input: $i) {
      status
      strategy
      startedAt
    }
  }
`);
const EVENT_LOG = graphql(`
  query RoundTripEventLog($f: ReleaseEventFilter) {
    releaseEventLog(first: 100, filter: $f) {
      edges {
        node {
          type
          subjectId
          actor
        }
      }
    }
  }
`);

const RELEASE_PAGE = graphql(`
  query RoundTripReleasePage($after: String) {
    releases(first: 10, after: $after, filter: { nameContains: "pager" }) {
      totalCount
      edges {
        cursor
        node {
          id
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
const CANCELLED_PAGER_RELEASES = graphql(`
  query RoundTripCancelledReleases {
    releases(first: 50, filter: { status: [CANCELLED], nameContains: "pager" }) {
      edges {
        node {
          id
        }
      }
    }
  }
`);
const RELEASES_OF_SERVICE = graphql(`
  query RoundTripReleasesOfService($serviceId: ID!) {
    releases(first: 50, filter: { serviceId: $serviceId }) {
      edges {
        node {
          id
        }
      }
    }
  }
`);
const RELEASES_IN_ENVIRONMENT = graphql(`
  query RoundTripReleasesInEnvironment($environmentId: ID!) {
    releases(first: 50, filter: { environmentId: $environmentId }) {
      edges {
        node {
          id
        }
      }
    }
  }
`);
const RELEASES_CREATED_IN_THE_FUTURE = graphql(`
  query RoundTripReleasesCreatedInTheFuture {
    releases(first: 50, filter: { createdAt: { from: "2999-01-01T00:00:00Z" } }) {
      edges {
        node {
          id
        }
      }
    }
  }
`);
const PAGER_RELEASES_CREATED_BEFORE = graphql(`
  query RoundTripPagerReleasesCreatedBefore($to: DateTime!) {
    releases(first: 50, filter: { nameContains: "pager", createdAt: { to: $to } }) {
      edges {
        node {
          id
        }
      }
    }
  }
`);

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

describe('the release graph round-trips through GraphQL', () => {
  describe('links services, environments, a release, changes, commits, tags, pipelines, artifacts, deployments and incidents', () => {
    // The graph the steps below build, then read back; each step runs after the one before.
    let s: ReturnType<typeof seed>;
    let db: string;
    let api: string;
    let prod: string;
    let staging: string;
    let releaseId: string;
    let changeKey: string;
    let changeId: string;
    let commit: { id: string; sha: string };
    let tag: { id: string; name: string };
    let run: { id: string };
    let artifact: { id: string; digest: string };
    let deployment: string;
    let approval: ReturnType<typeof approvalRecord>;
    let incident: { id: string; key: string };

    it('plans the release and its change through the API', async () => {
      s = seed(hub.url);
      db = await s.service('db');
      api = await s.service('api', [db]);
      prod = await s.environment('prod', 'PROD');
      staging = await s.environment('staging', 'STAGING');
      releaseId = await s.release('checkout', '2.4.0', {
        serviceIds: [api, db],
        plannedStart: '2026-12-01T09:00:00+01:00',
        timezone: 'Europe/Berlin',
        priority: 'HIGH',
      });
      changeKey = `CHG${Date.now().toString().slice(-7)}`;
      changeId = await s.change(changeKey, { releaseId, serviceIds: [api], type: 'EMERGENCY', risk: 'HIGH', rollbackPlan: 'redeploy 2.3.9' });
    });

    it('reads commits from git once, with only real change keys', async () => {
      // Rows from connectors: seeded through the same path webhooks and polls take (domain.ingest).
      const sha = `abc${s.stamp}`;
      await ingest(hub.domain, connector, 'git', {
        commits: [commitRecord({ sha, repository: 'acme/api', message: `${changeKey}: retry on timeout`, changeKeys: [changeKey], author: 'dana' })],
      });
      commit = present((await hub.db.query<{ id: string; sha: string }[]>('SELECT id, sha FROM commit WHERE sha = $1', [sha]))[0], 'the commit');
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
      const [pinned] = await hub.db.query<{ change_keys: string[] }[]>('SELECT change_keys FROM commit WHERE sha = $1', [`def${s.stamp}`]);
      expect(pinned?.change_keys).toEqual(['OPS-77']);
      // the same commit from another connector is the same row: no second commit, no event
      const eventsBeforeCommit = await eventCount();
      await ingest(hub.domain, connector, 'github', {
        commits: [
          commitRecord({
            sha,
            repository: 'acme/api',
            message: `${changeKey}: retry on timeout`,
            changeKeys: [changeKey],
            author: 'dana',
            connector: 'github',
          }),
        ],
      });
      expect(await hub.db.query('SELECT id FROM commit WHERE sha = $1', [sha])).toEqual([{ id: commit.id }]);
      expect(await eventCount()).toBe(eventsBeforeCommit);
    });

    it('reads the tag, pipeline run, artifact, deployment, approval and incident from their sources', async () => {
      const tagName = `v2.4.0-${s.stamp}`;
      await ingest(hub.domain, connector, 'git', {
        tags: [tagRecord({ name: tagName, repository: 'acme/api', commitSha: commit.sha, releaseVersion: '2.4.0' })],
      });
      tag = { id: `git:tag:acme/api:${tagName}`, name: tagName };
      await ingest(hub.domain, connector, 'github', {
        pipelineRuns: [
          pipelineRunRecord({
            externalId: s.stamp,
            sourceStatus: 'completed/success',
            commitSha: commit.sha,
            ref: 'main',
            releaseVersion: '2.4.0',
            service: `api-${s.stamp}`,
            gates: [{ name: 'sonar', kind: 'STATIC_ANALYSIS', status: 'PASSED' }],
          }),
        ],
      });
      run = { id: `github:pipeline_run:${s.stamp}` };
      await ingest(hub.domain, connector, 'github', {
        artifacts: [artifactRecord({ name: 'api', version: '2.4.0', digest: `sha256:${s.stamp}`, service: `api-${s.stamp}`, pipelineRunId: run.id })],
      });
      artifact = { id: `github:artifact:sha256-${s.stamp}`, digest: `sha256:${s.stamp}` };
      deployment = await s.deployment({ serviceId: api, environmentId: prod, version: '2.4.0', releaseId, status: 'IN_PROGRESS' });
      await q(UPDATE_DEPLOYMENT, { i: { id: deployment, status: 'SUCCEEDED', artifactId: artifact.id } });
      approval = approvalRecord({ sourceId: s.stamp, changeId, decidedAt: new Date('2026-11-25T15:00:00Z'), comment: 'ok for Tuesday' });
      await ingest(hub.domain, connector, 'servicenow', { approvals: [approval] });
      await ingest(hub.domain, connector, 'pagerduty', {
        incidents: [incidentRecord({ sourceId: s.stamp, title: 'checkout 5xx', severity: 'SEV2', status: 'TRIGGERED', services: [`api-${s.stamp}`] })],
      });
      incident = { id: `pagerduty:incident:${s.stamp}`, key: `PD-${s.stamp}` };
      await hub.domain.writes.run(connector, (tx) => hub.domain.incidents.linkRelease(tx, incident.id, releaseId, deployment, 'paged during the release'));
    });

    it('reads the release back with every link', async () => {
      const r = present((await q(RELEASE_GRAPH, { id: releaseId })).release, 'the release');
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
      expect(r.services.map((x) => x.name).sort()).toEqual([`api-${s.stamp}`, `db-${s.stamp}`]);
      const apiService = present(
        r.services.find((x) => x.name === `api-${s.stamp}`),
        'the api service',
      );
      expect(apiService.dependsOn).toEqual([{ id: db }]);
      expect(apiService.environments).toEqual([{ id: prod }]);
      expect(r.environments).toEqual([{ id: prod, tier: 'PROD' }]);
      expect(r.changes).toEqual([
        {
          key: changeKey,
          type: 'EMERGENCY',
          risk: 'HIGH',
          rollbackPlan: 'redeploy 2.3.9',
          services: [{ id: api }],
          commits: [{ sha: commit.sha }],
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
      expect(r.commits).toEqual([{ sha: commit.sha, message: `${changeKey}: retry on timeout`, changes: [{ key: changeKey }] }]);
      expect(r.tags).toEqual([{ name: tag.name, commit: { sha: commit.sha }, release: { id: releaseId } }]);
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
      const [rollout] = r.deployments;
      expect(rollout).toMatchObject({
        version: '2.4.0',
        status: 'SUCCEEDED',
        deployer: expect.stringContaining('bootstrap-admin'),
        release: { id: releaseId },
        service: { id: api },
        environment: { tier: 'PROD' },
        artifact: { id: artifact.id },
      });
      expect(new Date(present(rollout?.finishedAt, 'finishedAt')).getTime()).toBeGreaterThanOrEqual(
        new Date(present(rollout?.startedAt, 'startedAt')).getTime(),
      );
      expect(r.incidents).toEqual([{ key: incident.key, severity: 'SEV2', services: [{ id: api }], release: { id: releaseId } }]);
    });

    it('re-ingesting the same source data is a no-op: no write, no event', async () => {
      const eventsBefore = await eventCount();
      await ingest(hub.domain, connector, 'servicenow', { approvals: [{ ...approval }] });
      expect(await eventCount()).toBe(eventsBefore);
    });

    it('resolves every type by its global id with node(id:)', async () => {
      for (const [id, type] of [
        [api, 'Service'],
        [prod, 'Environment'],
        [releaseId, 'Release'],
        [changeId, 'Change'],
        [commit.id, 'Commit'],
        [tag.id, 'GitTag'],
        [run.id, 'PipelineRun'],
        [artifact.id, 'Artifact'],
        [deployment, 'Deployment'],
        [incident.id, 'Incident'],
      ] as const) {
        const n = await q(NODE, { id });
        expect(n.node).toEqual({ __typename: type, id });
      }
      expect((await q(NODE, { id: 'rg:release:does-not-exist' })).node).toBeNull();
      expect((await q(NODE, { id: 'garbage' })).node).toBeNull();
    });

    it('lists what was written in every top-level connection', async () => {
      const lists = await q(EVERY_CONNECTION, {
        sha: commit.sha,
        key: changeKey,
        environmentId: prod,
        releaseId,
        digest: artifact.digest,
        serviceId: api,
      });
      expect(ids(lists.services)).toEqual([api]);
      expect(ids(lists.environments)).toContain(staging);
      expect(ids(lists.environments)).not.toContain(prod);
      expect(ids(lists.changes)).toEqual([changeId]);
      expect(ids(lists.commits)).toEqual([commit.id]);
      expect(ids(lists.tags)).toEqual([tag.id]);
      expect(ids(lists.pipelineRuns)).toEqual([run.id]);
      expect(ids(lists.artifacts)).toEqual([artifact.id]);
      expect(ids(lists.deployments)).toEqual([deployment]);
      expect(ids(lists.incidents)).toEqual([incident.id]);
    });
  });

  it('updates each core type, keeping what was not sent', async () => {
    const s = seed(hub.url);
    const a = await s.service('cart');
    const b = await s.service('stock');
    const env = await s.environment('qa', 'TEST');
    const rel = await s.release('cart', '1.0.0', { description: 'first' });
    const chg = await s.change(`OPS-${Date.now() % 100000}`, { title: 'add cart' });
    const dep = await s.deployment({ serviceId: a, environmentId: env, version: '1.0.0', releaseId: rel });

    const svc = await q(UPDATE_SERVICE, { i: { id: a, ownerTeam: 'payments', dependsOn: [b] } });
    expect(svc.updateService).toEqual({ name: `cart-${s.stamp}`, ownerTeam: 'payments', dependsOn: [{ id: b }] });
    const e = await q(UPDATE_ENVIRONMENT, { i: { id: env, tier: 'STAGING', region: 'eu-west-1' } });
    expect(e.updateEnvironment).toEqual({ name: `qa-${s.stamp}`, tier: 'STAGING', region: 'eu-west-1' });
    const r1 = await q(UPDATE_RELEASE_PLAN, { i: { id: rel, status: 'SCHEDULED', serviceIds: [a] } });
    expect(r1.updateRelease).toEqual({ status: 'SCHEDULED', description: 'first', services: [{ id: a }] });
    const c1 = await q(UPDATE_CHANGE, { i: { id: chg, state: 'AUTHORIZE', releaseId: rel } });
    expect(c1.updateChange).toEqual({ title: 'add cart', state: 'AUTHORIZE', release: { id: rel } });
    const d1 = await q(UPDATE_DEPLOYMENT_ROLLOUT, { i: { id: dep, status: 'IN_PROGRESS', strategy: 'CANARY' } });
    expect(d1.updateDeployment).toMatchObject({ status: 'IN_PROGRESS', strategy: 'CANARY' });
    expect(d1.updateDeployment.startedAt).toBeTruthy();

    const log = await q(EVENT_LOG, { f: { releaseId: rel } });
    expect(log.releaseEventLog.edges.map((x) => x.node.type)).toEqual([
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
    for (const id of created.slice(0, 3)) await q(UPDATE_RELEASE, { i: { id, status: 'CANCELLED' } });
    await s.deployment({ serviceId: svc, environmentId: env, version: '0.1.0', releaseId: created[1] });

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: ResultOf<typeof RELEASE_PAGE> = await q(RELEASE_PAGE, { after });
      expect(page.releases.totalCount).toBe(pages === 0 ? 25 : 26);
      seen.push(...ids(page.releases));
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

    const byStatus = await q(CANCELLED_PAGER_RELEASES, {});
    expect(ids(byStatus.releases).sort()).toEqual(created.slice(0, 3).sort());
    const byService = await q(RELEASES_OF_SERVICE, { serviceId: svc });
    expect(byService.releases.edges).toHaveLength(5);
    const byEnv = await q(RELEASES_IN_ENVIRONMENT, { environmentId: env });
    expect(ids(byEnv.releases)).toEqual([created[1]]);
    const future = await q(RELEASES_CREATED_IN_THE_FUTURE, {});
    expect(future.releases.edges).toEqual([]);
    const past = await q(PAGER_RELEASES_CREATED_BEFORE, { to: new Date(Date.now() + 60_000).toISOString() });
    expect(past.releases.edges).toHaveLength(26);
  });
});
