import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

/**
 * The tamper-evident audit trail: each entry's hash covers its content and the previous entry's
 * hash, so editing or deleting any entry breaks every hash after it.
 */
@ObjectType({ description: 'An entry of the hash-chained audit trail.' })
@Entity({ name: 'audit_entry' })
@Unique('audit_entry_hash_key', ['hash'])
@Index('audit_entry_subject_idx', ['subjectId', 'seq'])
@Index('audit_entry_actor_idx', ['actorId', 'seq'])
@Index('audit_entry_at_idx', ['at'])
@Index('audit_entry_release_idx', ['releaseId', 'seq'])
@Index('audit_entry_change_idx', ['changeId', 'seq'])
export class AuditEntry {
  @Field(() => String, { description: 'Position in the chain (a decimal integer).' })
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Field(() => Date)
  @Column({ type: 'timestamptz', precision: 3 })
  at!: Date;

  @Column({ type: 'text' })
  actorId!: string;

  @Field(() => String, { description: 'Who did it: a token name or a connector id.' })
  @Column({ type: 'text' })
  actor!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  action!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  subjectType!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  subjectId!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column({ type: 'jsonb', nullable: true })
  data!: unknown;

  @Field(() => ID, { nullable: true, description: 'The release the entry concerns (found from its subject when it was written).' })
  @Column({ type: 'text', nullable: true })
  releaseId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The change ticket the entry concerns: a change, or an approval of one.' })
  @Column({ type: 'text', nullable: true })
  changeId!: string | null;

  @Field(() => String)
  @Column({ type: 'text' })
  prevHash!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  hash!: string;
}
