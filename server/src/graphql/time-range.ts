import { Field, InputType } from 'type-graphql';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadUserInputError } from '../domain-errors.js';

@InputType({ description: 'A half-open time range [from, to); either end may be left open.' })
export class TimeRange {
  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  to?: Date | null;
}

/** Adds `from <= column < to` to a query; `field` names the filter in errors. */
export function whereInRange<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, column: string, range: TimeRange | null | undefined, field: string): void {
  if (!range) return;
  if (range.from && range.to && range.from > range.to) throw new BadUserInputError(field, '`from` is after `to`');
  const p = column.replace(/\W/g, '_');
  if (range.from) qb.andWhere(`${qb.alias}.${column} >= :${p}from`, { [`${p}from`]: range.from });
  if (range.to) qb.andWhere(`${qb.alias}.${column} < :${p}to`, { [`${p}to`]: range.to });
}
