import crypto from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import { z } from 'zod';
import type { Actor } from '../../write/actor.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import { parseInput } from '../common/input.js';
import { ConflictError } from '../../domain-errors.js';
import { ApiToken } from './api-token.entity.js';
import { Role } from './roles.js';

const TOKEN_PREFIX = 'rg_';
/** `createdBy` of the tokens RELEASEGRAPH_ADMIN_TOKEN made. */
const BOOTSTRAP = 'RELEASEGRAPH_ADMIN_TOKEN';
const CACHE_MS = 10_000;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function generateToken(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
}

export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'system', role: Role.ADMIN };

const tokenInput = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\w.@-]+( [\w.@-]+)*$/, 'letters, digits, spaces and . _ @ - only'),
  role: z.enum(Role),
});

/** API tokens: issue, revoke, and turn a bearer token into an actor. */
export class AuthService {
  /** Short cache of hash → actor: a token check per request must not cost a query per request. */
  private readonly cache = new Map<string, { actor: Actor | null; until: number }>();

  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
  ) {}

  async authenticate(token: string): Promise<Actor | null> {
    const hash = hashToken(token);
    const hit = this.cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.actor;
    const row = await this.db.getRepository(ApiToken).findOneBy({ tokenHash: hash });
    const actor = row && !row.revokedAt ? actorOfToken(row) : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { actor, until: Date.now() + CACHE_MS });
    return actor;
  }

  /** Creates a token; the secret is returned once and only its hash is stored. */
  async createToken(actor: Actor, input: { name: string; role: Role }): Promise<{ token: string; apiToken: ApiToken }> {
    const { name, role } = parseInput(tokenInput, input, 'input');
    const token = generateToken();
    const apiToken = await this.writes.run(actor, (tx) => insertToken(tx, actor, name, role, token));
    return { token, apiToken };
  }

  /**
   * Gives the token called `name` that `actor` created a new secret and `role` (creating it when
   * there is none) and returns the secret: the old secret stops working, no second token piles up
   * beside it. A token someone revoked stays revoked (null); a token of that name created by
   * someone else is not touched (a ConflictError on the unique name).
   */
  async reissueToken(actor: Actor, input: { name: string; role: Role }, reason: string): Promise<{ token: string; apiToken: ApiToken } | null> {
    const { name, role } = parseInput(tokenInput, input, 'input');
    const token = generateToken();
    const apiToken = await this.writes.run(actor, async (tx) => {
      const row = await tx.manager.findOne(ApiToken, { where: { name, createdBy: actor.name }, lock: { mode: 'pessimistic_write' } });
      if (row?.revokedAt) return null;
      if (row) {
        await tx.manager.update(ApiToken, { id: row.id }, { tokenHash: hashToken(token), role });
        tx.record('token.updated', { subjectId: row.id, payload: { name, role, reason } });
        return tx.manager.merge(ApiToken, row, { role });
      }
      return insertToken(tx, actor, name, role, token);
    });
    return apiToken ? { token, apiToken } : null;
  }

  /**
   * Makes sure a token with exactly this secret exists with the admin role (RELEASEGRAPH_ADMIN_TOKEN),
   * and revokes the tokens earlier values of the variable created: changing it rotates the secret.
   */
  async ensureAdminToken(token: string): Promise<void> {
    const hash = hashToken(token);
    const repo = this.db.getRepository(ApiToken);
    const existing = await repo.findOneBy({ tokenHash: hash });
    const stale = (await repo.findBy({ createdBy: BOOTSTRAP, revokedAt: IsNull() })).filter((t) => t.tokenHash !== hash);
    if (existing && !existing.revokedAt && existing.role === Role.ADMIN && !stale.length) return;
    await this.writes
      .run(SYSTEM_ACTOR, async (tx) => {
        for (const old of stale) {
          await tx.manager.update(ApiToken, { id: old.id }, { revokedAt: new Date() });
          tx.record('token.revoked', {
            subjectId: old.id,
            payload: { name: old.name, reason: 'RELEASEGRAPH_ADMIN_TOKEN changed' },
          });
        }
        if (existing && !existing.revokedAt && existing.role === Role.ADMIN) return;
        if (existing) {
          await tx.manager.update(ApiToken, { id: existing.id }, { role: Role.ADMIN, revokedAt: null });
          tx.record('token.updated', { subjectId: existing.id, payload: { name: existing.name, role: Role.ADMIN } });
        } else {
          const id = `rg:token:${crypto.randomUUID()}`;
          const name = `bootstrap-admin-${hash.slice(0, 8)}`;
          await tx.manager.insert(ApiToken, { id, name, role: Role.ADMIN, tokenHash: hash, createdBy: BOOTSTRAP, revokedAt: null });
          tx.record('token.created', { subjectId: id, payload: { name, role: Role.ADMIN } });
        }
      })
      .catch((error: unknown) => {
        // Replicas starting together: another one created the same token first.
        if (!(error instanceof ConflictError)) throw error;
      });
    this.cache.clear();
  }
}

export function actorOfToken(row: ApiToken): Actor {
  return { id: `token:${row.id}`, name: row.name, role: row.role };
}

/** A new token row for `token` (only its hash is stored), with its event. */
async function insertToken(tx: WriteTx, actor: Actor, name: string, role: Role, token: string): Promise<ApiToken> {
  const row = tx.manager.create(ApiToken, {
    id: `rg:token:${crypto.randomUUID()}`,
    name,
    role,
    tokenHash: hashToken(token),
    createdBy: actor.name,
    revokedAt: null,
  });
  await tx.manager.insert(ApiToken, row);
  tx.record('token.created', { subjectId: row.id, payload: { name, role } });
  return row;
}
