import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk } from '../src/client.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';
import { waitFor } from '../src/processes.js';

/*
 * The demo estate (RELEASEGRAPH_DEMO=1) brings a first start to life through the real interfaces:
 * a release planned over GraphQL, its change from a signed Jira webhook, commit, tag, pipeline and
 * deployments from signed GitHub webhooks, traffic over OTLP, a page from PagerDuty.
 */

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ env: { RELEASEGRAPH_DEMO: '1', RELEASEGRAPH_DEMO_STEP_MS: '150' } });
});
afterAll(async () => {
  await hub?.close();
});

const call = <T = any>(query: string) => gqlOk<T>(hub.url, query, {}, ADMIN_TOKEN);

describe('the demo estate', () => {
  it('plays a release through change, code, pipeline and deployments, then a bad one that gets paged', async () => {
    const board = () =>
      call(
        `{ releases(first: 10) { edges { node { version changes { key } tags { name } pipelines { status } deployments { environment { name } status } } } } }`,
      ).then((r) => r.releases.edges.map((e: { node: any }) => e.node));
    await waitFor(
      'the first release to reach production',
      async () => (await board()).some((r: any) => r.deployments.some((d: any) => d.environment.name === 'production' && d.status === 'SUCCEEDED')),
      30_000,
    );
    const first = (await board()).find((r: any) => r.version === '2.1.0');
    expect(first).toMatchObject({ changes: [{ key: 'OPS-1001' }], tags: [{ name: 'v2.1.0' }], pipelines: [{ status: 'SUCCEEDED' }] });
    expect(first.deployments.map((d: any) => `${d.environment.name}:${d.status}`).sort()).toEqual(['production:SUCCEEDED', 'staging:SUCCEEDED']);

    // The second release breaks: PagerDuty pages it.
    await waitFor(
      'the page of the broken release',
      async () => (await call(`{ incidents(first: 5) { edges { node { key } } } }`)).incidents.edges.length > 0,
      30_000,
    );
    const connectors = (await call(`{ connectors { id status } }`)).connectors as Array<{ id: string; status: string }>;
    expect(connectors.filter((c) => c.id.startsWith('demo-')).map((c) => [c.id, c.status])).toEqual(
      expect.arrayContaining([
        ['demo-github', 'OK'],
        ['demo-jira', 'OK'],
        ['demo-pagerduty', 'OK'],
      ]),
    );
    const spans = await hub.db.query(`SELECT DISTINCT service FROM span_rollup ORDER BY 1`);
    expect(spans).toEqual([{ service: 'checkout' }, { service: 'search' }]);

    // Its traffic fails its success criterion: the verifier recommends rolling it back.
    await waitFor(
      'traffic of the broken version',
      async () => ((await hub.db.query(`SELECT coalesce(sum(spans), 0)::int AS n FROM span_rollup WHERE version = '2.2.0'`)) as [{ n: number }])[0].n >= 20,
      30_000,
    );
    await hub.domain.verifier.evaluate(new Date(Date.now() + 1000));
    const decisions = await hub.db.query(
      `SELECT d.mode, dep.version FROM rollback_decision d JOIN deployment dep ON dep.id = d.deployment_id JOIN environment e ON e.id = dep.environment_id WHERE e.name = 'production'`,
    );
    expect(decisions).toEqual([{ mode: 'RECOMMENDED', version: '2.2.0' }]);
  });
});
