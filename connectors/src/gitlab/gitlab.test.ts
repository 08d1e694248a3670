import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handleWebhook } from '../kit/connector.js';
import { records } from '../kit/records.js';
import { convertGitlabPipeline, gitlab, type GitlabConfig, type GitlabPipeline } from './gitlab.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name));
const config: GitlabConfig = { id: 'gitlab', kind: 'gitlab', webhookSecret: 'a-gitlab-secret-token' };
const deliver = (body: Buffer, headers: Record<string, string | undefined>) => handleWebhook(gitlab.webhook!, config, { rawBody: body, headers });

type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json };
const isObject = (value: Json): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);
/** `base` with `patch` merged in: objects merge key by key, anything else replaces, undefined removes. */
const merged = (base: Json, patch: Json): Json =>
  isObject(base) && isObject(patch) ? Object.fromEntries([...Object.entries(base), ...Object.entries(patch).map(([k, v]) => [k, merged(base[k], v)])]) : patch;
/** A fixture's body with a patch merged in. */
const patchedFixture = (name: string, patch?: Json) =>
  patch === undefined ? fixture(name) : Buffer.from(JSON.stringify(merged(JSON.parse(fixture(name).toString()) as Json, patch)));

/** A delivery of a fixture (optionally patched first) with GitLab's headers and the right token. */
const deliverFixture = (hook: string, name: string, patch?: Json) =>
  deliver(patchedFixture(name, patch), { 'x-gitlab-event': hook, 'x-gitlab-event-uuid': `uuid-${name}`, 'x-gitlab-token': config.webhookSecret });

describe('GitLab webhook token', () => {
  const body = fixture('push-with-change-key.json');

  it('refuses a wrong or missing token before parsing anything', () => {
    expect(deliver(Buffer.from('{not json'), { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'not-the-secret' })).toEqual({
      kind: 'unauthorized',
      reason: 'X-Gitlab-Token is missing or is not the secret token',
    });
    expect(deliver(Buffer.from('{not json'), { 'x-gitlab-event': 'Push Hook' }).kind).toBe('unauthorized');
    expect(deliver(body, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': '' }).kind).toBe('unauthorized');
    expect(deliver(body, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': config.webhookSecret + ' ' }).kind).toBe('unauthorized');
    expect(deliver(Buffer.from('{not json'), { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': config.webhookSecret }).kind).toBe('malformed');
  });

  it('takes the delivery id from Idempotency-Key, then X-Gitlab-Event-UUID, else hashes the body', () => {
    const token = config.webhookSecret;
    const idOf = (headers: Record<string, string>) => {
      const outcome = deliver(body, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': token, ...headers });
      return outcome.kind === 'records' ? outcome.deliveryId : outcome.kind;
    };
    expect(idOf({ 'idempotency-key': 'f5e5f430', 'x-gitlab-event-uuid': '13792a34' })).toBe('f5e5f430');
    expect(idOf({ 'x-gitlab-event-uuid': '13792a34' })).toBe('13792a34');
    expect(idOf({})).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(idOf({})).toBe(idOf({}));
  });

  it('ignores events it does not convert, by object_kind', () => {
    const issue = Buffer.from('{"object_kind":"issue","object_attributes":{"id":301}}');
    expect(deliver(issue, { 'x-gitlab-event': 'Issue Hook', 'x-gitlab-event-uuid': 'u1', 'x-gitlab-token': config.webhookSecret })).toEqual({
      kind: 'ignored',
      deliveryId: 'u1',
      reason: 'event issue is not handled',
    });
  });
});

describe('GitLab push webhook', () => {
  it('turns a push into commits with the change keys of the message and the branch', () => {
    expect(deliverFixture('Push Hook', 'push-with-change-key.json')).toEqual({
      kind: 'records',
      deliveryId: 'uuid-push-with-change-key.json',
      event: 'push',
      records: records({
        commits: [
          {
            id: 'gitlab:commit:acme/payments@da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
            sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
            repository: 'acme/payments',
            message: 'CHG0030001: retry card authorisation on timeout\n\nRetries once after 2 s.',
            author: 'Dana Example',
            committedAt: new Date('2026-11-20T09:15:00Z'),
            changeKeys: ['CHG0030001', 'OPS-42'],
            origin: { connector: 'gitlab', entity: 'push', sourceId: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7' },
          },
        ],
      }),
    });
  });

  it('reads the event from X-Gitlab-Event when the body has no object_kind', () => {
    const outcome = deliverFixture('Push Hook', 'push-with-change-key.json', { object_kind: undefined });
    expect(outcome.kind === 'records' && outcome.records.commits).toHaveLength(1);
  });

  it('ignores a deleted branch', () => {
    const outcome = deliverFixture('Push Hook', 'push-with-change-key.json', { after: '0'.repeat(40), commits: [] });
    expect(outcome).toMatchObject({ kind: 'ignored', reason: 'a deleted branch' });
  });
});

describe('GitLab tag push webhook', () => {
  it('turns a pushed version tag into a tag of that release on the tagged commit', () => {
    expect(deliverFixture('Tag Push Hook', 'tag-push-version.json')).toEqual({
      kind: 'records',
      deliveryId: 'uuid-tag-push-version.json',
      event: 'tag_push',
      records: records({
        tags: [
          {
            id: 'gitlab:tag:acme/payments@v1.4.0',
            name: 'v1.4.0',
            repository: 'acme/payments',
            commitSha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
            releaseVersion: '1.4.0',
            origin: { connector: 'gitlab', entity: 'tag_push', sourceId: 'acme/payments@v1.4.0' },
          },
        ],
      }),
    });
  });

  it('ignores a deleted tag', () => {
    const outcome = deliverFixture('Tag Push Hook', 'tag-push-version.json', {
      before: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7',
      after: '0000000000000000000000000000000000000000',
      checkout_sha: null,
    });
    expect(outcome).toMatchObject({ kind: 'ignored', reason: 'a deleted tag' });
  });
});

describe('GitLab pipeline webhook', () => {
  it('turns a pipeline into a run whose gates come from its jobs', () => {
    expect(deliverFixture('Pipeline Hook', 'pipeline-failed-with-gate-jobs.json')).toEqual({
      kind: 'records',
      deliveryId: 'uuid-pipeline-failed-with-gate-jobs.json',
      event: 'pipeline',
      records: records({
        pipelineRuns: [
          {
            id: 'gitlab:pipeline_run:31',
            provider: 'gitlab',
            externalId: '31',
            name: 'Release 1.4.0',
            status: 'FAILED',
            commitSha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
            ref: 'v1.4.0',
            url: 'https://gitlab.example.com/acme/payments/-/pipelines/31',
            gates: [
              { name: 'test', kind: 'TESTS', status: 'FAILED' },
              { name: 'sonarqube-check', kind: 'STATIC_ANALYSIS', status: 'PASSED' },
              { name: 'trivy-image-scan', kind: 'VULNERABILITY_SCAN', status: 'FAILED' },
            ],
            startedAt: new Date('2026-11-20T09:23:28Z'),
            finishedAt: new Date('2026-11-20T09:31:02Z'),
            service: 'payments',
            releaseVersion: '1.4.0',
            origin: { connector: 'gitlab', entity: 'pipeline', sourceId: '31', originalStatus: 'failed' },
          },
        ],
      }),
    });
  });

  it('names gates by job when the job names one, by stage otherwise, one gate per stage with its worst job', () => {
    const gatesWith = (builds: GitlabPipeline['builds']) =>
      convertGitlabPipeline('gitlab', { object_attributes: { id: 31, status: 'running' }, project: { path_with_namespace: 'acme/payments' }, builds })?.gates;
    expect(
      gatesWith([
        { id: 1, stage: 'test', name: 'rspec 1/2', status: 'success' },
        { id: 2, stage: 'test', name: 'rspec 2/2', status: 'running' },
        { id: 3, stage: 'test', name: 'eslint', status: 'failed' },
        { id: 4, stage: 'perf', name: 'k6', status: 'manual' },
        { id: 5, stage: 'qa', name: 'smoke', status: 'skipped' },
        { id: 6, stage: 'build', name: 'compile', status: 'success' },
      ]),
    ).toEqual([
      { name: 'test', kind: 'TESTS', status: 'PENDING' },
      { name: 'eslint', kind: 'STATIC_ANALYSIS', status: 'FAILED' },
      { name: 'k6', kind: 'PERFORMANCE', status: 'SKIPPED' },
    ]);
    expect(
      gatesWith([
        { id: 2, stage: 'test', name: 'unit', status: 'skipped' },
        { id: 1, stage: 'test', name: 'rspec', status: 'success' },
      ]),
    ).toEqual([
      { name: 'test', kind: 'TESTS', status: 'PASSED' },
      { name: 'unit', kind: 'TESTS', status: 'SKIPPED' },
    ]);
  });

  it('maps pipeline statuses, finishing only finished pipelines', () => {
    const statusOf = (status: string) => {
      const outcome = deliverFixture('Pipeline Hook', 'pipeline-failed-with-gate-jobs.json', { object_attributes: { status } });
      return outcome.kind === 'records' ? [outcome.records.pipelineRuns[0]?.status, outcome.records.pipelineRuns[0]?.finishedAt !== null] : outcome.kind;
    };
    for (const queued of ['created', 'pending', 'waiting_for_resource', 'preparing', 'scheduled', 'manual'])
      expect(statusOf(queued)).toEqual(['QUEUED', false]);
    expect(statusOf('running')).toEqual(['RUNNING', false]);
    expect(statusOf('success')).toEqual(['SUCCEEDED', true]);
    expect(statusOf('failed')).toEqual(['FAILED', true]);
    expect(statusOf('canceled')).toEqual(['CANCELLED', true]);
    expect(statusOf('skipped')).toEqual(['CANCELLED', true]);
    expect(statusOf('teleporting')).toBe('ignored');
  });

  it('names a pipeline without a name after its project and links no release to a branch', () => {
    const outcome = deliverFixture('Pipeline Hook', 'pipeline-failed-with-gate-jobs.json', { object_attributes: { name: null, ref: 'main', tag: false } });
    expect(outcome.kind === 'records' && outcome.records.pipelineRuns[0]).toMatchObject({ name: 'acme/payments #3', releaseVersion: null });
  });

  it('calls a pipeline with an unreadable time malformed', () => {
    expect(deliverFixture('Pipeline Hook', 'pipeline-failed-with-gate-jobs.json', { object_attributes: { created_at: 'yesterday' } }).kind).toBe('malformed');
  });
});

describe('GitLab deployment webhook', () => {
  it('turns a finished deployment into a deployment of the tagged release', () => {
    expect(deliverFixture('Deployment Hook', 'deployment-success.json')).toEqual({
      kind: 'records',
      deliveryId: 'uuid-deployment-success.json',
      event: 'deployment',
      records: records({
        deployments: [
          {
            id: 'gitlab:deployment:15',
            service: 'payments',
            environment: 'production',
            version: '1.4.0',
            status: 'SUCCEEDED',
            startedAt: null,
            finishedAt: new Date('2026-11-20T10:04:30Z'),
            deployer: 'dana',
            artifactDigest: null,
            releaseVersion: '1.4.0',
            origin: { connector: 'gitlab', entity: 'deployment', sourceId: '15', originalStatus: 'success' },
          },
        ],
      }),
    });
  });

  it('starts a running deployment on the same id, versioned by commit when the ref is a branch', () => {
    const outcome = deliverFixture('Deployment Hook', 'deployment-success.json', { status: 'running', ref: 'main' });
    expect(outcome.kind === 'records' && outcome.records.deployments[0]).toMatchObject({
      id: 'gitlab:deployment:15',
      status: 'IN_PROGRESS',
      startedAt: new Date('2026-11-20T10:04:30Z'),
      finishedAt: null,
      version: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      releaseVersion: null,
    });
  });

  it('maps deployment statuses', () => {
    const statusOf = (status: string) => {
      const outcome = deliverFixture('Deployment Hook', 'deployment-success.json', { status });
      return outcome.kind === 'records' ? outcome.records.deployments[0]?.status : outcome.kind;
    };
    expect(statusOf('created')).toBe('PENDING');
    expect(statusOf('running')).toBe('IN_PROGRESS');
    expect(statusOf('success')).toBe('SUCCEEDED');
    expect(statusOf('failed')).toBe('FAILED');
    expect(statusOf('canceled')).toBe('CANCELLED');
    expect(statusOf('teleporting')).toBe('ignored');
  });

  it('falls back to the short sha when there is no commit url, and to no deployer', () => {
    const outcome = deliverFixture('Deployment Hook', 'deployment-success.json', { ref: null, commit_url: null, user: null });
    expect(outcome.kind === 'records' && outcome.records.deployments[0]).toMatchObject({ version: 'da156088', deployer: null });
  });
});
