import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gql, outsideSchema, type GraphQLResponse } from '../src/client.js';
import {
  CREATE_CHANGE,
  CREATE_DEPLOYMENT,
  CREATE_ENVIRONMENT,
  CREATE_RELEASE,
  CREATE_SERVICE,
  UPDATE_DEPLOYMENT,
  UPDATE_RELEASE,
  UPDATE_SERVICE,
  type EnvironmentTier,
} from '../src/documents.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';
import { seed } from '../src/seed.js';

let hub: TestHub;
const call = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => gql(hub.url, document, variables, ADMIN_TOKEN);

const TOO_MANY_RELEASES = graphql(`
  query BadInputTooManyReleases {
    releases(first: 1000) {
      edges {
        node {
          id
        }
      }
    }
  }
`);
const RELEASES_AFTER_GARBAGE = graphql(`
  query BadInputReleasesAfterGarbage {
    releases(after: "garbage") {
      edges {
        node {
          id
        }
      }
    }
  }
`);
const EVENT_LOG_AFTER_GARBAGE = graphql(`
  query BadInputEventLogAfterGarbage {
    releaseEventLog(after: "garbage") {
      edges {
        cursor
      }
    }
  }
`);
const RELEASES_CREATED_BACKWARDS = graphql(`
  query BadInputReleasesCreatedBackwards {
    releases(filter: { createdAt: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" } }) {
      edges {
        cursor
      }
    }
  }
`);

/** Rows in every table of the graph, the event log and the audit trail. */
type Census = Record<
  | 'service'
  | 'service_dependency'
  | 'environment'
  | 'release'
  | 'release_service'
  | 'change'
  | 'change_service'
  | 'deployment'
  | 'release_event'
  | 'audit_entry',
  number
>;

async function census(): Promise<Census> {
  const tables = [
    'service',
    'service_dependency',
    'environment',
    'release',
    'release_service',
    'change',
    'change_service',
    'deployment',
    'release_event',
    'audit_entry',
  ] as const;
  const out = {} as Census;
  for (const t of tables) {
    const [row] = await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${t}`);
    out[t] = row!.n;
  }
  return out;
}

function expectError(r: GraphQLResponse<unknown>, code: string, field?: string) {
  expect(r.status).toBeLessThan(500);
  expect(r.errors, JSON.stringify(r)).toHaveLength(1);
  expect(codeOf(r)).toBe(code);
  if (field) expect(r.errors![0]!.extensions!.field).toBe(field);
  expect(r.errors![0]!.message).not.toMatch(/Internal server error|QueryFailedError|violates/);
}

let svc: string;
let env: string;
let rel: string;
let dep: string;
let changeKey: string;
let s: ReturnType<typeof seed>;

beforeAll(async () => {
  hub = await startTestHub();
  s = seed(hub.url);
  svc = await s.service('svc');
  env = await s.environment('env', 'PROD');
  rel = await s.release('rel', '1.0.0');
  changeKey = 'CHG0000001';
  await s.change(changeKey);
  dep = await s.deployment({ serviceId: svc, environmentId: env, version: '1.0.0', status: 'SUCCEEDED' });
});
afterAll(async () => {
  await hub?.close();
});

describe('bad input is a clear, typed error and writes nothing', () => {
  it('unknown ids -> NOT_FOUND naming the field', async () => {
    const before = await census();
    expectError(await call(CREATE_DEPLOYMENT, { i: { serviceId: 'rg:service:nope', environmentId: env, version: '1.0.0' } }), 'NOT_FOUND', 'input.serviceId');
    expectError(
      await call(CREATE_DEPLOYMENT, { i: { serviceId: svc, environmentId: 'rg:environment:nope', version: '1.0.0' } }),
      'NOT_FOUND',
      'input.environmentId',
    );
    expectError(
      await call(CREATE_DEPLOYMENT, { i: { serviceId: svc, environmentId: env, version: '1.0.0', releaseId: 'rg:release:nope' } }),
      'NOT_FOUND',
      'input.releaseId',
    );
    expectError(await call(UPDATE_RELEASE, { i: { id: 'rg:release:nope', status: 'SCHEDULED' } }), 'NOT_FOUND', 'input.id');
    expectError(await call(CREATE_RELEASE, { i: { name: 'x', version: '1.0.0', serviceIds: [svc, 'rg:service:nope'] } }), 'NOT_FOUND', 'input.serviceIds');
    expectError(await call(CREATE_SERVICE, { i: { name: 'dep-on-nothing', dependsOn: ['rg:service:nope'] } }), 'NOT_FOUND', 'input.dependsOn');
    expectError(await call(CREATE_CHANGE, { i: { key: 'OPS-9', title: 't', releaseId: 'rg:release:nope' } }), 'NOT_FOUND', 'input.releaseId');
    expect(await census()).toEqual(before);
  });

  it('duplicates -> CONFLICT, also when the duplicates race each other', async () => {
    const before = await census();
    expectError(await call(CREATE_SERVICE, { i: { name: `svc-${s.stamp}` } }), 'CONFLICT', 'input.name');
    expectError(await call(CREATE_ENVIRONMENT, { i: { name: `env-${s.stamp}`, tier: 'DEV' } }), 'CONFLICT', 'input.name');
    expectError(await call(CREATE_RELEASE, { i: { name: `rel-${s.stamp}`, version: '1.0.0' } }), 'CONFLICT', 'input.version');
    expectError(await call(CREATE_CHANGE, { i: { key: changeKey, title: 'again' } }), 'CONFLICT', 'input.key');
    expect(await census()).toEqual(before);

    const racers = await Promise.all(Array.from({ length: 10 }, () => call(CREATE_SERVICE, { i: { name: `racer-${s.stamp}` } })));
    expect(racers.filter((r) => !r.errors)).toHaveLength(1);
    for (const r of racers.filter((x) => x.errors)) expectError(r, 'CONFLICT', 'input.name');
    const after = await census();
    expect(after.service).toBe(before.service + 1);
    expect(after.release_event).toBe(before.release_event + 1);
    expect(after.audit_entry).toBe(before.audit_entry + 1);
  });

  it('invalid enum, date and number values -> BAD_USER_INPUT', async () => {
    const before = await census();
    expectError(await call(CREATE_ENVIRONMENT, { i: { name: 'prod2', tier: outsideSchema<EnvironmentTier>('PRODUCTION') } }), 'BAD_USER_INPUT');
    expectError(await call(CREATE_RELEASE, { i: { name: 'dated', version: '1.0.0', plannedStart: 'next tuesday' } }), 'BAD_USER_INPUT');
    expectError(await call(CREATE_RELEASE, { i: { name: 'dated', version: '1.0.0', plannedStart: '2026-13-45T00:00:00Z' } }), 'BAD_USER_INPUT');
    expectError(
      await call(CREATE_RELEASE, { i: { name: 'dated', version: '1.0.0', plannedStart: '2026-12-02T00:00:00Z', plannedEnd: '2026-12-01T00:00:00Z' } }),
      'BAD_USER_INPUT',
      'input.plannedEnd',
    );
    expectError(await call(CREATE_RELEASE, { i: { name: 'tz', version: '1.0.0', timezone: 'Mars/Olympus' } }), 'BAD_USER_INPUT', 'input.timezone');
    expectError(await call(CREATE_RELEASE, { i: { name: 'money', version: '1.0.0', revenueImpact: -5 } }), 'BAD_USER_INPUT', 'input.revenueImpact');
    expectError(await call(CREATE_CHANGE, { i: { key: 'not a key', title: 't' } }), 'BAD_USER_INPUT', 'input.key');
    expectError(await call(TOO_MANY_RELEASES, {}), 'BAD_USER_INPUT', 'first');
    expectError(await call(RELEASES_AFTER_GARBAGE, {}), 'BAD_USER_INPUT', 'after');
    expectError(await call(EVENT_LOG_AFTER_GARBAGE, {}), 'BAD_USER_INPUT', 'after');
    expectError(await call(RELEASES_CREATED_BACKWARDS, {}), 'BAD_USER_INPUT', 'filter.createdAt');
    expect(await census()).toEqual(before);
  });

  it('empty and oversize strings -> BAD_USER_INPUT naming the field', async () => {
    const before = await census();
    expectError(await call(CREATE_RELEASE, { i: { name: '', version: '1.0.0' } }), 'BAD_USER_INPUT', 'input.name');
    expectError(await call(CREATE_RELEASE, { i: { name: '   ', version: '1.0.0' } }), 'BAD_USER_INPUT', 'input.name');
    expectError(await call(CREATE_RELEASE, { i: { name: 'n'.repeat(201), version: '1.0.0' } }), 'BAD_USER_INPUT', 'input.name');
    expectError(await call(CREATE_RELEASE, { i: { name: 'big', version: '1.0.0', description: 'd'.repeat(20_001) } }), 'BAD_USER_INPUT', 'input.description');
    expectError(await call(CREATE_RELEASE, { i: { name: 'v', version: '1.0.0; DROP TABLE release' } }), 'BAD_USER_INPUT', 'input.version');
    expectError(await call(CREATE_SERVICE, { i: { name: 'has spaces' } }), 'BAD_USER_INPUT', 'input.name');
    expectError(await call(CREATE_CHANGE, { i: { key: 'OPS-10', title: 't'.repeat(501) } }), 'BAD_USER_INPUT', 'input.title');
    expect(await census()).toEqual(before);
  });

  it('impossible state changes -> CONFLICT; dependency cycles -> BAD_USER_INPUT', async () => {
    const before = await census();
    await call(UPDATE_RELEASE, { i: { id: rel, status: 'CANCELLED' } });
    const afterCancel = await census();
    expectError(await call(UPDATE_RELEASE, { i: { id: rel, status: 'DEPLOYING' } }), 'CONFLICT', 'input.status');
    expectError(await call(UPDATE_DEPLOYMENT, { i: { id: dep, status: 'IN_PROGRESS' } }), 'CONFLICT', 'input.status');
    const a = await s.service('cycle-a');
    const b = await s.service('cycle-b', [a]);
    const withServices = await census();
    expectError(await call(UPDATE_SERVICE, { i: { id: a, dependsOn: [b] } }), 'BAD_USER_INPUT', 'input.dependsOn');
    expectError(await call(UPDATE_SERVICE, { i: { id: a, dependsOn: [a] } }), 'BAD_USER_INPUT', 'input.dependsOn');
    expect(await census()).toEqual(withServices);
    // a status change is one event (release.status_changed); release.updated is for the plan's fields, none of which changed
    expect(afterCancel.release_event).toBe(before.release_event + 1);
  });
});

describe('query depth', () => {
  it('refuses an operation nested deeper than the limit, and still answers introspection', async () => {
    // release → deployments → release → deployments ... 20 levels.
    let selection = 'id';
    for (let i = 0; i < 10; i++) selection = `deployments { release { ${selection} } }`;
    const deep = await gql<unknown>(hub.url, `{ releases(first: 1) { edges { node { ${selection} } } } }`, {}, ADMIN_TOKEN);
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0]?.message).toMatch(/fields deep; at most 15 are allowed/);
    const introspection = await gql<{ __schema: unknown }>(hub.url, getIntrospectionQuery(), {}, ADMIN_TOKEN);
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data?.__schema).toBeDefined();
  });
});
