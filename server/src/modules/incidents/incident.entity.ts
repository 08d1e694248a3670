import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { GraphRow } from '../common/graph-row.js';
import { Node } from '../../graphql/node.js';
import { sqlList } from '../../db/sql.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';

export enum IncidentSeverity {
  SEV1 = 'SEV1',
  SEV2 = 'SEV2',
  SEV3 = 'SEV3',
  SEV4 = 'SEV4',
}
registerEnumType(IncidentSeverity, { name: 'IncidentSeverity', description: 'SEV1 is the most severe.' });

export enum IncidentStatus {
  TRIGGERED = 'TRIGGERED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(IncidentStatus, { name: 'IncidentStatus' });

@ObjectType({ implements: Node, simpleResolvers: true, description: 'An incident (PagerDuty, ITSM, or raised by the hub).' })
@Entity({ name: 'incident' })
@Unique('incident_key_key', ['key'])
@Index('incident_created_idx', ['createdAt', 'id'])
@Check('incident_severity_check', `"severity" IN (${sqlList(Object.values(IncidentSeverity))})`)
@Check('incident_status_check', `"status" IN (${sqlList(Object.values(IncidentStatus))})`)
export class Incident extends GraphRow {
  @Field(() => String)
  @Column({ type: 'text' })
  key!: string;

  @Field(() => String)
  @Column({ type: 'text', default: 'api' })
  source!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  title!: string;

  @Field(() => IncidentSeverity)
  @Column({ type: 'text' })
  severity!: IncidentSeverity;

  @Field(() => IncidentStatus)
  @Column({ type: 'text', default: IncidentStatus.TRIGGERED })
  @Index('incident_status_idx')
  status!: IncidentStatus;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  sourceStatus!: string | null;

  @Field(() => Date)
  @Column({ type: 'timestamptz', precision: 3 })
  @Index('incident_opened_at_idx')
  openedAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  resolvedAt!: Date | null;

  @Field(() => [String])
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  traceIds!: string[];

  @Column({ type: 'text', nullable: true })
  @Index('incident_release_idx')
  releaseId!: string | null;

  @ManyToOne(() => Release, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'incident_release_fk' })
  releaseRow?: Release;
}

@Entity({ name: 'incident_service' })
export class IncidentServiceLink {
  @PrimaryColumn({ type: 'text' })
  incidentId!: string;

  @PrimaryColumn({ type: 'text' })
  @Index('incident_service_service_idx')
  serviceId!: string;

  @ManyToOne(() => Incident, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id', foreignKeyConstraintName: 'incident_service_incident_fk' })
  incidentRow?: Incident;

  @ManyToOne(() => Service, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'incident_service_service_fk' })
  serviceRow?: Service;
}
