import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { Brackets, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { BadUserInputError } from '../domain-errors.js';

@ObjectType({ simpleResolvers: true, description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export const MAX_PAGE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20, description: `Page size, 0 to ${MAX_PAGE}.` })
  first!: number;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** A getter: the count runs only when a client asks for `totalCount`. */
  readonly totalCount: Promise<number>;
}

/** A `<Name>Connection` type with `edges { cursor node }`, `pageInfo` and `totalCount`. */
export function connectionType<T extends object>(name: string, node: ClassType<T>): ClassType<Connection<T>> {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${name} objects, newest first.` })
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many match the filter (costs a count).' })
    totalCount!: Promise<number>;
  }
  return ConnectionType as unknown as ClassType<Connection<T>>;
}

/** Keyset cursor: the row's creation time and id, which never change. */
function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const createdAt = new Date(String(at));
    if (typeof id === 'string' && typeof at === 'string' && !Number.isNaN(createdAt.getTime())) return { createdAt, id };
  } catch {
    // falls through to the typed error
  }
  throw new BadUserInputError('after', 'not a cursor of this list');
}

export function checkPageSize(first: number | null | undefined): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE) throw new BadUserInputError('first', `must be between 0 and ${MAX_PAGE}`);
  return size;
}

/**
 * One page of a filtered query, newest first, by keyset on (created_at, id): stable while rows are
 * added, one statement per page (plus one for `totalCount` when asked).
 */
export async function paginate<T extends ObjectLiteral & { id: string; createdAt: Date }>(
  qb: SelectQueryBuilder<T>,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<T>> {
  const first = checkPageSize(args.first);
  const alias = qb.alias;
  const countQuery = qb.clone();
  if (args.after) {
    const c = decodeCursor(args.after);
    qb.andWhere(
      new Brackets((w) =>
        w
          .where(`${alias}.created_at < :cursorAt`, { cursorAt: c.createdAt })
          .orWhere(`(${alias}.created_at = :cursorAt AND ${alias}.id < :cursorId)`, { cursorId: c.id }),
      ),
    );
  }
  const rows = await qb
    .orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(first + 1)
    .getMany();
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(node.createdAt, node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      return countQuery.getCount();
    },
  };
}
