import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@releasegraph/server';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { gqlOk, present } from '../src/client.js';
import { statusChangeOf } from '../src/events.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';
import { seed } from '../src/seed.js';

/*
 * A release's life follows the deployments CI reports (signed GitHub webhooks), with the same
 * `deployment.status_changed` events and the same release transitions as the API, and its audit
 * trail holds everything that happened to it.
 */

const SECRET = 'gh-secret-for-lifecycle';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-lifecycle-'));
let hub: TestHub;
const q = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => gqlOk(hub.url, document, variables, ADMIN_TOKEN);

const RELEASE_STATUS = graphql(`
  query LifecycleReleaseStatus($id: ID!) {
    release(id: $id) {
      status
    }
  }
`);
const STATUS_CHANGES = graphql(`
  query LifecycleStatusChanges($f: ReleaseEventFilter) {
    releaseEventLog(first: 100, filter: $f) {
      edges {
        node {
          type
          eventType
          payload
        }
      }
    }
  }
`);
const RELEASE_AUDIT = graphql(`
  query LifecycleReleaseAudit($f: AuditEntryFilter) {
    auditEntries(first: 100, filter: $f) {
      edges {
        node {
          action
          subjectType
          releaseId
        }
      }
    }
  }
`);
const CHANGE_AUDIT = graphql(`
  query LifecycleChangeAudit($f: AuditEntryFilter) {
    auditEntries(first: 100, filter: $f) {
      edges {
        node {
          action
          changeId
        }
      }
    }
  }
`);
const VERIFY_AUDIT_TRAIL = graphql(`
  query LifecycleVerifyAuditTrail {
    verifyAuditTrail {
      intact
    }
  }
`);
const eventCount = async () => present((await hub.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM release_event'))[0], 'a count').n;

beforeAll(async () => {
  const configFile = path.join(dir, 'releasegraph.yaml');
  fs.writeFileSync(configFile, `connectors:\n  - { id: github, kind: github, webhookSecret: ${SECRET} }\n`);
  hub = await startTestHub({ env: { RELEASEGRAPH_CONFIG: configFile } });
});
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const repository = { id: 11, name: 'shop', full_name: 'acme/shop' };
let nextId = 5000;
async function hook(event: string, payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${hub.url}/hooks/github`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex'),
    },
  });
  expect(res.status).toBeLessThan(300);
  await hub.domain.connectors.settled();
}
/** A GitHub deployment and one status of it; returns the deployment so later statuses can follow. */
async function deploy(service: string, environment: string, version: string, state: string, at = new Date()) {
  const deployment = {
    id: nextId++,
    sha: crypto.randomBytes(20).toString('hex'),
    ref: `v${version}`,
    environment,
    payload: { service },
    creator: { login: 'ci-bot' },
    created_at: at.toISOString(),
  };
  await hook('deployment', { deployment, repository });
  await status(deployment, state, at);
  return deployment;
}
async function status(deployment: object, state: string, at: Date) {
  await hook('deployment_status', {
    deployment,
    repository,
    deployment_status: { id: nextId++, state, created_at: at.toISOString(), updated_at: at.toISOString() },
  });
}
const releaseStatus = async (id: string) => present((await q(RELEASE_STATUS, { id })).release, 'the release').status;

describe('a release follows the deployments CI reports', () => {
  describe('DEPLOYING on the first, STABILIZING only when every service succeeded in production; late reports change nothing', () => {
    // The release the steps below deploy and then read back; each step runs after the one before.
    let s: ReturnType<typeof seed>;
    let release: string;
    let changeId: string;

    it('moves with the deployments CI reports, and not back on a late report', async () => {
      s = seed(hub.url);
      const cart = await s.service('cart');
      const pay = await s.service('pay');
      release = await s.release('shop', '4.2.0', { serviceIds: [cart, pay] });
      changeId = await s.change(`OPS-${Date.now() % 100000}`, { releaseId: release });

      await deploy(`cart-${s.stamp}`, `staging-${s.stamp}`, '4.2.0', 'success');
      expect(await releaseStatus(release)).toBe('DEPLOYING');
      await deploy(`cart-${s.stamp}`, `production-${s.stamp}`, '4.2.0', 'success');
      // pay is not in production yet: still deploying
      expect(await releaseStatus(release)).toBe('DEPLOYING');
      const payProd = await deploy(`pay-${s.stamp}`, `prod_eu-${s.stamp}`, '4.2.0', 'success');
      expect(await releaseStatus(release)).toBe('STABILIZING');
      // a late in_progress of a deployment that already succeeded moves nothing back
      const before = await eventCount();
      await status(payProd, 'in_progress', new Date(Date.now() - 60_000));
      expect(await eventCount()).toBe(before);
      await hub.domain.stabilization.tick();
      const window = await hub.db.query<{ status: string }[]>('SELECT status FROM stabilization_window WHERE release_id = $1', [release]);
      expect(window).toEqual([{ status: 'OPEN' }]);
    });

    it("takes tiers from CI's names: pre-prod is not production, prod_eu is", async () => {
      await deploy(`cart-${s.stamp}`, `pre-prod-${s.stamp}`, '4.2.0', 'success');
      const tiers = await hub.db.query<{ name: string; tier: string }[]>('SELECT name, tier FROM environment WHERE name LIKE $1 ORDER BY name', [
        `%-${s.stamp}`,
      ]);
      expect(Object.fromEntries(tiers.map((t) => [t.name.replace(`-${s.stamp}`, ''), t.tier]))).toMatchObject({
        staging: 'STAGING',
        production: 'PROD',
        prod_eu: 'PROD',
        'pre-prod': 'STAGING',
      });
    });

    it('records the same event vocabulary as the API: status changes with { from, to, cause }', async () => {
      const log = await q(STATUS_CHANGES, { f: { releaseId: release, eventTypes: ['DEPLOYMENT_STATUS_CHANGED', 'RELEASE_STATUS_CHANGED'] } });
      const changes = log.releaseEventLog.edges.map((e) => {
        const { from, to, cause } = statusChangeOf(e.node.payload);
        return [e.node.eventType, from, to, cause.kind];
      });
      expect(changes).toContainEqual(['DEPLOYMENT_STATUS_CHANGED', 'PENDING', 'SUCCEEDED', 'source']);
      expect(changes.filter((c) => c[0] === 'RELEASE_STATUS_CHANGED')).toEqual([
        ['RELEASE_STATUS_CHANGED', 'PLANNED', 'DEPLOYING', 'rollout'],
        ['RELEASE_STATUS_CHANGED', 'DEPLOYING', 'STABILIZING', 'rollout'],
      ]);
    });

    it("keeps the release's audit trail: its own entries, its deployments', its change's and its window's", async () => {
      const audit = await q(RELEASE_AUDIT, { f: { releaseId: release } });
      const actions = new Set(audit.auditEntries.edges.map((e) => e.node.action));
      for (const a of [
        'release.created',
        'release.status_changed',
        'deployment.created',
        'deployment.status_changed',
        'change.created',
        'stabilization.opened',
      ])
        expect(actions).toContain(a);
      expect(audit.auditEntries.edges.every((e) => e.node.releaseId === release)).toBe(true);
      const byChange = await q(CHANGE_AUDIT, { f: { changeId } });
      expect(byChange.auditEntries.edges.map((e) => e.node.action)).toEqual(['change.created']);
      // the chain still verifies with the release and change in its hashes
      expect((await q(VERIFY_AUDIT_TRAIL, {})).verifyAuditTrail.intact).toBe(true);
    });
  });

  it('a rollback CI reports in production rolls the release back', async () => {
    const s = seed(hub.url);
    const svc = await s.service('search');
    const release = await s.release('search', '9.1.0', { serviceIds: [svc] });
    const prod = await deploy(`search-${s.stamp}`, `production-${s.stamp}`, '9.1.0', 'success');
    expect(await releaseStatus(release)).toBe('STABILIZING');
    await hub.domain.ingest({ id: 'connector:github', name: 'github', role: Role.INTEGRATION }, 'github', {
      deployments: [
        {
          id: `github:deployment:${prod.id}`,
          service: `search-${s.stamp}`,
          environment: `production-${s.stamp}`,
          version: '9.1.0',
          status: 'ROLLED_BACK',
          startedAt: null,
          finishedAt: null,
          deployer: null,
          artifactDigest: null,
          releaseVersion: '9.1.0',
          origin: { connector: 'github', entity: 'deployment_status', sourceId: String(prod.id) },
        },
      ],
    });
    expect(await releaseStatus(release)).toBe('ROLLED_BACK');
  });

  it('two services succeeding in production at the same moment still make the release STABILIZING', async () => {
    const s = seed(hub.url);
    const actor = { id: 'connector:github', name: 'github', role: Role.INTEGRATION };
    for (let round = 0; round < 5; round++) {
      const version = `5.${round}.0`;
      const a = await s.service(`a${round}`);
      const b = await s.service(`b${round}`);
      const release = await s.release(`pair${round}`, version, { serviceIds: [a, b] });
      const reported = (service: string) => ({
        id: `github:deployment:pair-${s.stamp}-${round}-${service}`,
        service: `${service}${round}-${s.stamp}`,
        environment: `production-${s.stamp}`,
        version,
        status: 'SUCCEEDED' as const,
        startedAt: null,
        finishedAt: null,
        deployer: null,
        artifactDigest: null,
        releaseVersion: version,
        origin: { connector: 'github', entity: 'deployment_status', sourceId: `${round}-${service}` },
      });
      // two transactions at once, each seeing only its own deployment until the release row is theirs
      await Promise.all([
        hub.domain.ingest(actor, 'github', { deployments: [reported('a')] }),
        hub.domain.ingest(actor, 'github', { deployments: [reported('b')] }),
      ]);
      expect(await releaseStatus(release)).toBe('STABILIZING');
    }
  });
});
