import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handleWebhook } from '../kit/connector.js';
import { records } from '../kit/records.js';
import { github, type GithubConfig } from './github.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name));
const config: GithubConfig = { id: 'github', kind: 'github', webhookSecret: 'a-webhook-secret-of-length' };
const sign = (body: Buffer, secret = config.webhookSecret) => 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');
const deliver = (body: Buffer, headers: Record<string, string | undefined>) => handleWebhook(github.webhook!, config, { rawBody: body, headers });

describe('GitHub push webhook', () => {
  const body = fixture('push-with-change-key.json');

  it('turns a signed push into commits with the change keys of the message and the branch', () => {
    const outcome = deliver(body, { 'x-github-event': 'push', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'x-hub-signature-256': sign(body) });
    expect(outcome).toEqual({
      kind: 'records',
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      event: 'push',
      records: records({
        commits: [
          {
            id: 'github:commit:acme/payments@6113728f27ae82c7b1a177c8d03f9e96e0adf246',
            sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
            repository: 'acme/payments',
            message: 'CHG0030001: retry card authorisation on timeout',
            author: 'dana',
            committedAt: new Date('2026-11-20T09:15:00Z'),
            changeKeys: ['CHG0030001', 'OPS-42'],
            origin: { connector: 'github', entity: 'push', sourceId: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' },
          },
        ],
      }),
    });
  });

  it('refuses a wrong, missing or stale signature before parsing anything', () => {
    expect(deliver(body, { 'x-github-event': 'push', 'x-hub-signature-256': sign(body, 'another-secret-entirely') }).kind).toBe('unauthorized');
    expect(deliver(body, { 'x-github-event': 'push' }).kind).toBe('unauthorized');
    const tampered = Buffer.from(body.toString().replace('retry card', 'retry kard'));
    expect(deliver(tampered, { 'x-github-event': 'push', 'x-hub-signature-256': sign(body) }).kind).toBe('unauthorized');
    expect(deliver(Buffer.from('{not json'), { 'x-github-event': 'push', 'x-hub-signature-256': sign(Buffer.from('{not json')) }).kind).toBe('malformed');
  });

  it('acknowledges pings and events it does not handle yet without records', () => {
    const ping = Buffer.from('{"zen":"Keep it logically awesome.","hook_id":1}');
    expect(deliver(ping, { 'x-github-event': 'ping', 'x-github-delivery': 'd1', 'x-hub-signature-256': sign(ping) })).toEqual({
      kind: 'ignored',
      deliveryId: 'd1',
      reason: 'ping',
    });
    expect(deliver(ping, { 'x-github-event': 'star', 'x-github-delivery': 'd2', 'x-hub-signature-256': sign(ping) }).kind).toBe('ignored');
  });
});

type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json };
const isObject = (value: Json): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);
/** `base` with `patch` merged in: objects merge key by key, anything else replaces, undefined removes. */
const merged = (base: Json, patch: Json): Json =>
  isObject(base) && isObject(patch) ? Object.fromEntries([...Object.entries(base), ...Object.entries(patch).map(([k, v]) => [k, merged(base[k], v)])]) : patch;
/** A fixture's body with a patch merged in. */
const patchedFixture = (name: string, patch?: Json) =>
  patch === undefined ? fixture(name) : Buffer.from(JSON.stringify(merged(JSON.parse(fixture(name).toString()) as Json, patch)));

/** A signed delivery of a fixture (optionally patched first) as `event`. */
const deliverFixture = (event: string, name: string, patch?: Json) => {
  const body = patchedFixture(name, patch);
  return deliver(body, { 'x-github-event': event, 'x-github-delivery': `delivery-${name}`, 'x-hub-signature-256': sign(body) });
};

describe('GitHub create webhook', () => {
  it('turns a created version tag into a tag of that release', () => {
    expect(deliverFixture('create', 'create-version-tag.json')).toEqual({
      kind: 'records',
      deliveryId: 'delivery-create-version-tag.json',
      event: 'create',
      records: records({
        tags: [
          {
            id: 'github:tag:acme/payments@v1.4.0',
            name: 'v1.4.0',
            repository: 'acme/payments',
            commitSha: null,
            releaseVersion: '1.4.0',
            origin: { connector: 'github', entity: 'create', sourceId: 'acme/payments@v1.4.0' },
          },
        ],
      }),
    });
  });

  it('keeps a tag that names no version, without a release', () => {
    const outcome = deliverFixture('create', 'create-version-tag.json', { ref: 'nightly-build' });
    expect(outcome.kind === 'records' && outcome.records.tags[0]?.releaseVersion).toBeNull();
  });

  it('ignores a created branch', () => {
    expect(deliverFixture('create', 'create-version-tag.json', { ref: 'feature/OPS-42', ref_type: 'branch' })).toEqual({
      kind: 'ignored',
      deliveryId: 'delivery-create-version-tag.json',
      reason: 'a created branch is no tag',
    });
  });
});

describe('GitHub workflow_run webhook', () => {
  it('turns a completed run of a tests workflow into a pipeline run whose workflow is its gate', () => {
    expect(deliverFixture('workflow_run', 'workflow-run-tests-completed-on-tag.json')).toEqual({
      kind: 'records',
      deliveryId: 'delivery-workflow-run-tests-completed-on-tag.json',
      event: 'workflow_run',
      records: records({
        pipelineRuns: [
          {
            id: 'github:pipeline_run:289782451',
            provider: 'github',
            externalId: '289782451',
            name: 'Unit tests',
            status: 'SUCCEEDED',
            commitSha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
            ref: 'v1.4.0',
            url: 'https://github.com/acme/payments/actions/runs/289782451',
            gates: [{ name: 'Unit tests', kind: 'TESTS', status: 'PASSED' }],
            startedAt: new Date('2026-11-20T09:20:03Z'),
            finishedAt: new Date('2026-11-20T09:26:41Z'),
            service: 'payments',
            releaseVersion: '1.4.0',
            origin: { connector: 'github', entity: 'workflow_run', sourceId: '289782451', originalStatus: 'completed/success' },
          },
        ],
      }),
    });
  });

  it('shows no gate for a workflow not named like one, and no finish while it runs', () => {
    const outcome = deliverFixture('workflow_run', 'workflow-run-tests-completed-on-tag.json', {
      workflow_run: { name: 'Build and push image', status: 'in_progress', conclusion: null, head_branch: 'main' },
    });
    expect(outcome.kind === 'records' && outcome.records.pipelineRuns[0]).toMatchObject({
      status: 'RUNNING',
      gates: [],
      finishedAt: null,
      releaseVersion: null,
      origin: { originalStatus: 'in_progress' },
    });
  });

  it('maps status and conclusion to a pipeline status', () => {
    const statusOf = (status: string, conclusion: string | null) => {
      const outcome = deliverFixture('workflow_run', 'workflow-run-tests-completed-on-tag.json', { workflow_run: { status, conclusion } });
      return outcome.kind === 'records' ? outcome.records.pipelineRuns[0]?.status : outcome.kind;
    };
    expect(statusOf('requested', null)).toBe('QUEUED');
    expect(statusOf('queued', null)).toBe('QUEUED');
    expect(statusOf('waiting', null)).toBe('QUEUED');
    expect(statusOf('in_progress', null)).toBe('RUNNING');
    expect(statusOf('completed', 'success')).toBe('SUCCEEDED');
    expect(statusOf('completed', 'neutral')).toBe('SUCCEEDED');
    expect(statusOf('completed', 'failure')).toBe('FAILED');
    expect(statusOf('completed', 'timed_out')).toBe('FAILED');
    expect(statusOf('completed', 'startup_failure')).toBe('FAILED');
    expect(statusOf('completed', 'cancelled')).toBe('CANCELLED');
    expect(statusOf('completed', 'skipped')).toBe('CANCELLED');
    expect(statusOf('teleporting', null)).toBe('ignored');
  });

  it('fails the gate when the tests workflow fails', () => {
    const outcome = deliverFixture('workflow_run', 'workflow-run-tests-completed-on-tag.json', { workflow_run: { conclusion: 'failure' } });
    expect(outcome.kind === 'records' && outcome.records.pipelineRuns[0]?.gates).toEqual([{ name: 'Unit tests', kind: 'TESTS', status: 'FAILED' }]);
  });

  it('calls a payload without a run id malformed', () => {
    expect(deliverFixture('workflow_run', 'workflow-run-tests-completed-on-tag.json', { workflow_run: { id: undefined } }).kind).toBe('malformed');
  });
});

describe('GitHub deployment and deployment_status webhooks', () => {
  const deployed = {
    id: 'github:deployment:145988746',
    service: 'payments-api',
    environment: 'production',
    version: '1.4.0',
    startedAt: new Date('2026-11-20T10:00:00Z'),
    deployer: 'dana',
    artifactDigest: null,
    releaseVersion: '1.4.0',
  };

  it('turns a requested deployment into a pending deployment of the service its payload names', () => {
    expect(deliverFixture('deployment', 'deployment-created-for-tag.json')).toEqual({
      kind: 'records',
      deliveryId: 'delivery-deployment-created-for-tag.json',
      event: 'deployment',
      records: records({
        deployments: [{ ...deployed, status: 'PENDING', finishedAt: null, origin: { connector: 'github', entity: 'deployment', sourceId: '145988746' } }],
      }),
    });
  });

  it('lands a deployment_status on the same deployment, finished when it succeeded', () => {
    expect(deliverFixture('deployment_status', 'deployment-status-success.json')).toEqual({
      kind: 'records',
      deliveryId: 'delivery-deployment-status-success.json',
      event: 'deployment_status',
      records: records({
        deployments: [
          {
            ...deployed,
            status: 'SUCCEEDED',
            finishedAt: new Date('2026-11-20T10:04:30Z'),
            origin: { connector: 'github', entity: 'deployment_status', sourceId: '145988746', originalStatus: 'success' },
          },
        ],
      }),
    });
  });

  it('falls back to the repository name and the sha when the payload names no service and the ref no version', () => {
    const outcome = deliverFixture('deployment', 'deployment-created-for-tag.json', { deployment: { payload: { service: undefined }, ref: 'main' } });
    expect(outcome.kind === 'records' && outcome.records.deployments[0]).toMatchObject({
      service: 'payments',
      version: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      releaseVersion: null,
    });
  });

  it('reads the service from a payload sent as JSON text', () => {
    const outcome = deliverFixture('deployment', 'deployment-created-for-tag.json', { deployment: { payload: '{"service":"payments-worker"}' } });
    expect(outcome.kind === 'records' && outcome.records.deployments[0]?.service).toBe('payments-worker');
  });

  it('maps deployment states, finishing only terminal ones and ignoring inactive', () => {
    const stateOf = (state: string) => {
      const outcome = deliverFixture('deployment_status', 'deployment-status-success.json', { deployment_status: { state } });
      return outcome.kind === 'records' ? [outcome.records.deployments[0]?.status, outcome.records.deployments[0]?.finishedAt !== null] : outcome.kind;
    };
    expect(stateOf('queued')).toEqual(['PENDING', false]);
    expect(stateOf('pending')).toEqual(['PENDING', false]);
    expect(stateOf('in_progress')).toEqual(['IN_PROGRESS', false]);
    expect(stateOf('success')).toEqual(['SUCCEEDED', true]);
    expect(stateOf('failure')).toEqual(['FAILED', true]);
    expect(stateOf('error')).toEqual(['FAILED', true]);
    expect(stateOf('inactive')).toBe('ignored');
  });
});

describe('GitHub registry_package webhook', () => {
  const body = fixture('registry-package-published-container.json');
  const digest = 'sha256:3b1a5b0e6f1c2d7e4a9f8b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e';

  it('turns a published container image into an artifact identified by its digest, linked to the release its tag names', () => {
    const outcome = deliver(body, { 'x-github-event': 'registry_package', 'x-github-delivery': 'pkg-1', 'x-hub-signature-256': sign(body) });
    expect(outcome).toEqual({
      kind: 'records',
      deliveryId: 'pkg-1',
      event: 'registry_package',
      records: records({
        artifacts: [
          {
            id: `github:artifact:${digest}`,
            name: 'acme/payments',
            version: 'v1.4.0',
            digest,
            service: 'payments',
            pipelineRunId: null,
            releaseVersion: '1.4.0',
            origin: { connector: 'github', entity: 'container_package', sourceId: '334455667' },
          },
        ],
      }),
    });
  });

  it('ignores package events other than published', () => {
    const updated = Buffer.from(body.toString().replace('"action": "published"', '"action": "updated"'));
    expect(deliver(updated, { 'x-github-event': 'registry_package', 'x-github-delivery': 'pkg-2', 'x-hub-signature-256': sign(updated) }).kind).toBe('ignored');
  });

  it('reads the image digest a deployment names in its payload', () => {
    const deployment = JSON.parse(fixture('deployment-created-for-tag.json').toString()) as { deployment: { payload: unknown } };
    deployment.deployment.payload = { service: 'payments-api', image: `ghcr.io/acme/payments@${digest}` };
    const raw = Buffer.from(JSON.stringify(deployment));
    const outcome = deliver(raw, { 'x-github-event': 'deployment', 'x-github-delivery': 'dep-9', 'x-hub-signature-256': sign(raw) });
    expect(outcome.kind === 'records' && outcome.records.deployments[0]?.artifactDigest).toBe(digest);
  });
});
