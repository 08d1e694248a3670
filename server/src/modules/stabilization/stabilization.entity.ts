import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { sqlList } from '../../db/sql.js';
import { Node } from '../../graphql/node.js';
import { GraphRow } from '../common/graph-row.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';

export enum WindowStatus {
  /** Watching: owners on call for the release. */
  OPEN = 'OPEN',
  /** Past its end with problems still open: watched on until they are resolved. */
  EXTENDED = 'EXTENDED',
  /** Closed without open problems: the release is done. */
  STABLE = 'STABLE',
  /** The release was rolled back. */
  ROLLED_BACK = 'ROLLED_BACK',
}
registerEnumType(WindowStatus, { name: 'StabilizationStatus' });

export enum EscalationStatus {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(EscalationStatus, { name: 'EscalationStatus' });

/** The time after a production deployment when named people own a release until it is stable (72 h by default). */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A stabilization window: who owns the release after it reached production, until when.' })
@Entity({ name: 'stabilization_window' })
@Unique('stabilization_window_release_key', ['releaseId'])
@Index('stabilization_window_created_idx', ['createdAt', 'id'])
@Check('stabilization_window_status_check', `"status" IN (${sqlList(Object.values(WindowStatus))})`)
export class StabilizationWindow extends GraphRow {
  @Field(() => ID)
  @Column({ type: 'text' })
  releaseId!: string;

  @ManyToOne(() => Release, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'stabilization_window_release_fk' })
  releaseRow?: Release;

  @Field(() => Date)
  @Column({ type: 'timestamptz', precision: 3 })
  startsAt!: Date;

  @Field(() => Date)
  @Column({ type: 'timestamptz', precision: 3 })
  endsAt!: Date;

  @Field(() => WindowStatus)
  @Column({ type: 'text', default: WindowStatus.OPEN })
  @Index('stabilization_window_status_idx')
  status!: WindowStatus;
}

/** Who owns a service of a release during its window (handoffs replace the owner; the log keeps the history). */
@ObjectType({ description: "A service's owner during a stabilization window." })
@Entity({ name: 'stabilization_owner' })
export class StabilizationOwner {
  @PrimaryColumn({ type: 'text' })
  windowId!: string;

  @ManyToOne(() => StabilizationWindow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'window_id', foreignKeyConstraintName: 'stabilization_owner_window_fk' })
  windowRow?: StabilizationWindow;

  @Field(() => ID)
  @PrimaryColumn({ type: 'text' })
  @Index('stabilization_owner_service_idx')
  serviceId!: string;

  @ManyToOne(() => Service, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'stabilization_owner_service_fk' })
  serviceRow?: Service;

  @Field(() => String)
  @Column({ type: 'text' })
  owner!: string;

  @Field(() => Date)
  @Column({ type: 'timestamptz', precision: 3 })
  since!: Date;
}

/** An anomaly routed to a service's owner, climbing the escalation levels until someone acknowledges it. */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'An anomaly during stabilization, paged to the owner and escalated until acknowledged.' })
@Entity({ name: 'escalation' })
@Index('escalation_window_idx', ['windowId'])
@Index('escalation_due_idx', ['nextEscalationAt'], { where: "status = 'OPEN'" })
@Check('escalation_status_check', `"status" IN (${sqlList(Object.values(EscalationStatus))})`)
export class Escalation extends GraphRow {
  @Field(() => ID)
  @Column({ type: 'text' })
  windowId!: string;

  @ManyToOne(() => StabilizationWindow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'window_id', foreignKeyConstraintName: 'escalation_window_fk' })
  windowRow?: StabilizationWindow;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'text', nullable: true })
  @Index('escalation_service_idx')
  serviceId!: string | null;

  @ManyToOne(() => Service, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'escalation_service_fk' })
  serviceRow?: Service;

  @Field(() => String)
  @Column({ type: 'text' })
  reason!: string;

  @Field(() => Int, { description: '1 = the owner; each unacknowledged interval climbs one level.' })
  @Column({ type: 'integer', default: 1 })
  level!: number;

  @Field(() => String, { description: 'Who is paged at this level.' })
  @Column({ type: 'text' })
  paged!: string;

  @Field(() => EscalationStatus)
  @Column({ type: 'text', default: EscalationStatus.OPEN })
  status!: EscalationStatus;

  @Field(() => Date)
  @Column({ type: 'timestamptz', precision: 3 })
  raisedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it climbs to the next level unless acknowledged.' })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  nextEscalationAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  acknowledgedBy!: string | null;
}
