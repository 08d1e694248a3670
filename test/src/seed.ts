import crypto from 'node:crypto';
import { ADMIN_TOKEN } from './hub.js';
import { gqlOk } from './client.js';

/** Seeds the release graph through the public API, as an integration would. */
export function seed(url: string, token = ADMIN_TOKEN) {
  const stamp = crypto.randomBytes(3).toString('hex');
  const call = <T>(query: string, variables: Record<string, unknown>) => gqlOk<T>(url, query, variables, token);
  return {
    stamp,
    async service(name: string, dependsOn: string[] = []): Promise<string> {
      const r = await call<{ createService: { id: string } }>('mutation($i: CreateServiceInput!) { createService(input: $i) { id } }', {
        i: { name: `${name}-${stamp}`, dependsOn },
      });
      return r.createService.id;
    },
    async environment(name: string, tier: string): Promise<string> {
      const r = await call<{ createEnvironment: { id: string } }>('mutation($i: CreateEnvironmentInput!) { createEnvironment(input: $i) { id } }', {
        i: { name: `${name}-${stamp}`, tier },
      });
      return r.createEnvironment.id;
    },
    async release(name: string, version: string, extra: Record<string, unknown> = {}): Promise<string> {
      const r = await call<{ createRelease: { id: string } }>('mutation($i: CreateReleaseInput!) { createRelease(input: $i) { id } }', {
        i: { name: `${name}-${stamp}`, version, ...extra },
      });
      return r.createRelease.id;
    },
    async change(key: string, extra: Record<string, unknown> = {}): Promise<string> {
      const r = await call<{ createChange: { id: string } }>('mutation($i: CreateChangeInput!) { createChange(input: $i) { id } }', {
        i: { key, title: `change ${key}`, ...extra },
      });
      return r.createChange.id;
    },
    async deployment(input: {
      serviceId: string;
      environmentId: string;
      version: string;
      releaseId?: string;
      status?: string;
      startedAt?: string;
    }): Promise<string> {
      const r = await call<{ createDeployment: { id: string } }>('mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }', { i: input });
      return r.createDeployment.id;
    },
  };
}

/** A connector-style actor for rows that arrive from sources, not mutations. */
export const CONNECTOR_ACTOR = { id: 'connector:test', name: 'test-connector', role: 'integration' } as const;
