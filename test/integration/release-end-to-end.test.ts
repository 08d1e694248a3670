import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk, present, wsClient } from '../src/client.js';
import { CREATE_RELEASE } from '../src/documents.js';
import { collectEvents, cursorOf } from '../src/events.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

/*
 * One release across every source family, each through its real interface: a Jira change (signed
 * webhook), commits and a version tag from GitHub, a GitLab pipeline with quality gates, a GitHub
 * deployment, and spans of the new version from the OpenTelemetry SDK. All of it must meet in one
 * `release { ... }` query, and every step must reach a `releaseEvents` subscriber.
 */

const RELEASE_GRAPH = graphql(`
  query ReleaseEndToEndGraph($id: ID!) {
    release(id: $id) {
      changes {
        key
        source
      }
      commits {
        sha
        changeKeys
      }
      tags {
        name
      }
      pipelines {
        provider
        status
        commitSha
        gates {
          name
          kind
          status
        }
      }
      artifacts {
        name
        version
        digest
      }
      deployments {
        version
        status
        service {
          name
        }
        environment {
          name
          tier
        }
        artifact {
          digest
        }
      }
    }
  }
`);

const FIXTURES = path.resolve(import.meta.dirname, '../../connectors/src');
// Webhook payloads are the sources' own JSON, not the hub's schema: the tests edit them as loose objects.
const fixture = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as Record<string, any>;
const SECRETS = { github: 'gh-secret-for-e2e', gitlab: 'gitlab-token-for-e2e', jira: 'jira-secret-for-e2e' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-e2e-'));

let hub: TestHub;
let jiraApi: http.Server;
let ws: Client;

beforeAll(async () => {
  // Jira's search API (the connector also polls it): nothing to read, the change arrives by webhook.
  jiraApi = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"issues":[],"isLast":true}'));
  await new Promise<void>((resolve) => jiraApi.listen(0, '127.0.0.1', resolve));
  const configFile = path.join(dir, 'releasegraph.yaml');
  fs.writeFileSync(
    configFile,
    `connectors:
  - { id: jira, kind: jira, baseUrl: "http://127.0.0.1:${(jiraApi.address() as { port: number }).port}", email: ops@example.com, apiToken: x, projects: [OPS], webhookSecret: ${SECRETS.jira}, pollInterval: 1h }
  - { id: github, kind: github, webhookSecret: ${SECRETS.github} }
  - { id: gitlab, kind: gitlab, webhookSecret: ${SECRETS.gitlab} }
`,
  );
  hub = await startTestHub({ env: { RELEASEGRAPH_CONFIG: configFile } });
  ws = wsClient(hub.url, ADMIN_TOKEN);
});
afterAll(async () => {
  await ws?.dispose();
  await hub?.close();
  jiraApi?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const hmac = (body: string, secret: string) => 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');
async function deliver(connector: string, headers: Record<string, string>, payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const signed: Record<string, string> =
    connector === 'gitlab'
      ? { 'x-gitlab-token': SECRETS.gitlab }
      : connector === 'jira'
        ? { 'x-hub-signature': hmac(body, SECRETS.jira) }
        : { 'x-hub-signature-256': hmac(body, SECRETS.github), 'x-github-delivery': crypto.randomUUID() };
  const res = await fetch(`${hub.url}/hooks/${connector}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signed, ...headers }, body });
  expect({ connector, status: res.status, body: await res.json() }).toMatchObject({ status: 202, body: { outcome: 'accepted' } });
}

describe('one release, end to end', () => {
  it('links an ITSM change, commits and a tag, a pipeline with gates, a deployment and spans of the new version in one release', async () => {
    const sha = crypto.randomBytes(20).toString('hex');
    const { createRelease: release } = await gqlOk(hub.url, CREATE_RELEASE, { i: { name: 'Payments 2.4', version: '2.4.0' } }, ADMIN_TOKEN);
    const { last } = present((await hub.db.query<{ last: string }[]>('SELECT max(id)::text AS last FROM release_event'))[0], 'the last event');
    const expected = [
      'change.created',
      'commit.created',
      'tag.created',
      'pipeline_run.created',
      'deployment.created',
      'deployment.updated',
      'telemetry.version_observed',
    ];
    const seen = collectEvents(ws, { after: cursorOf(last) }, { until: (events) => expected.every((t) => events.some((e) => e.type === t)) });

    // 1. The change ticket, raised in Jira for fix version 2.4.0.
    const jira = fixture('jira/fixtures/webhook-issue-created.json');
    jira.issue.key = 'OPS-321';
    jira.issue.fields.fixVersions = [{ id: '10020', name: '2.4.0', archived: false, released: false }];
    jira.issue.fields.components = [{ id: '10001', name: 'payments' }];
    await deliver('jira', { 'x-atlassian-webhook-identifier': crypto.randomUUID() }, jira);

    // 2. The code: a pushed commit naming the change, then the version tag.
    await deliver(
      'github',
      { 'x-github-event': 'push' },
      {
        ref: 'refs/heads/main',
        repository: { name: 'payments', full_name: 'acme/payments' },
        commits: [
          { id: sha, message: 'OPS-321: retry card authorisation on timeout', timestamp: new Date().toISOString(), author: { name: 'Dana', username: 'dana' } },
        ],
      },
    );
    const tag = fixture('github/fixtures/create-version-tag.json');
    Object.assign(tag, { ref: 'v2.4.0', ref_type: 'tag' });
    tag.repository.name = 'payments';
    tag.repository.full_name = 'acme/payments';
    await deliver('github', { 'x-github-event': 'create' }, tag);

    // 3. The pipeline GitLab ran on the tag, with its lint, test and scan jobs.
    const pipeline = fixture('gitlab/fixtures/pipeline-failed-with-gate-jobs.json');
    Object.assign(pipeline.object_attributes, { id: 4242, ref: 'v2.4.0', tag: true, sha, status: 'success', detailed_status: 'passed' });
    pipeline.builds = [
      { id: 1, stage: 'build', name: 'build', status: 'success' },
      { id: 2, stage: 'test', name: 'lint', status: 'success' },
      { id: 3, stage: 'test', name: 'unit-tests', status: 'success' },
      { id: 4, stage: 'security', name: 'trivy-scan', status: 'success' },
    ].map((b) => ({ ...pipeline.builds[0], ...b, when: 'on_success', manual: false, allow_failure: false }));
    await deliver('gitlab', { 'x-gitlab-event': 'Pipeline Hook', 'x-gitlab-event-uuid': crypto.randomUUID() }, pipeline);

    // 3b. The image the pipeline published, identified by its digest.
    const digest = `sha256:${crypto.createHash('sha256').update(sha).digest('hex')}`;
    const published = fixture('github/fixtures/registry-package-published-container.json');
    published.registry_package.package_version.version = digest;
    published.registry_package.package_version.container_metadata.tag = { name: 'v2.4.0', digest };
    await deliver('github', { 'x-github-event': 'registry_package' }, published);

    // 4. The deployment of that image to production, created then succeeded.
    const deployment = fixture('github/fixtures/deployment-created-for-tag.json');
    Object.assign(deployment.deployment, {
      id: 777001,
      sha,
      ref: 'v2.4.0',
      environment: 'production',
      payload: { service: 'payments', image: `ghcr.io/acme/payments@${digest}` },
    });
    await deliver('github', { 'x-github-event': 'deployment' }, deployment);
    const status = fixture('github/fixtures/deployment-status-success.json');
    status.deployment = deployment.deployment;
    Object.assign(status.deployment_status, { state: 'success', environment: 'production' });
    await deliver('github', { 'x-github-event': 'deployment_status' }, status);

    // 5. Once the deployment is in the graph, the new version serves traffic, instrumented with the OpenTelemetry SDK.
    await hub.domain.connectors.settled();
    const spans = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'payments', 'service.version': '2.4.0', 'deployment.environment.name': 'production' }),
      spanProcessors: [new SimpleSpanProcessor(spans)],
    });
    const span = provider.getTracer('e2e').startSpan('POST /authorise', { kind: SpanKind.SERVER });
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
    const exported = await new Promise<ExportResult>((resolve) =>
      new OTLPTraceExporter({ url: `${hub.url}/v1/traces` }).export(spans.getFinishedSpans(), resolve),
    );
    expect(exported.code).toBe(ExportResultCode.SUCCESS);

    await hub.domain.connectors.settled();
    const graph = await gqlOk(hub.url, RELEASE_GRAPH, { id: release.id }, ADMIN_TOKEN);
    expect(graph.release).toEqual({
      changes: [{ key: 'OPS-321', source: 'jira' }],
      commits: [{ sha, changeKeys: ['OPS-321'] }],
      tags: [{ name: 'v2.4.0' }],
      pipelines: [
        {
          provider: 'gitlab',
          status: 'SUCCEEDED',
          commitSha: sha,
          gates: [
            { name: 'lint', kind: 'STATIC_ANALYSIS', status: 'PASSED' },
            { name: 'unit-tests', kind: 'TESTS', status: 'PASSED' },
            { name: 'trivy-scan', kind: 'VULNERABILITY_SCAN', status: 'PASSED' },
          ],
        },
      ],
      artifacts: [{ name: 'acme/payments', version: 'v2.4.0', digest }],
      deployments: [
        { version: '2.4.0', status: 'SUCCEEDED', service: { name: 'payments' }, environment: { name: 'production', tier: 'PROD' }, artifact: { digest } },
      ],
    });

    const { events, error } = await seen;
    expect(error).toBeNull();
    const ofRelease = (type: string) => events.filter((e) => e.type === type && e.releaseId === release.id);
    for (const type of expected.filter((t) => t !== 'commit.created')) {
      expect({ type, count: ofRelease(type).length }).toEqual({ type, count: 1 });
    }
    expect(events.filter((e) => e.type === 'commit.created' && e.subjectId === `github:commit:acme/payments@${sha}`)).toHaveLength(1);
  });
});

describe('telemetry before the deployment record', () => {
  it('links a version that was live before its deployment arrived to that deployment and its release', async () => {
    const { createRelease: release } = await gqlOk(hub.url, CREATE_RELEASE, { i: { name: 'Payments 2.5', version: '2.5.0' } }, ADMIN_TOKEN);
    const spans = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'payments', 'service.version': '2.5.0', 'deployment.environment.name': 'canary' }),
      spanProcessors: [new SimpleSpanProcessor(spans)],
    });
    provider.getTracer('e2e').startSpan('POST /authorise', { kind: SpanKind.SERVER }).end();
    const exported = await new Promise<ExportResult>((resolve) =>
      new OTLPTraceExporter({ url: `${hub.url}/v1/traces` }).export(spans.getFinishedSpans(), resolve),
    );
    expect(exported.code).toBe(ExportResultCode.SUCCESS);

    const deployment = fixture('github/fixtures/deployment-created-for-tag.json');
    Object.assign(deployment.deployment, { id: 777002, ref: 'v2.5.0', environment: 'canary', payload: { service: 'payments' } });
    await deliver('github', { 'x-github-event': 'deployment' }, deployment);
    await hub.domain.connectors.settled();
    const sightings = await hub.db.query<{ subject_type: string; subject_id: string; release_id: string | null; deployment: string | null }[]>(
      `SELECT subject_type, subject_id, release_id, payload->>'deploymentId' AS deployment FROM release_event
        WHERE type = 'telemetry.version_observed' AND payload->>'version' = '2.5.0' ORDER BY id`,
    );
    // one event type, one subject: the sighting, then the same sighting told again with its deployment and release
    const subject = 'telemetry:telemetry_version:payments/canary/2.5.0';
    expect(sightings).toEqual([
      { subject_type: 'TelemetryVersion', subject_id: subject, release_id: null, deployment: null },
      { subject_type: 'TelemetryVersion', subject_id: subject, release_id: release.id, deployment: 'github:deployment:777002' },
    ]);
  });
});
