import fs from 'node:fs/promises';
import path from 'node:path';
import type { Domain } from '../domain.js';
import type { Logger } from '../logger.js';
import { Role } from '../modules/auth/roles.js';
import type { Actor } from '../write/actor.js';

const NAME = 'demo estate';
const DEMO_ACTOR: Actor = { id: 'demo', name: NAME, role: Role.ADMIN };

/**
 * The demo's API token (a release manager). Its secret is kept in the demo's folder, so a restart
 * reuses the same token; when the file is gone, the one "demo estate" token gets a new secret (the
 * old one stops working) instead of a new token piling up beside it at every start.
 */
export async function demoToken(domain: Domain, dir: string, log: Logger): Promise<string> {
  const file = path.join(dir, 'token');
  const kept = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (kept && (await domain.auth.authenticate(kept))?.name === NAME) return kept;

  const reissued = await domain.auth.reissueToken(DEMO_ACTOR, { name: NAME, role: Role.RELEASE_MANAGER }, 'the demo estate restarted: new secret');
  // An operator revoked it: that stands, and the story does not run.
  if (reissued === null) throw new Error(`the "${NAME}" API token was revoked; the demo estate stays off`);
  const { token } = reissued;
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(file, `${token}\n`, { mode: 0o600 });
  } catch (err) {
    log.warn({ err, file }, 'the demo cannot keep its token: the next start gives it a new secret');
  }
  return token;
}
