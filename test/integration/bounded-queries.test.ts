import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@releasegraph/server';
import { gqlOk, type ResultOf } from '../src/client.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';
import { seedDashboardEstate } from '../src/estate.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
  await seedDashboardEstate(hub.domain, { releases: 50, actor: { id: 'test', name: 'test', role: Role.ADMIN } });
});
afterAll(async () => {
  await hub?.close();
});

/** The status board's query: a page of releases with five nested relations (two of them two deep). */
const BOARD = graphql(`
  query BoundedQueriesBoard($first: Int!) {
    releases(first: $first) {
      edges {
        node {
          id
          name
          version
          status
          services {
            id
            name
          }
          changes {
            key
            state
            commits {
              sha
            }
          }
          deployments {
            id
            status
            service {
              name
            }
            environment {
              name
              tier
            }
          }
          pipelines {
            id
            status
            gates {
              name
              status
            }
          }
          incidents {
            key
            severity
          }
        }
      }
    }
  }
`);
type BoardRelease = ResultOf<typeof BOARD>['releases']['edges'][number]['node'];

/** Runs the board query and returns what the hub counted for that one request. */
async function statementsFor(first: number): Promise<{ statements: number; releases: BoardRelease[] }> {
  const counted: number[] = [];
  const stop = hub.sql.onRequest((statements, route) => route === '/graphql' && counted.push(statements));
  const data = await gqlOk(hub.url, BOARD, { first }, ADMIN_TOKEN);
  await new Promise((r) => setTimeout(r, 50)); // 'finish' fires just after the body is read
  stop();
  expect(counted).toHaveLength(1);
  return { statements: counted[0]!, releases: data.releases.edges.map((e) => e.node) };
}

describe('round trips are bounded', () => {
  it('costs the same few SQL statements for 50 releases as for 5', async () => {
    await statementsFor(1); // warm the token cache, as a running hub would have it
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(small.releases).toHaveLength(5);
    expect(large.releases).toHaveLength(50);
    // every release really carries its relations (so the count is not small because they are empty)
    for (const r of large.releases) {
      expect(r.services).toHaveLength(2);
      expect(r.changes).toHaveLength(2);
      expect(r.changes[0]!.commits).toHaveLength(1);
      expect(r.deployments).toHaveLength(2);
      expect(r.deployments[0]!.environment.name).toMatch(/^(staging|prod)-/);
      expect(r.pipelines).toHaveLength(1);
      expect(r.incidents).toHaveLength(1);
    }
    expect(large.statements).toBe(small.statements);
    // the page, 5 relations, 1 level below two of them, plus the token look-up at most
    expect(large.statements).toBeLessThanOrEqual(10);
  });
});
