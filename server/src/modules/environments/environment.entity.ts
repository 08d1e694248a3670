import { Check, Column, Entity, Index, Unique } from 'typeorm';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { GraphRow } from '../common/graph-row.js';
import { Node } from '../../graphql/node.js';
import { sqlList } from '../../db/sql.js';

export enum EnvironmentTier {
  DEV = 'DEV',
  TEST = 'TEST',
  STAGING = 'STAGING',
  PROD = 'PROD',
}
registerEnumType(EnvironmentTier, { name: 'EnvironmentTier', description: 'How close to customers an environment is.' });

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A place services are deployed to, with its tier.' })
@Entity({ name: 'environment' })
@Unique('environment_name_key', ['name'])
@Index('environment_created_idx', ['createdAt', 'id'])
@Check('environment_tier_check', `"tier" IN (${sqlList(Object.values(EnvironmentTier))})`)
export class Environment extends GraphRow {
  @Field(() => String)
  @Column({ type: 'text' })
  name!: string;

  @Field(() => EnvironmentTier)
  @Column({ type: 'text' })
  @Index('environment_tier_idx')
  tier!: EnvironmentTier;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  region!: string | null;
}
