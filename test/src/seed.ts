import crypto from 'node:crypto';
import { ADMIN_TOKEN } from './hub.js';
import { gqlOk } from './client.js';
import {
  CREATE_CHANGE,
  CREATE_DEPLOYMENT,
  CREATE_ENVIRONMENT,
  CREATE_RELEASE,
  CREATE_SERVICE,
  type CreateChangeInput,
  type CreateDeploymentInput,
  type CreateReleaseInput,
  type EnvironmentTier,
} from './documents.js';

/** Seeds the release graph through the public API, as an integration would. */
export function seed(url: string, token = ADMIN_TOKEN) {
  const stamp = crypto.randomBytes(3).toString('hex');
  return {
    stamp,
    async service(name: string, dependsOn: string[] = []): Promise<string> {
      const r = await gqlOk(url, CREATE_SERVICE, { i: { name: `${name}-${stamp}`, dependsOn } }, token);
      return r.createService.id;
    },
    async environment(name: string, tier: EnvironmentTier): Promise<string> {
      const r = await gqlOk(url, CREATE_ENVIRONMENT, { i: { name: `${name}-${stamp}`, tier } }, token);
      return r.createEnvironment.id;
    },
    async release(name: string, version: string, extra: Omit<CreateReleaseInput, 'name' | 'version'> = {}): Promise<string> {
      const r = await gqlOk(url, CREATE_RELEASE, { i: { name: `${name}-${stamp}`, version, ...extra } }, token);
      return r.createRelease.id;
    },
    async change(key: string, extra: Omit<CreateChangeInput, 'key' | 'title'> & { title?: string } = {}): Promise<string> {
      const r = await gqlOk(url, CREATE_CHANGE, { i: { key, title: `change ${key}`, ...extra } }, token);
      return r.createChange.id;
    },
    async deployment(input: CreateDeploymentInput): Promise<string> {
      const r = await gqlOk(url, CREATE_DEPLOYMENT, { i: input }, token);
      return r.createDeployment.id;
    },
  };
}

/** A connector-style actor for rows that arrive from sources, not mutations. */
export const CONNECTOR_ACTOR = { id: 'connector:test', name: 'test-connector', role: 'integration' } as const;
