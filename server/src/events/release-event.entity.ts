import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The outbox and the log of every state change of the release graph. Written in the same
 * transaction as the change it describes; `id` order is commit order (see write-path.ts).
 */
@Entity({ name: 'release_event' })
@Index('release_event_release_idx', ['releaseId', 'id'])
@Index('release_event_subject_idx', ['subjectId', 'id'])
@Index('release_event_type_idx', ['type', 'id'])
export class ReleaseEventRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt!: Date;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text', nullable: true })
  releaseId!: string | null;

  @Column({ type: 'text' })
  subjectType!: string;

  @Column({ type: 'text' })
  subjectId!: string;

  @Column({ type: 'jsonb', nullable: true })
  payload!: unknown;
}
