import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { Field, ObjectType } from 'type-graphql';
import { GraphRow } from '../common/graph-row.js';
import { Node } from '../../graphql/node.js';
import { Release } from '../releases/release.entity.js';

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A git commit, linked to changes by the keys in its message.' })
@Entity({ name: 'commit' })
@Unique('commit_repository_sha_key', ['repository', 'sha'])
@Index('commit_created_idx', ['createdAt', 'id'])
export class Commit extends GraphRow {
  @Field(() => String)
  @Column({ type: 'text' })
  @Index('commit_sha_idx')
  sha!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  repository!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  message!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  author!: string | null;

  @Field(() => Date)
  @Column({ type: 'timestamptz', precision: 3 })
  @Index('commit_committed_at_idx')
  committedAt!: Date;

  @Field(() => [String], { description: 'Change keys found in the message, branch or tag (CHG0030001, OPS-123).' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  @Index('commit_change_keys_idx', { synchronize: false }) // GIN, created by hand in the migration
  changeKeys!: string[];
}

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A git tag; linked to a release by version.' })
@Entity({ name: 'git_tag' })
@Unique('git_tag_repository_name_key', ['repository', 'name'])
@Index('git_tag_created_idx', ['createdAt', 'id'])
export class GitTag extends GraphRow {
  @Field(() => String)
  @Column({ type: 'text' })
  name!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  repository!: string;

  @Field(() => String, { nullable: true, description: 'Sha of the tagged commit.' })
  @Column({ type: 'text', nullable: true })
  commitSha!: string | null;

  @Column({ type: 'text', nullable: true })
  @Index('git_tag_release_idx')
  releaseId!: string | null;

  @ManyToOne(() => Release, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'git_tag_release_fk' })
  releaseRow?: Release;
}
