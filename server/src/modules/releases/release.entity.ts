import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Service } from '../services/service.entity.js';
import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { GraphRow } from '../common/graph-row.js';
import { Node } from '../../graphql/node.js';
import { sqlList } from '../../db/sql.js';

export enum ReleaseStatus {
  PLANNED = 'PLANNED',
  SCHEDULED = 'SCHEDULED',
  DEPLOYING = 'DEPLOYING',
  STABILIZING = 'STABILIZING',
  DONE = 'DONE',
  ROLLED_BACK = 'ROLLED_BACK',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ReleaseStatus, { name: 'ReleaseStatus' });

export enum Priority {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}
registerEnumType(Priority, { name: 'Priority' });

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A release: the unit the hub follows from plan to stable.' })
@Entity({ name: 'release' })
@Unique('release_name_version_key', ['name', 'version'])
@Index('release_created_idx', ['createdAt', 'id'])
@Index('release_status_created_idx', ['status', 'createdAt', 'id'])
@Check('release_status_check', `"status" IN (${sqlList(Object.values(ReleaseStatus))})`)
@Check('release_priority_check', `"priority" IN (${sqlList(Object.values(Priority))})`)
@Check('release_planned_order_check', '"planned_end" >= "planned_start"')
export class Release extends GraphRow {
  @Field(() => String)
  @Column({ type: 'text' })
  name!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  version!: string;

  @Field(() => ReleaseStatus)
  @Column({ type: 'text', default: ReleaseStatus.PLANNED })
  status!: ReleaseStatus;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  @Index('release_planned_start_idx')
  plannedStart!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  plannedEnd!: Date | null;

  @Field(() => String, { description: 'IANA time zone the release is planned in (e.g. Europe/Berlin).' })
  @Column({ type: 'text', default: 'UTC' })
  timezone!: string;

  @Field(() => Priority, { nullable: true })
  @Column({ type: 'text', nullable: true })
  priority!: Priority | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  regulatoryDeadline!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Revenue at stake (in the organisation currency).' })
  @Column({ type: 'double precision', nullable: true })
  revenueImpact!: number | null;

  @Field(() => String, { nullable: true, description: 'Actor who created the release.' })
  @Column({ type: 'text', nullable: true })
  createdBy!: string | null;
}

@Entity({ name: 'release_service' })
export class ReleaseServiceLink {
  @PrimaryColumn({ type: 'text' })
  releaseId!: string;

  @PrimaryColumn({ type: 'text' })
  @Index('release_service_service_idx')
  serviceId!: string;

  @ManyToOne(() => Release, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'release_service_release_fk' })
  releaseRow?: Release;

  @ManyToOne(() => Service, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'release_service_service_fk' })
  serviceRow?: Service;
}
