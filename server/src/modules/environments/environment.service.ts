import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../domain-errors.js';
import { paginate, type Connection } from '../../graphql/connection.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import { updateGraphRow } from '../common/upsert.js';
import { tierOf, type TierOverride } from './tier-rules.js';
import { definedOnly, fields, parseInput } from '../common/input.js';
import { Environment, EnvironmentTier } from './environment.entity.js';
import type { CreateEnvironmentInput, EnvironmentFilter, UpdateEnvironmentInput } from './environment.types.js';

const name = fields.name.regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits and . _ - only (as in deployment.environment.name)');
const createSchema = z.object({ name, tier: z.enum(EnvironmentTier), region: fields.shortText.nullish() });
const updateSchema = z.object({ id: fields.id, name: name.nullish(), tier: z.enum(EnvironmentTier).nullish(), region: fields.shortText.nullish() });

/** Environments (dev, test, staging, prod tiers) that services are deployed to. */
export class EnvironmentService {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
    private readonly tierOverrides: readonly TierOverride[] = [],
  ) {
    writes.describeConstraints({ environment_name_key: { message: 'an environment with this name already exists', field: 'input.name' } });
  }

  list(filter: EnvironmentFilter | null | undefined, page: { first?: number | null; after?: string | null }): Promise<Connection<Environment>> {
    const qb = this.db.getRepository(Environment).createQueryBuilder('e');
    if (filter?.tier?.length) qb.andWhere('e.tier IN (:...tiers)', { tiers: filter.tier });
    return paginate(qb, page);
  }

  async create(actor: Actor, raw: CreateEnvironmentInput): Promise<Environment> {
    const input = parseInput(createSchema, raw, 'input');
    return this.writes.run(actor, async (tx) => {
      const m = tx.manager;
      if (await m.existsBy(Environment, { name: input.name }))
        throw new ConflictError(`an environment named ${JSON.stringify(input.name)} already exists`, 'input.name');
      const id = `rg:environment:${crypto.randomUUID()}`;
      await m.insert(Environment, { id, name: input.name, tier: input.tier, region: input.region ?? null, originConnector: 'api' });
      const saved = await m.findOneByOrFail(Environment, { id });
      tx.record('environment.created', { subjectId: id, payload: saved });
      return saved;
    });
  }

  async update(actor: Actor, raw: UpdateEnvironmentInput): Promise<Environment> {
    const input = parseInput(updateSchema, raw, 'input');
    return this.writes.run(actor, async (tx) => {
      const m = tx.manager;
      const current = await m.findOne(Environment, { where: { id: input.id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundError('Environment', input.id, 'input.id');
      if (input.name && input.name !== current.name && (await m.existsBy(Environment, { name: input.name }))) {
        throw new ConflictError(`an environment named ${JSON.stringify(input.name)} already exists`, 'input.name');
      }
      const changes = definedOnly({ name: input.name ?? undefined, tier: input.tier ?? undefined, region: input.region });
      return updateGraphRow(tx, Environment, current, changes, { updated: 'environment.updated' });
    });
  }

  /** The environment a source names, created when new, its tier from its name (the config's rules first). */
  async ensure(tx: WriteTx, name: string, connectorId: string): Promise<string> {
    const id = `${connectorId}:environment:${name}`;
    const tier = tierOf(name, this.tierOverrides);
    const inserted = (await tx.manager.query(
      'INSERT INTO environment (id, name, tier, origin_connector, origin_entity, origin_id) VALUES ($1, $2, $3, $4, $5, $2) ON CONFLICT DO NOTHING RETURNING id',
      [id, name, tier, connectorId, 'environment'],
    )) as unknown[];
    if (inserted.length) tx.record('environment.created', { subjectId: id, payload: { id, name, tier } });
    const [row] = (await tx.manager.query('SELECT id FROM environment WHERE name = $1', [name])) as Array<{ id: string }>;
    return row!.id;
  }
}
