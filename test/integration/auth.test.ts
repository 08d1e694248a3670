import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, gql, gqlOk, wsClient, type VariablesOf } from '../src/client.js';
import { CREATE_RELEASE } from '../src/documents.js';
import { collectEvents } from '../src/events.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';
import { Role } from '@releasegraph/server';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../server/dist/cli.js');

const CREATE_TOKEN = graphql(`
  mutation AuthCreateToken($i: CreateApiTokenInput!) {
    createApiToken(input: $i) {
      token
      apiToken {
        name
        role
      }
    }
  }
`);
const RELEASES = graphql(`
  query AuthReleases {
    releases {
      edges {
        node {
          id
        }
      }
    }
  }
`);
const VIEWER_AND_RELEASES = graphql(`
  query AuthViewerAndReleases {
    viewer {
      name
      role
      permissions
    }
    releases {
      edges {
        node {
          id
        }
      }
    }
  }
`);
const VIEWER_PERMISSIONS = graphql(`
  query AuthViewerPermissions {
    viewer {
      permissions
    }
  }
`);
const VIEWER_ROLE = graphql(`
  query AuthViewerRole {
    viewer {
      role
    }
  }
`);
const VIEWER_NAME = graphql(`
  query AuthViewerName {
    viewer {
      name
    }
  }
`);
const VIEWER_NAME_ROLE = graphql(`
  query AuthViewerNameRole {
    viewer {
      name
      role
    }
  }
`);
const TRAIL = graphql(`
  query AuthTrail($id: ID!) {
    auditEntries(filter: { subjectId: $id }) {
      edges {
        node {
          actor
          action
          subjectType
          hash
          prevHash
        }
      }
    }
    releaseEventLog(filter: { releaseId: $id }) {
      edges {
        node {
          actor
          type
        }
      }
    }
  }
`);
const REISSUE = graphql(`
  mutation AuthReissueToken($input: CreateApiTokenInput!) {
    reissueApiToken(input: $input) {
      token
      apiToken {
        id
        name
        role
        revokedAt
      }
    }
  }
`);
type TokenRole = VariablesOf<typeof CREATE_TOKEN>['i']['role'];

let hub: TestHub;
async function token(role: TokenRole, name: string): Promise<string> {
  const r = await gqlOk(hub.url, CREATE_TOKEN, { i: { name, role } }, ADMIN_TOKEN);
  expect(r.createApiToken.apiToken).toEqual({ name, role });
  return r.createApiToken.token;
}

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

describe('API tokens and roles', () => {
  it('refuses anonymous requests and unknown tokens with UNAUTHENTICATED (HTTP 401)', async () => {
    const anonymous = await gql(hub.url, RELEASES, {});
    expect(anonymous.status).toBe(401);
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    const wrong = await gql(hub.url, RELEASES, {}, 'rg_not-a-real-token');
    expect(wrong.status).toBe(401);
    expect(codeOf(wrong)).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0]!.message).toMatch(/not valid/);
    const anonymousWrite = await gql(hub.url, CREATE_RELEASE, { i: { name: 'nope', version: '1.0.0' } });
    expect(codeOf(anonymousWrite)).toBe('UNAUTHENTICATED');
    expect(await hub.db.query<unknown[]>(`SELECT 1 FROM release WHERE name = 'nope'`)).toHaveLength(0);
  });

  it('lets a viewer read but not write (FORBIDDEN), and an admin write', async () => {
    const viewer = await token('VIEWER', 'wall-screen');
    const read = await gql(hub.url, VIEWER_AND_RELEASES, {}, viewer);
    expect(read.errors).toBeUndefined();
    // A dashboard offers only what `permissions` lists: nothing for a viewer.
    expect(read.data!.viewer).toEqual({ name: 'wall-screen', role: 'VIEWER', permissions: [] });
    const write = await gql(hub.url, CREATE_RELEASE, { i: { name: 'by-viewer', version: '1.0.0' } }, viewer);
    expect(write.status).toBe(200);
    expect(codeOf(write)).toBe('FORBIDDEN');
    expect(await hub.db.query<unknown[]>(`SELECT 1 FROM release WHERE name = 'by-viewer'`)).toHaveLength(0);
    const tokenByViewer = await gql(hub.url, CREATE_TOKEN, { i: { name: 'x', role: 'ADMIN' } }, viewer);
    expect(codeOf(tokenByViewer)).toBe('FORBIDDEN');

    const engineer = await token('ENGINEER', 'ci-bot');
    expect((await gqlOk(hub.url, VIEWER_PERMISSIONS, {}, engineer)).viewer.permissions).toEqual(['change:write', 'deployment:write']);
    expect(codeOf(await gql(hub.url, CREATE_RELEASE, { i: { name: 'by-engineer', version: '1.0.0' } }, engineer))).toBe('FORBIDDEN');
    const byAdmin = await gql(hub.url, CREATE_RELEASE, { i: { name: 'by-admin', version: '1.0.0' } }, ADMIN_TOKEN);
    expect(byAdmin.errors).toBeUndefined();
  });

  it('records the actor of every mutation in the event log and the audit trail', async () => {
    const manager = await token('RELEASE_MANAGER', 'rm-alex');
    const r = await gqlOk(hub.url, CREATE_RELEASE, { i: { name: 'audited', version: '1.0.0' } }, manager);
    const id = r.createRelease.id;
    const trail = await gqlOk(hub.url, TRAIL, { id }, manager);
    expect(trail.auditEntries.edges.map((e) => e.node)).toEqual([
      {
        actor: 'rm-alex',
        action: 'release.created',
        subjectType: 'Release',
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(trail.releaseEventLog.edges.map((e) => e.node)).toEqual([{ actor: 'rm-alex', type: 'release.created' }]);
  });

  it('authenticates WebSocket subscriptions in connection_init', async () => {
    const anonymous = await collectEvents(wsClient(hub.url, null), {}, { until: () => true, ms: 5000 });
    expect(anonymous.events).toEqual([]);
    expect(anonymous.error).toMatchObject({ code: 4403 });
    const wrong = await collectEvents(wsClient(hub.url, 'rg_wrong'), {}, { until: () => true, ms: 5000 });
    expect(wrong.error).toMatchObject({ code: 4403 });

    const viewer = await token('VIEWER', 'ws-viewer');
    const client = wsClient(hub.url, viewer);
    const live = collectEvents(client, {}, { until: (ev) => ev.length >= 1 });
    await new Promise((r) => setTimeout(r, 300));
    await gqlOk(hub.url, CREATE_RELEASE, { i: { name: 'seen-by-viewer', version: '1.0.0' } }, ADMIN_TOKEN);
    const { events, error } = await live;
    await client.dispose();
    expect(error).toBeNull();
    expect(events.map((e) => e.type)).toEqual(['release.created']);
  });

  it('rotates the bootstrap admin token when RELEASEGRAPH_ADMIN_TOKEN changes', async () => {
    const rotated = await startTestHub({ databaseUrl: hub.database!.url, env: { RELEASEGRAPH_ADMIN_TOKEN: 'rotated-admin-token-9876543210' } });
    try {
      expect((await gql(rotated.url, VIEWER_ROLE, {}, 'rotated-admin-token-9876543210')).data).toEqual({ viewer: { role: 'ADMIN' } });
      expect(codeOf(await gql(rotated.url, VIEWER_ROLE, {}, ADMIN_TOKEN))).toBe('UNAUTHENTICATED');
    } finally {
      await rotated.stop();
    }
  });

  it('reissues a named token without piling up rows, and leaves it revoked once revoked', async () => {
    const owner = { id: 'kiosk', name: 'kiosk', role: Role.ADMIN };
    const kiosk = { name: 'kiosk screen', role: Role.VIEWER };
    const first = await hub.domain.auth.reissueToken(owner, kiosk, 'test');
    const second = await hub.domain.auth.reissueToken(owner, kiosk, 'restart');
    expect(second!.token).not.toBe(first!.token);
    expect(second!.apiToken.id).toBe(first!.apiToken.id);
    expect((await gqlOk(hub.url, VIEWER_NAME_ROLE, {}, second!.token)).viewer).toEqual({ name: 'kiosk screen', role: 'VIEWER' });
    expect(codeOf(await gql(hub.url, VIEWER_NAME, {}, first!.token))).toBe('UNAUTHENTICATED');
    expect(await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM api_token WHERE name = 'kiosk screen'`)).toEqual([{ n: 1 }]);

    await hub.db.query(`UPDATE api_token SET revoked_at = now() WHERE name = 'kiosk screen'`);
    expect(await hub.domain.auth.reissueToken(owner, kiosk, 'restart')).toBeNull();
    // Someone else's token of that name is not theirs to reissue.
    await expect(hub.domain.auth.reissueToken({ ...owner, name: 'intruder' }, { ...kiosk, role: Role.ADMIN }, 'x')).rejects.toThrow();
  });

  it('reissues a named token over GraphQL (reissueApiToken), for admins only', async () => {
    const input = { name: 'wallboard', role: 'VIEWER' } as const;
    const first = (await gqlOk(hub.url, REISSUE, { input }, ADMIN_TOKEN)).reissueApiToken;
    expect(first.apiToken).toMatchObject({ name: 'wallboard', role: 'VIEWER', revokedAt: null });
    const second = (await gqlOk(hub.url, REISSUE, { input: { ...input, role: 'ANALYST' } }, ADMIN_TOKEN)).reissueApiToken;
    expect(second.apiToken).toMatchObject({ id: first.apiToken.id, role: 'ANALYST' });
    expect(codeOf(await gql(hub.url, VIEWER_NAME, {}, first.token))).toBe('UNAUTHENTICATED');
    expect((await gqlOk(hub.url, VIEWER_NAME_ROLE, {}, second.token)).viewer).toEqual({ name: 'wallboard', role: 'ANALYST' });
    // An analyst may not manage tokens.
    expect(codeOf(await gql(hub.url, REISSUE, { input: { name: 'mine', role: 'ADMIN' } }, second.token))).toBe('FORBIDDEN');
    await hub.db.query(`UPDATE api_token SET revoked_at = now() WHERE name = 'wallboard'`);
    expect(codeOf(await gql(hub.url, REISSUE, { input }, ADMIN_TOKEN))).toBe('CONFLICT');
  });

  it('issues tokens from the CLI (pnpm releasegraph token create)', async () => {
    const env = { ...process.env, DATABASE_URL: hub.database!.url, RELEASEGRAPH_CONFIG: '/dev/null' };
    const { stdout, stderr } = await run('node', [CLI, 'token', 'create', '--role', 'analyst', '--name', 'analyst-pat'], { env });
    const issued = stdout.trim();
    expect(issued).toMatch(/^rg_[\w-]{40,}$/);
    expect(stderr).toContain('role analyst');
    const me = await gqlOk(hub.url, VIEWER_NAME_ROLE, {}, issued);
    expect(me.viewer).toEqual({ name: 'analyst-pat', role: 'ANALYST' });
    // the secret itself is never stored
    expect(await hub.db.query<unknown[]>('SELECT 1 FROM api_token WHERE token_hash = $1 OR name = $1', [issued])).toHaveLength(0);

    const bad = await run('node', [CLI, 'token', 'create', '--role', 'overlord', '--name', 'x'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toContain('unknown role overlord');
  });
});
