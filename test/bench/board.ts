/**
 * pnpm bench: the releases dashboard query (50 releases, five nested relations) against the hub,
 * and the same answer from a hand-written SQL + JSON.stringify endpoint on the same data, in one
 * run; prints requests/s, p99 and the ratio, and SQL statements per request by page size.
 * Writes test/bench/report-board.json.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { createLogger, loadConfig, Role, startHub } from '@releasegraph/server';
import { createTestDatabase } from '../src/database.js';
import { setup as setupPostgres } from '../src/global-setup.js';
import { seedDashboardEstate } from '../src/estate.js';
import { ADMIN_TOKEN } from '../src/hub.js';
import { startProcess } from './process.js';
import { BOARD_QUERY } from './queries.js';

const here = import.meta.dirname;
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
/** Hub and reference take turns, so a noisy neighbour on a shared machine hits both alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

async function load(url: string, init: { method: 'GET' | 'POST'; body?: string; headers?: Record<string, string> }) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...init });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, p50Ms: result.latency.p50 };
}

async function statementsPerRequest(hubUrl: string, first: number): Promise<number> {
  const read = async () => {
    const text = await (await fetch(`${hubUrl}/metrics`)).text();
    const num = (name: string) =>
      Number(text.match(new RegExp(`^releasegraph_sql_statements_per_request_${name}\\{route="/graphql"\\} (\\S+)$`, 'm'))?.[1] ?? 0);
    return { sum: num('sum'), count: num('count') };
  };
  const before = await read();
  for (let i = 0; i < 20; i++) await graphql(hubUrl, first);
  const after = await read();
  return (after.sum - before.sum) / (after.count - before.count);
}

async function graphql(hubUrl: string, first: number) {
  const res = await fetch(`${hubUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query: BOARD_QUERY, variables: { first } }),
  });
  const body = (await res.json()) as { data?: { releases: { edges: unknown[] } }; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`board query failed: ${JSON.stringify(body.errors)}`);
  return body.data.releases.edges;
}

const teardownPostgres = await setupPostgres();
const database = await createTestDatabase();
const children: ChildProcess[] = [];
try {
  // Seed through the domain services of an in-process hub, then measure separate processes.
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: database.url,
    RELEASEGRAPH_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    RELEASEGRAPH_CONFIG: '/dev/null',
  });
  const seeder = await startHub(config, createLogger('warn'));
  await seedDashboardEstate(seeder.domain, { releases: 50, actor: { id: 'bench', name: 'bench', role: Role.ADMIN } });
  await seeder.stop();

  const hub = await startProcess(
    'node',
    // as `pnpm start` runs it (a larger young generation: GraphQL lists allocate many short-lived objects)
    ['--max-semi-space-size=64', path.resolve(here, '../../server/dist/main.js')],
    {
      DATABASE_URL: database.url,
      PORT: '0',
      RELEASEGRAPH_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'info',
      RELEASEGRAPH_CONFIG: '/dev/null',
      NODE_ENV: 'production',
    },
    /"url":"(http:\/\/[^"]+)"/,
  );
  children.push(hub.child);
  const hubUrl = hub.match[1]!;
  const reference = await startProcess(
    'node',
    ['--import', 'tsx', path.resolve(here, 'reference-server.ts')],
    { DATABASE_URL: database.url, PORT: '0' },
    /listening (\d+)/,
  );
  children.push(reference.child);
  const referenceUrl = `http://127.0.0.1:${reference.match[1]}/board?first=50`;

  // Same answer from both (the reference's shape is the GraphQL response's).
  const fromHub = await graphql(hubUrl, 50);
  const fromReference = ((await (await fetch(referenceUrl)).json()) as { data: { releases: { edges: unknown[] } } }).data.releases.edges;
  if (fromHub.length !== 50 || JSON.stringify(fromHub) !== JSON.stringify(fromReference)) {
    throw new Error(`the hub and the reference do not answer the same:\n${JSON.stringify(fromHub[0])}\n${JSON.stringify(fromReference[0])}`);
  }

  const hubRequest = {
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query: BOARD_QUERY, variables: { first: 50 } }),
  };
  const statements = { first5: await statementsPerRequest(hubUrl, 5), first50: await statementsPerRequest(hubUrl, 50) };
  await load(referenceUrl, { method: 'GET' }); // warm-up for both, not reported
  await load(`${hubUrl}/graphql`, hubRequest);
  const rounds: Array<{ hub: Awaited<ReturnType<typeof load>>; reference: Awaited<ReturnType<typeof load>>; ratio: number }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    const hubRound = await load(`${hubUrl}/graphql`, hubRequest);
    const referenceRound = await load(referenceUrl, { method: 'GET' });
    rounds.push({ hub: hubRound, reference: referenceRound, ratio: hubRound.requestsPerSecond / referenceRound.requestsPerSecond });
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
  const { hub: hubResult, reference: referenceResult, ratio } = median;
  const report = {
    benchmark: 'releases dashboard query (50 releases x 5 nested relations)',
    at: new Date().toISOString(),
    durationSeconds: DURATION,
    rounds: rounds.map((r) => ({
      hubRequestsPerSecond: r.hub.requestsPerSecond,
      referenceRequestsPerSecond: r.reference.requestsPerSecond,
      ratio: Number(r.ratio.toFixed(3)),
    })),
    reported: 'the round with the median ratio',
    connections: CONNECTIONS,
    hub: hubResult,
    reference: { ...referenceResult, what: 'one hand-written SQL statement + JSON.stringify, plain node:http' },
    throughputRatio: Number(ratio.toFixed(3)),
    target: 'ratio >= 0.25; SQL statements per request independent of page size',
    sqlStatementsPerRequest: statements,
    meetsTarget: ratio >= 0.25 && statements.first5 === statements.first50,
  };
  fs.writeFileSync(path.join(here, 'report-board.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`
releases dashboard query, ${ROUNDS} alternating rounds of ${DURATION}s x ${CONNECTIONS} connections (median round)
  hub (GraphQL)          ${hubResult.requestsPerSecond.toFixed(1).padStart(8)} req/s   p99 ${hubResult.p99Ms} ms
  reference (SQL+JSON)   ${referenceResult.requestsPerSecond.toFixed(1).padStart(8)} req/s   p99 ${referenceResult.p99Ms} ms
  ratio                  ${ratio.toFixed(3)}  (target >= 0.25; rounds: ${rounds.map((r) => r.ratio.toFixed(3)).join(', ')})
  SQL statements/request first=5: ${statements.first5}, first=50: ${statements.first50}
  ${report.meetsTarget ? 'meets the target' : 'DOES NOT meet the target'}`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await database.drop();
  await teardownPostgres();
}
