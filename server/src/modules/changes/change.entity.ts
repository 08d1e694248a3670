import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { GraphRow } from '../common/graph-row.js';
import { Node } from '../../graphql/node.js';
import { sqlList } from '../../db/sql.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';

export enum ChangeType {
  STANDARD = 'STANDARD',
  NORMAL = 'NORMAL',
  EMERGENCY = 'EMERGENCY',
}
registerEnumType(ChangeType, { name: 'ChangeType', description: 'ITIL change type.' });

export enum ChangeRisk {
  LOW = 'LOW',
  MODERATE = 'MODERATE',
  HIGH = 'HIGH',
  VERY_HIGH = 'VERY_HIGH',
}
registerEnumType(ChangeRisk, { name: 'ChangeRisk' });

/** Normalised change state; the source's own state stays in `sourceState`. */
export enum ChangeState {
  NEW = 'NEW',
  ASSESS = 'ASSESS',
  AUTHORIZE = 'AUTHORIZE',
  SCHEDULED = 'SCHEDULED',
  IMPLEMENT = 'IMPLEMENT',
  REVIEW = 'REVIEW',
  CLOSED = 'CLOSED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ChangeState, { name: 'ChangeState' });

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A change ticket (ServiceNow change_request, Jira issue, or API).' })
@Entity({ name: 'change' })
@Unique('change_key_key', ['key'])
@Index('change_created_idx', ['createdAt', 'id'])
@Check('change_type_check', `"type" IN (${sqlList(Object.values(ChangeType))})`)
@Check('change_risk_check', `"risk" IN (${sqlList(Object.values(ChangeRisk))})`)
@Check('change_state_check', `"state" IN (${sqlList(Object.values(ChangeState))})`)
@Check('change_window_order_check', '"window_end" >= "window_start"')
export class Change extends GraphRow {
  @Field(() => String, { description: 'Ticket key, e.g. CHG0030001 or OPS-123.' })
  @Column({ type: 'text' })
  key!: string;

  @Field(() => String, { description: 'The system the ticket lives in (servicenow, jira, api).' })
  @Column({ type: 'text', default: 'api' })
  source!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  title!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => ChangeType)
  @Column({ type: 'text', default: ChangeType.NORMAL })
  type!: ChangeType;

  @Field(() => ChangeRisk, { nullable: true })
  @Column({ type: 'text', nullable: true })
  risk!: ChangeRisk | null;

  @Field(() => ChangeState)
  @Column({ type: 'text', default: ChangeState.NEW })
  @Index('change_state_idx')
  state!: ChangeState;

  @Field(() => String, { nullable: true, description: "The source system's own state, unnormalised." })
  @Column({ type: 'text', nullable: true })
  sourceState!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  rollbackPlan!: string | null;

  @Field(() => String, { nullable: true, description: 'When to roll back (measurable criteria).' })
  @Column({ type: 'text', nullable: true })
  rollbackCriteria!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  @Index('change_window_start_idx')
  windowStart!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  windowEnd!: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  requestedBy!: string | null;

  @Column({ type: 'text', nullable: true })
  @Index('change_release_idx')
  releaseId!: string | null;

  @ManyToOne(() => Release, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'change_release_fk' })
  releaseRow?: Release;
}

@Entity({ name: 'change_service' })
export class ChangeServiceLink {
  @PrimaryColumn({ type: 'text' })
  changeId!: string;

  @PrimaryColumn({ type: 'text' })
  @Index('change_service_service_idx')
  serviceId!: string;

  @ManyToOne(() => Change, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'change_id', foreignKeyConstraintName: 'change_service_change_fk' })
  changeRow?: Change;

  @ManyToOne(() => Service, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'change_service_service_fk' })
  serviceRow?: Service;
}

export enum ApprovalDecision {
  REQUESTED = 'REQUESTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(ApprovalDecision, { name: 'ApprovalDecision' });

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A CAB or peer approval of a change.' })
@Entity({ name: 'approval' })
@Check('approval_decision_check', `"decision" IN (${sqlList(Object.values(ApprovalDecision))})`)
export class Approval extends GraphRow {
  @Column({ type: 'text' })
  @Index('approval_change_idx')
  changeId!: string;

  @ManyToOne(() => Change, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'change_id', foreignKeyConstraintName: 'approval_change_fk' })
  changeRow?: Change;

  @Field(() => String)
  @Column({ type: 'text' })
  approver!: string;

  @Field(() => ApprovalDecision)
  @Column({ type: 'text', default: ApprovalDecision.REQUESTED })
  decision!: ApprovalDecision;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  comment!: string | null;
}
