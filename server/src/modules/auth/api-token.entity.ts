import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, Unique } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { sqlList } from '../../db/sql.js';
import { ROLES, Role } from './roles.js';

/** An API token; only its SHA-256 hash is stored. */
@ObjectType({ description: 'An API token (its secret is shown once, at creation).' })
@Entity({ name: 'api_token' })
@Unique('api_token_name_key', ['name'])
@Unique('api_token_hash_key', ['tokenHash'])
@Check('api_token_role_check', `"role" IN (${sqlList(ROLES)})`)
export class ApiToken {
  @Field(() => ID)
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  name!: string;

  @Field(() => Role)
  @Column({ type: 'text' })
  role!: Role;

  @Column({ type: 'text' })
  tokenHash!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  createdBy!: string | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revokedAt!: Date | null;
}
