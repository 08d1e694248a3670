import { execFileSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk, present } from '../src/client.js';
import { CREATE_RELEASE } from '../src/documents.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';
import { freePort, hasProgram, startProcess, waitFor } from '../src/processes.js';

/*
 * Polled sources with real peers: a git repository made here, read with the git CLI, and Debian's
 * Prometheus scraping a small target, queried by the Prometheus connector.
 */

const RELEASE_TAGS = graphql(`
  query PolledSourcesReleaseTags($id: ID!) {
    release(id: $id) {
      tags {
        name
        commit {
          message
        }
      }
    }
  }
`);
const CONNECTOR_LAG = graphql(`
  query PolledSourcesConnectorLag {
    connectors {
      id
      status
      lag
    }
  }
`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-polled-'));
const repo = path.join(dir, 'payments');
const requirePrometheus = process.env.TEST_REQUIRE_PROMETHEUS === '1';
const prometheusInstalled = hasProgram('prometheus');
if (requirePrometheus && !prometheusInstalled) throw new Error('TEST_REQUIRE_PROMETHEUS=1 but the prometheus binary is not on the PATH');

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Dana', '-c', 'user.email=dana@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
  }).trim();
function commit(message: string, file = 'README.md'): string {
  fs.appendFileSync(path.join(repo, file), `${message}\n`);
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
}

let hub: TestHub;
let prometheus: ChildProcess | undefined;
let target: http.Server | undefined;
let prometheusUrl = '';

beforeAll(async () => {
  fs.mkdirSync(repo);
  git('init', '-q');
  commit('Initial payments service');
  commit('CHG0050001: retry card authorisation on timeout');
  git('tag', '-a', 'v1.4.0', '-m', 'payments 1.4.0');

  const connectors = [
    `  - id: git-payments\n    kind: git\n    repository: ${repo}\n    name: acme/payments\n    pollInterval: 1h`,
    `  - { id: github, kind: github, webhookSecret: polled-sources-secret }`,
  ];
  if (prometheusInstalled) {
    // A target whose request counter grows by 10 per scrape, labelled like an instrumented service.
    let requests = 0;
    target = http.createServer((_req, res) => {
      requests += 10;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE http_requests_total counter\nhttp_requests_total{service="payments",environment="prod",version="1.4.0"} ${requests}\n`);
    });
    await new Promise<void>((resolve) => target!.listen(0, '127.0.0.1', resolve));
    const targetPort = (target.address() as { port: number }).port;
    const port = await freePort();
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: payments\n    static_configs: [{ targets: ['127.0.0.1:${targetPort}'] }]\n`,
    );
    prometheus = startProcess(
      'prometheus',
      [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
      path.join(dir, 'prometheus.log'),
    );
    prometheusUrl = `http://127.0.0.1:${port}`;
    // Ready once a rate over the target can be computed (a few scrapes).
    await waitFor('Prometheus to scrape the target', async () => {
      const r = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent('rate(http_requests_total[5s])')}`);
      const body = (await r.json()) as { data?: { result?: unknown[] } };
      return (body.data?.result?.length ?? 0) > 0;
    });
    await new Promise((r) => setTimeout(r, 3000));
    connectors.push(`  - id: prom
    kind: prometheus
    baseUrl: ${prometheusUrl}
    pollInterval: 1h
    step: 1s
    lookback: 1m
    kpis:
      - metric: throughput
        query: sum by (service, environment, version) (rate(http_requests_total[5s]))`);
  }
  const configFile = path.join(dir, 'releasegraph.yaml');
  fs.writeFileSync(configFile, `connectors:\n${connectors.join('\n')}\n`);
  hub = await startTestHub({ env: { RELEASEGRAPH_CONFIG: configFile } });
}, 90_000);

afterAll(async () => {
  await hub?.close();
  prometheus?.kill();
  target?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the git connector on a real repository', () => {
  it('reads commits with their change keys and tags, links the tag to its release, and reads only new commits after', async () => {
    const release = await gqlOk(hub.url, CREATE_RELEASE, { i: { name: 'Payments 1.4', version: '1.4.0' } }, ADMIN_TOKEN);
    // The hub read the repository at start-up, before the release was planned: the tag joins the release when it is created.
    await hub.domain.connectors.poll('git-payments');

    const commits = await hub.db.query<{ message: string; change_keys: string[] }[]>(
      `SELECT message, change_keys FROM commit WHERE repository = 'acme/payments' ORDER BY message`,
    );
    expect(commits).toEqual([
      { message: 'CHG0050001: retry card authorisation on timeout', change_keys: ['CHG0050001'] },
      { message: 'Initial payments service', change_keys: [] },
    ]);
    const tagged = await gqlOk(hub.url, RELEASE_TAGS, { id: release.createRelease.id }, ADMIN_TOKEN);
    expect(present(tagged.release, 'the release').tags).toEqual([{ name: 'v1.4.0', commit: { message: 'CHG0050001: retry card authorisation on timeout' } }]);

    const sha = commit('OPS-77: log the gateway latency');
    const lastEvent = (await hub.db.query<Array<{ id: string }>>('SELECT max(id)::text AS id FROM release_event'))[0]!.id;
    await hub.domain.connectors.poll('git-payments');
    const fresh = await hub.db.query<{ type: string; subject_id: string }[]>(
      `SELECT type, subject_id FROM release_event WHERE id > $1 AND type LIKE 'commit.%'`,
      [lastEvent],
    );
    expect(fresh).toEqual([{ type: 'commit.created', subject_id: `git-payments:commit:acme/payments@${sha}` }]);

    // GitHub reports the same commit when it is pushed: still one commit.
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { name: 'payments', full_name: 'acme/payments' },
      commits: [{ id: sha, message: 'OPS-77: log the gateway latency', timestamp: new Date().toISOString(), author: { name: 'Dana', username: 'dana' } }],
    });
    const signature = 'sha256=' + crypto.createHmac('sha256', 'polled-sources-secret').update(body).digest('hex');
    const res = await fetch(`${hub.url}/hooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': signature },
      body,
    });
    expect(res.status).toBe(202);
    await hub.domain.connectors.settled();
    expect(await hub.db.query<{ id: string }[]>(`SELECT id FROM commit WHERE sha = $1`, [sha])).toEqual([{ id: `git-payments:commit:acme/payments@${sha}` }]);
    expect(await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM dead_letter`)).toEqual([{ n: 0 }]);
  });
});

describe.runIf(prometheusInstalled)("the Prometheus connector against Debian's prometheus", () => {
  it('turns a query_range per KPI into samples per service, environment and version', async () => {
    const result = await hub.domain.connectors.poll('prom');
    expect(result).toMatchObject({ ran: true, error: null });
    const samples = await hub.db.query<Array<{ service: string; environment: string; version: string; value: number }>>(
      `SELECT service, environment, version, value FROM kpi_sample WHERE metric = 'throughput' ORDER BY at`,
    );
    expect(samples.length).toBeGreaterThan(0);
    expect(new Set(samples.map((s) => `${s.service}/${s.environment}/${s.version}`))).toEqual(new Set(['payments/prod/1.4.0']));
    // 10 requests per 1 s scrape.
    const last = samples[samples.length - 1]!;
    expect(last.value).toBeGreaterThan(5);
    expect(last.value).toBeLessThan(20);
    const health = await gqlOk(hub.url, CONNECTOR_LAG, {}, ADMIN_TOKEN);
    expect(health.connectors.find((c) => c.id === 'prom')).toMatchObject({ status: 'OK', lag: expect.any(Number) });
  });
});
