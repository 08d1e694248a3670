import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { gqlOk, present } from '../src/client.js';
import { CREATE_DEPLOYMENT, CREATE_ENVIRONMENT, CREATE_RELEASE, CREATE_SERVICE, UPDATE_RELEASE } from '../src/documents.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

/*
 * The 72 hours after production: windows, owners, escalation on a controllable clock
 * (stabilization.tick(now) is one round).
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-stabilize-'));
let hub: TestHub;
const call = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => gqlOk(hub.url, document, variables, ADMIN_TOKEN);
const MIN = 60_000;
let prod = '';

const CREATE_CRITERION = graphql(`
  mutation StabilizationCreateCriterion($i: CreateSuccessCriterionInput!) {
    createSuccessCriterion(input: $i) {
      id
    }
  }
`);
const RELEASE_WINDOW = graphql(`
  query StabilizationReleaseWindow($id: ID!) {
    release(id: $id) {
      status
      stabilization {
        id
        status
        startsAt
        endsAt
        owners {
          owner
          service {
            name
          }
        }
        escalations {
          id
          level
          paged
          status
          reason
        }
      }
    }
  }
`);
const ASSIGN_OWNER = graphql(`
  mutation StabilizationAssignOwner($w: ID!, $s: ID!) {
    assignStabilizationOwner(windowId: $w, serviceId: $s, owner: "dave") {
      id
    }
  }
`);
const ACKNOWLEDGE = graphql(`
  mutation StabilizationAcknowledge($id: ID!) {
    acknowledgeEscalation(id: $id) {
      status
    }
  }
`);
const RESOLVE = graphql(`
  mutation StabilizationResolve($id: ID!) {
    resolveEscalation(id: $id) {
      status
    }
  }
`);
const DISMISS_ROLLBACK = graphql(`
  mutation StabilizationDismissRollback($id: ID!) {
    dismissRollbackDecision(id: $id) {
      status
    }
  }
`);
const RELEASE_INCIDENTS = graphql(`
  query StabilizationReleaseIncidents($id: ID!) {
    release(id: $id) {
      incidents {
        key
      }
    }
  }
`);
const RELEASE_LOG = graphql(`
  query StabilizationReleaseLog($id: ID!) {
    releaseEventLog(filter: { releaseId: $id }, first: 100) {
      edges {
        node {
          type
          actor
        }
      }
    }
  }
`);

beforeAll(async () => {
  const file = path.join(dir, 'releasegraph.yaml');
  fs.writeFileSync(
    file,
    `verification:
  interval: 1h
stabilization:
  duration: 72h
  owners: { payments: [alice, bob], search: [carol], cart: [erin, frank] }
  escalation:
    - { after: 0, to: owner }
    - { after: 15m, to: payments-lead }
    - { after: 30m, to: head-of-engineering }
`,
  );
  hub = await startTestHub({ env: { RELEASEGRAPH_CONFIG: file } });
  prod = (await call(CREATE_ENVIRONMENT, { i: { name: 'prod', tier: 'PROD' } })).createEnvironment.id;
  await call(CREATE_CRITERION, { i: { metric: 'error_rate', comparator: 'LT', threshold: 0.05, windowSeconds: 600, minSamples: 10 } });
});
afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A release of one service, deployed to production successfully. */
async function shipped(service: string, version: string) {
  const serviceId = (await call(CREATE_SERVICE, { i: { name: service } })).createService.id;
  const release = (await call(CREATE_RELEASE, { i: { name: `${service} ${version}`, version } })).createRelease.id;
  await call(UPDATE_RELEASE, { i: { id: release, status: 'DEPLOYING' } });
  const deployment = (
    await call(CREATE_DEPLOYMENT, {
      i: { serviceId, environmentId: prod, version, releaseId: release, status: 'SUCCEEDED', startedAt: new Date(Date.now() - 5 * MIN).toISOString() },
    })
  ).createDeployment.id;
  return { serviceId, release, deployment };
}

/** Failing requests of a version (20 of 20). */
async function failingTraffic(service: string, version: string) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: 20 }, () => ({
    traceId: crypto.randomBytes(16).toString('hex'),
    spanId: crypto.randomBytes(8).toString('hex'),
    name: 'GET /',
    kind: 2,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 1_000_000n),
    status: { code: 2 },
  }));
  const resource = {
    attributes: [
      { key: 'service.name', value: { stringValue: service } },
      { key: 'service.version', value: { stringValue: version } },
      { key: 'deployment.environment.name', value: { stringValue: 'prod' } },
    ],
  };
  await fetch(`${hub.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans }] }] }),
  });
}

/** Failing requests of the new version, then a verification round: a recommended rollback (an anomaly). */
async function breaks(service: string, version: string) {
  await failingTraffic(service, version);
  await hub.domain.verifier.evaluate(new Date(Date.now() + 1000));
}

const windowOf = (release: string) => call(RELEASE_WINDOW, { id: release }).then((r) => present(r.release, 'the release'));
/** The release's stabilization window, failing the test when it has none. */
const stabilizationOf = async (release: string) => present((await windowOf(release)).stabilization, 'a stabilization window');
/** The first escalation of the release's window, failing the test when there is none. */
const firstEscalation = async (release: string) => present((await stabilizationOf(release)).escalations[0], 'an escalation');

describe('stabilization windows', () => {
  it('opens a window with the rotation owner, pages the owner on an anomaly, and climbs the levels on time until acknowledged', async () => {
    const t0 = Date.now();
    const { release, deployment } = await shipped('payments', '5.0.0');
    await hub.domain.stabilization.tick(new Date(t0));
    const w = await windowOf(release);
    expect(w.status).toBe('STABILIZING');
    expect(w.stabilization).toMatchObject({ status: 'OPEN', owners: [{ owner: 'alice', service: { name: 'payments' } }], escalations: [] });
    const opened = present(w.stabilization, 'a stabilization window');
    expect(new Date(opened.endsAt).getTime() - new Date(opened.startsAt).getTime()).toBe(72 * 60 * MIN);

    await breaks('payments', '5.0.0');
    await hub.domain.stabilization.tick(new Date(t0));
    expect((await stabilizationOf(release)).escalations).toEqual([
      { id: expect.any(String), level: 1, paged: 'alice', status: 'OPEN', reason: 'error_rate 1 failed its criterion (LT 0.05)' },
    ]);

    const levels = async (minutes: number) => {
      await hub.domain.stabilization.tick(new Date(t0 + minutes * MIN));
      const x = await firstEscalation(release);
      return [x.level, x.paged];
    };
    expect(await levels(14)).toEqual([1, 'alice']);
    expect(await levels(16)).toEqual([2, 'payments-lead']);
    expect(await levels(31)).toEqual([3, 'head-of-engineering']);
    expect(await levels(120)).toEqual([3, 'head-of-engineering']);
    const steps = await hub.db.query<{ type: string; paged: string | null }[]>(
      `SELECT type, payload->>'paged' AS paged FROM release_event WHERE release_id = $1 AND type LIKE 'escalation.%' ORDER BY id`,
      [release],
    );
    expect(steps).toEqual([
      { type: 'escalation.raised', paged: 'alice' },
      { type: 'escalation.escalated', paged: 'payments-lead' },
      { type: 'escalation.escalated', paged: 'head-of-engineering' },
    ]);
    void deployment;
  });

  it('stops climbing once acknowledged, pages the new owner after a handoff, and closes STABLE only when problems are resolved', async () => {
    const t0 = Date.now();
    const { release, serviceId } = await shipped('search', '8.0.0');
    await hub.domain.stabilization.tick(new Date(t0));
    const windowId = (await stabilizationOf(release)).id;
    const handed = await call(ASSIGN_OWNER, { w: windowId, s: serviceId });
    expect(handed.assignStabilizationOwner.id).toBe(windowId);

    await breaks('search', '8.0.0');
    await hub.domain.stabilization.tick(new Date(t0 + MIN));
    let x = await firstEscalation(release);
    expect(x).toMatchObject({ level: 1, paged: 'dave' });
    await call(ACKNOWLEDGE, { id: x.id });
    await hub.domain.stabilization.tick(new Date(t0 + 40 * MIN));
    x = await firstEscalation(release);
    expect(x).toMatchObject({ level: 1, paged: 'dave', status: 'ACKNOWLEDGED' });

    // 72 h later the page is acknowledged but not resolved, and the rollback recommendation is pending: extended.
    await hub.domain.stabilization.tick(new Date(t0 + 72 * 60 * MIN + MIN));
    expect((await stabilizationOf(release)).status).toBe('EXTENDED');
    await call(RESOLVE, { id: x.id });
    const decision = await hub.db.query<{ id: string }[]>(`SELECT id FROM rollback_decision WHERE release_id = $1`, [release]);
    await call(DISMISS_ROLLBACK, { id: present(decision[0], 'a rollback decision').id });
    await hub.domain.stabilization.tick(new Date(t0 + 74 * 60 * MIN));
    const closed = await windowOf(release);
    expect(present(closed.stabilization, 'a stabilization window').status).toBe('STABLE');
    expect(closed.status).toBe('DONE');
    const events = await hub.db.query<{ type: string }[]>(`SELECT type FROM release_event WHERE release_id = $1 AND type LIKE 'stabilization.%' ORDER BY id`, [
      release,
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'stabilization.opened',
      'stabilization.owner_assigned',
      'stabilization.handoff',
      'stabilization.extended',
      'stabilization.closed',
    ]);
  });
});

describe('the rotation', () => {
  it("gives the n-th window of a service the rotation's n-th person, windows of one round in the order production succeeded", async () => {
    const serviceId = (await call(CREATE_SERVICE, { i: { name: 'cart' } })).createService.id;
    const ship = async (version: string) => {
      const release = (await call(CREATE_RELEASE, { i: { name: 'cart', version } })).createRelease.id;
      await call(UPDATE_RELEASE, { i: { id: release, status: 'DEPLOYING' } });
      await call(CREATE_DEPLOYMENT, {
        i: { serviceId, environmentId: prod, version, releaseId: release, status: 'SUCCEEDED', startedAt: new Date(Date.now() - 5 * MIN).toISOString() },
      });
      return release;
    };
    const ownersOf = async (release: string) => (await stabilizationOf(release)).owners.map((o) => o.owner);

    const first = await ship('1.0.0');
    await hub.domain.stabilization.tick(new Date());
    // Two releases reach production before the next round: the one that succeeded first takes the earlier turn.
    const second = await ship('1.1.0');
    const third = await ship('1.2.0');
    await hub.domain.stabilization.tick(new Date());
    expect([await ownersOf(first), await ownersOf(second), await ownersOf(third)]).toEqual([['erin'], ['frank'], ['erin']]);
  });
});

describe('incidents during stabilization', () => {
  it('pages the owner of a release whose deployment an incident names as its suspect', async () => {
    const t0 = Date.now();
    const { release } = await shipped('ledger', '2.0.0');
    await hub.domain.stabilization.tick(new Date(t0));
    await failingTraffic('ledger', '2.0.0');
    await hub.domain.spikes.tick(new Date(Date.now() + 1000)); // Releasegraph opens an incident on the spike
    await hub.domain.stabilization.tick(new Date(t0 + 60_000));
    const escalations = (await stabilizationOf(release)).escalations;
    expect(escalations).toEqual([
      expect.objectContaining({
        level: 1,
        paged: 'unassigned',
        reason: expect.stringMatching(/^suspected in incident RG-ledger-2\.0\.0-prod-\d{8}T\d{6} \(Error spike on ledger 2\.0\.0/),
      }),
    ]);
    // The incident came without a release; its most likely suspect belongs to this one, so the release shows it.
    const linked = await call(RELEASE_INCIDENTS, { id: release });
    expect(present(linked.release, 'the release').incidents).toEqual([{ key: expect.stringMatching(/^RG-ledger-2\.0\.0-prod-/) }]);
    const log = await call(RELEASE_LOG, { id: release });
    expect(log.releaseEventLog.edges.map((e) => e.node)).toContainEqual({ type: 'incident.release_linked', actor: expect.any(String) });
  });
});
