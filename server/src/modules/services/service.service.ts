import crypto from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { BadUserInputError, ConflictError, NotFoundError } from '../../domain-errors.js';
import { paginate, type Connection } from '../../graphql/connection.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath, WriteTx } from '../../write/write-path.js';
import { definedOnly, fields, parseInput } from '../common/input.js';
import { Service, ServiceDependency } from './service.entity.js';
import type { CreateServiceInput, ServiceFilter, UpdateServiceInput } from './service.types.js';

const serviceFields = {
  name: fields.name.regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits and . _ - only (as in service.name)'),
  description: fields.longText.nullish(),
  repository: z.string().trim().max(1000, 'at most 1000 characters').nullish(),
  ownerTeam: fields.shortText.nullish(),
  dependsOn: z.array(fields.id).max(200, 'at most 200 dependencies').nullish(),
};
const createSchema = z.object(serviceFields);
const updateSchema = z.object({ id: fields.id, ...serviceFields, name: serviceFields.name.nullish() });

/** The service catalogue: services and the dependency graph between them. */
export class CatalogService {
  constructor(
    private readonly db: DataSource,
    private readonly writes: WritePath,
  ) {
    writes.describeConstraints({
      service_name_key: { message: 'a service with this name already exists', field: 'input.name' },
      service_dependency_not_self: { message: 'a service cannot depend on itself', field: 'input.dependsOn' },
    });
  }

  list(filter: ServiceFilter | null | undefined, page: { first?: number | null; after?: string | null }): Promise<Connection<Service>> {
    const qb = this.db.getRepository(Service).createQueryBuilder('s');
    if (filter?.nameContains) qb.andWhere('s.name ILIKE :name', { name: `%${filter.nameContains.replace(/[\\%_]/g, '\\$&')}%` });
    if (filter?.environmentId)
      qb.andWhere('EXISTS (SELECT 1 FROM deployment d WHERE d.service_id = s.id AND d.environment_id = :env)', { env: filter.environmentId });
    if (filter?.dependsOn)
      qb.andWhere('EXISTS (SELECT 1 FROM service_dependency sd WHERE sd.service_id = s.id AND sd.depends_on_id = :dep)', { dep: filter.dependsOn });
    return paginate(qb, page);
  }

  async create(actor: Actor, raw: CreateServiceInput): Promise<Service> {
    const input = parseInput(createSchema, raw, 'input');
    return this.writes.run(actor, async (tx) => {
      const m = tx.manager;
      if (await m.existsBy(Service, { name: input.name }))
        throw new ConflictError(`a service named ${JSON.stringify(input.name)} already exists`, 'input.name');
      const dependsOn = [...new Set(input.dependsOn ?? [])];
      await assertServicesExist(m, dependsOn, 'input.dependsOn');
      const row = m.create(Service, {
        id: `rg:service:${crypto.randomUUID()}`,
        name: input.name,
        description: input.description ?? null,
        repository: input.repository ?? null,
        ownerTeam: input.ownerTeam ?? null,
        originConnector: 'api',
      });
      await m.insert(Service, row);
      if (dependsOn.length)
        await m.insert(
          ServiceDependency,
          dependsOn.map((d) => ({ serviceId: row.id, dependsOnId: d })),
        );
      const saved = await m.findOneByOrFail(Service, { id: row.id });
      tx.record('service.created', { subjectId: row.id, payload: { ...saved, dependsOn } });
      return saved;
    });
  }

  async update(actor: Actor, raw: UpdateServiceInput): Promise<Service> {
    const input = parseInput(updateSchema, raw, 'input');
    return this.writes.run(actor, async (tx) => {
      const m = tx.manager;
      const current = await m.findOne(Service, { where: { id: input.id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundError('Service', input.id, 'input.id');
      if (input.name && input.name !== current.name && (await m.existsBy(Service, { name: input.name }))) {
        throw new ConflictError(`a service named ${JSON.stringify(input.name)} already exists`, 'input.name');
      }
      const changes = definedOnly({ name: input.name ?? undefined, description: input.description, repository: input.repository, ownerTeam: input.ownerTeam });
      const changed = Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== current[k as keyof Service]);
      if (changed.length) await m.update(Service, { id: input.id }, changes);
      let dependsOn: string[] | undefined;
      if (input.dependsOn) {
        dependsOn = [...new Set(input.dependsOn)];
        if (dependsOn.includes(input.id)) throw new BadUserInputError('input.dependsOn', 'a service cannot depend on itself');
        await assertServicesExist(m, dependsOn, 'input.dependsOn');
        await assertNoCycle(m, input.id, dependsOn);
        changed.push('dependsOn');
        await m.delete(ServiceDependency, { serviceId: input.id });
        if (dependsOn.length)
          await m.insert(
            ServiceDependency,
            dependsOn.map((d) => ({ serviceId: input.id, dependsOnId: d })),
          );
      }
      const saved = await m.findOneByOrFail(Service, { id: input.id });
      if (changed.length) tx.record('service.updated', { subjectId: input.id, payload: { ...saved, ...(dependsOn ? { dependsOn } : {}), changed } });
      return saved;
    });
  }

  /** The service a source names, created (with the source as its origin) when the catalogue does not have it. */
  async ensure(tx: WriteTx, name: string, connectorId: string): Promise<string> {
    const id = `${connectorId}:service:${name}`;
    const inserted = (await tx.manager.query(
      'INSERT INTO service (id, name, origin_connector, origin_entity, origin_id) VALUES ($1, $2, $3, $4, $2) ON CONFLICT DO NOTHING RETURNING id',
      [id, name, connectorId, 'service'],
    )) as unknown[];
    if (inserted.length) tx.record('service.created', { subjectId: id, payload: { id, name } });
    const [row] = (await tx.manager.query('SELECT id FROM service WHERE name = $1', [name])) as Array<{ id: string }>;
    return row!.id;
  }
}

/** NOT_FOUND naming the field when any of `ids` is not a service. */
export async function assertServicesExist(m: EntityManager, ids: readonly string[], field: string): Promise<void> {
  if (!ids.length) return;
  const found = await m.find(Service, { where: { id: In([...ids]) }, select: { id: true } });
  const have = new Set(found.map((s) => s.id));
  const missing = ids.find((id) => !have.has(id));
  if (missing) throw new NotFoundError('Service', missing, field);
}

/** Refuses dependencies that would close a cycle (a target that already depends on `serviceId`). */
async function assertNoCycle(m: EntityManager, serviceId: string, dependsOn: string[]): Promise<void> {
  if (!dependsOn.length) return;
  const rows: Array<{ id: string }> = await m.query(
    `WITH RECURSIVE reach(id) AS (
       SELECT depends_on_id FROM service_dependency WHERE service_id = ANY($1)
       UNION SELECT sd.depends_on_id FROM service_dependency sd JOIN reach r ON sd.service_id = r.id
     ) SELECT id FROM reach WHERE id = $2 LIMIT 1`,
    [dependsOn, serviceId],
  );
  if (rows.length) throw new BadUserInputError('input.dependsOn', 'these dependencies would make a cycle');
}
