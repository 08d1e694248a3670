import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handleWebhook } from '../kit/connector.js';
import { records } from '../kit/records.js';
import { jenkins, jenkinsConfig, jenkinsJobName, type JenkinsConfig } from './jenkins.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name));
const config: JenkinsConfig = {
  id: 'jenkins',
  kind: 'jenkins',
  webhookSecret: 'a-jenkins-shared-secret',
  serviceFromJob: { 'payments-release': 'payments-api' },
};
const bearer = { authorization: `Bearer ${config.webhookSecret}` };
const deliver = (body: Buffer, headers: Record<string, string | undefined>) => handleWebhook(jenkins.webhook!, config, { rawBody: body, headers });
const sha256 = (body: Buffer) => 'sha256:' + crypto.createHash('sha256').update(body).digest('hex');

type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json };
const isObject = (value: Json): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);
/** `base` with `patch` merged in: objects merge key by key, anything else replaces, undefined removes. */
const merged = (base: Json, patch: Json): Json =>
  isObject(base) && isObject(patch) ? Object.fromEntries([...Object.entries(base), ...Object.entries(patch).map(([k, v]) => [k, merged(base[k], v)])]) : patch;
/** A fixture's body with a patch merged in. */
const patchedFixture = (name: string, patch?: Json) =>
  patch === undefined ? fixture(name) : Buffer.from(JSON.stringify(merged(JSON.parse(fixture(name).toString()) as Json, patch)));

/** A delivery of a fixture (optionally patched first) with the shared secret as a Bearer token. */
const deliverFixture = (name: string, patch?: Json) => deliver(patchedFixture(name, patch), bearer);

describe('Jenkins shared secret', () => {
  const body = fixture('build-completed-success.json');
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('takes the secret as a Bearer token, a Basic password (the plugin’s user:secret@ url) or X-Releasegraph-Token', () => {
    expect(deliver(body, bearer).kind).toBe('records');
    expect(deliver(body, { authorization: basic('releasegraph', config.webhookSecret) }).kind).toBe('records');
    expect(deliver(body, { 'x-releasegraph-token': config.webhookSecret }).kind).toBe('records');
  });

  it('refuses a wrong or missing secret before parsing anything', () => {
    const notJson = Buffer.from('<JobState/>');
    expect(deliver(notJson, {})).toEqual({
      kind: 'unauthorized',
      reason: 'no Authorization (Bearer or Basic) or X-Releasegraph-Token carries the shared secret',
    });
    expect(deliver(notJson, { authorization: 'Bearer not-the-secret' }).kind).toBe('unauthorized');
    expect(deliver(notJson, { authorization: basic(config.webhookSecret, 'wrong') }).kind).toBe('unauthorized');
    expect(deliver(notJson, { authorization: `Token ${config.webhookSecret}` }).kind).toBe('unauthorized');
    expect(deliver(notJson, { 'x-releasegraph-token': config.webhookSecret.slice(1) }).kind).toBe('unauthorized');
    expect(deliver(notJson, bearer)).toMatchObject({ kind: 'malformed', reason: 'the body is not JSON (set the notification format to JSON)' });
  });

  it('identifies a delivery by the hash of its body, so a resend is the same delivery and the next phase is not', () => {
    const completed = deliver(body, bearer);
    const finalized = deliverFixture('build-completed-success.json', { build: { phase: 'FINALIZED' } });
    expect(completed).toMatchObject({ deliveryId: sha256(body) });
    expect(deliver(body, bearer)).toMatchObject({ deliveryId: sha256(body) });
    expect(finalized.kind === 'records' && finalized.deliveryId).not.toBe(sha256(body));
  });
});

describe('Jenkins Notification plugin message', () => {
  it('turns a completed build of a multibranch job into a pipeline run keyed by full job name and number', () => {
    expect(deliverFixture('build-completed-success.json')).toEqual({
      kind: 'records',
      deliveryId: sha256(fixture('build-completed-success.json')),
      event: 'build.completed',
      records: records({
        pipelineRuns: [
          {
            id: 'jenkins:pipeline_run:payments/main#42',
            provider: 'jenkins',
            externalId: 'payments/main#42',
            name: 'payments/main',
            status: 'SUCCEEDED',
            commitSha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
            ref: 'main',
            url: 'https://jenkins.example.com/job/payments/job/main/42/',
            gates: [],
            startedAt: new Date('2026-11-20T09:20:00Z'),
            finishedAt: new Date('2026-11-20T09:26:52Z'),
            service: 'payments',
            releaseVersion: null,
            origin: { connector: 'jenkins', entity: 'build', sourceId: 'payments/main#42', originalStatus: 'COMPLETED/SUCCESS' },
          },
        ],
      }),
    });
  });

  it('derives gates from the optional stages list and takes the service from serviceFromJob', () => {
    const outcome = deliverFixture('build-completed-unstable-with-stages.json');
    expect(outcome.kind === 'records' && outcome.records.pipelineRuns[0]).toMatchObject({
      id: 'jenkins:pipeline_run:payments-release#7',
      status: 'FAILED',
      ref: 'v1.4.0',
      releaseVersion: '1.4.0',
      service: 'payments-api',
      gates: [
        { name: 'Unit tests', kind: 'TESTS', status: 'FAILED' },
        { name: 'SonarQube analysis', kind: 'STATIC_ANALYSIS', status: 'PASSED' },
        { name: 'Dependency-Check', kind: 'VULNERABILITY_SCAN', status: 'SKIPPED' },
      ],
      origin: { originalStatus: 'COMPLETED/UNSTABLE' },
    });
  });

  it('lands every phase of one build on the same run, with start and end as the phases tell them', () => {
    const phase = (patch?: Json) => {
      const outcome = deliverFixture('build-completed-success.json', patch);
      return outcome.kind === 'records' ? outcome.records.pipelineRuns[0] : undefined;
    };
    const queued = phase({ build: { phase: 'QUEUED', status: undefined, timestamp: 1795166392000, duration: 0 } });
    const started = phase({ build: { phase: 'STARTED', status: undefined, timestamp: 1795166400000, duration: 0 } });
    const completed = phase();
    expect(new Set([queued?.id, started?.id, completed?.id])).toEqual(new Set(['jenkins:pipeline_run:payments/main#42']));
    expect(queued).toMatchObject({ status: 'QUEUED', startedAt: null, finishedAt: null, origin: { originalStatus: 'QUEUED' } });
    expect(started).toMatchObject({ status: 'RUNNING', startedAt: new Date('2026-11-20T09:20:00Z'), finishedAt: null });
    expect(completed).toMatchObject({ status: 'SUCCEEDED', startedAt: new Date('2026-11-20T09:20:00Z'), finishedAt: new Date('2026-11-20T09:26:52Z') });
  });

  it('maps phases and results to a pipeline status', () => {
    const statusOf = (phase: string, status?: string) => {
      const outcome = deliverFixture('build-completed-success.json', { build: { phase, status } });
      return outcome.kind === 'records' ? outcome.records.pipelineRuns[0]?.status : outcome.kind;
    };
    expect(statusOf('QUEUED')).toBe('QUEUED');
    expect(statusOf('STARTED')).toBe('RUNNING');
    expect(statusOf('COMPLETED', 'SUCCESS')).toBe('SUCCEEDED');
    expect(statusOf('FINALIZED', 'SUCCESS')).toBe('SUCCEEDED');
    expect(statusOf('COMPLETED', 'FAILURE')).toBe('FAILED');
    expect(statusOf('COMPLETED', 'UNSTABLE')).toBe('FAILED');
    expect(statusOf('COMPLETED', 'ABORTED')).toBe('CANCELLED');
    expect(statusOf('COMPLETED', 'NOT_BUILT')).toBe('CANCELLED');
    expect(statusOf('COMPLETED')).toBe('ignored');
    expect(statusOf('NONE')).toBe('ignored');
  });

  it('calls a message without a build number malformed', () => {
    expect(deliverFixture('build-completed-success.json', { build: { number: undefined } }).kind).toBe('malformed');
  });
});

describe('jenkinsJobName', () => {
  it('reads the full name from the job url, the plain name when the url is no job path', () => {
    expect(jenkinsJobName({ name: 'main', url: 'job/payments/job/main/' })).toBe('payments/main');
    expect(jenkinsJobName({ name: 'feature%2FOPS-42', url: 'job/payments/job/feature%252FOPS-42/' })).toBe('payments/feature%2FOPS-42');
    expect(jenkinsJobName({ name: 'asgard', url: 'job/asgard/' })).toBe('asgard');
    expect(jenkinsJobName({ name: 'asgard', url: 'view/all/job/asgard/' })).toBe('asgard');
    expect(jenkinsJobName({ name: 'asgard', url: null })).toBe('asgard');
  });
});

describe('jenkinsConfig', () => {
  it('needs a secret and defaults serviceFromJob to none', () => {
    expect(jenkinsConfig.parse({ id: 'ci', kind: 'jenkins', webhookSecret: 's3cret' })).toEqual({
      id: 'ci',
      kind: 'jenkins',
      webhookSecret: 's3cret',
      serviceFromJob: {},
    });
    expect(jenkinsConfig.safeParse({ id: 'ci', kind: 'jenkins', webhookSecret: '' }).success).toBe(false);
  });
});
