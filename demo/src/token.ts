import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from './logger.js';

const NAME = 'demo estate';

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function gql<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLAnswer<T>;
}

/**
 * The demo's API token (a release manager), asked of the hub over GraphQL with the admin token the
 * user gave the hub. Its secret is kept in the demo's folder, so a restart reuses the same token;
 * when the file is gone, the one "demo estate" token gets a new secret (`reissueApiToken`: the old
 * one stops working) instead of a new token piling up beside it at every start.
 */
export async function demoToken(url: string, adminToken: string | undefined, dir: string, log: Logger): Promise<string> {
  const file = path.join(dir, 'token');
  const kept = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (kept) {
    const { data } = await gql<{ viewer: { name: string } }>(url, kept, '{ viewer { name } }');
    if (data?.viewer.name === NAME) return kept;
  }
  if (!adminToken) throw new Error('the demo estate needs RELEASEGRAPH_ADMIN_TOKEN to ask the hub for its API token; the demo stays off');

  const { data, errors } = await gql<{ reissueApiToken: { token: string } }>(
    url,
    adminToken,
    'mutation($input: CreateApiTokenInput!) { reissueApiToken(input: $input) { token } }',
    { input: { name: NAME, role: 'RELEASE_MANAGER' } },
  );
  // An operator revoked it (or another admin made a token of that name): that stands, and the story does not run.
  if (!data?.reissueApiToken) throw new Error(`the hub refused the "${NAME}" API token (${errors?.map((e) => e.message).join('; ')}); the demo stays off`);
  const token = data.reissueApiToken.token;
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(file, `${token}\n`, { mode: 0o600 });
  } catch (err) {
    log.warn({ err, file }, 'the demo cannot keep its token: the next start gives it a new secret');
  }
  return token;
}
