import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Where each polled stream resumes: written in the same transaction as the records it read. */
@Entity({ name: 'connector_cursor' })
export class ConnectorCursor {
  @PrimaryColumn({ type: 'text' })
  connectorId!: string;

  @PrimaryColumn({ type: 'text' })
  stream!: string;

  @Column({ type: 'text', nullable: true })
  cursor!: string | null;

  /** The newest source timestamp read so far (the connector's lag is now minus this). */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  newestAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt!: Date;
}

/** A connector's health, shared by every hub instance. */
@Entity({ name: 'connector_state' })
export class ConnectorState {
  @PrimaryColumn({ type: 'text' })
  connectorId!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lastSuccessAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lastErrorAt!: Date | null;

  /** Failed polls in a row; the circuit opens at the policy's threshold. */
  @Column({ type: 'integer', default: 0 })
  consecutiveFailures!: number;

  /** While set and in the future, polls are skipped (the circuit is open). */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  circuitOpenUntil!: Date | null;
}

/** A payload that could not be converted or written: kept for inspection and replay, never blocking the ones behind it. */
@Entity({ name: 'dead_letter' })
@Index('dead_letter_connector_idx', ['connectorId', 'failedAt'])
export class DeadLetter {
  /** bigint, read as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  connectorId!: string;

  /** The stream, or `webhook:<event>`. */
  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'text' })
  error!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  failedAt!: Date;

  @Column({ type: 'integer', default: 0 })
  replayAttempts!: number;

  /** Set once a replay wrote the payload's records. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  replayedAt!: Date | null;
}
