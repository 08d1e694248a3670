import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { GraphRow } from '../common/graph-row.js';
import { Node } from '../../graphql/node.js';
import { sqlList } from '../../db/sql.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';
import { Environment } from '../environments/environment.entity.js';
import { Artifact } from '../pipelines/pipeline.entity.js';

export enum DeploymentStatus {
  PENDING = 'PENDING',
  IN_PROGRESS = 'IN_PROGRESS',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  ROLLED_BACK = 'ROLLED_BACK',
  CANCELLED = 'CANCELLED',
}
registerEnumType(DeploymentStatus, { name: 'DeploymentStatus' });

export enum DeploymentStrategy {
  ROLLING = 'ROLLING',
  BLUE_GREEN = 'BLUE_GREEN',
  CANARY = 'CANARY',
  RECREATE = 'RECREATE',
}
registerEnumType(DeploymentStrategy, { name: 'DeploymentStrategy' });

@ObjectType({ implements: Node, simpleResolvers: true, description: 'One version of one service rolled out to one environment.' })
@Entity({ name: 'deployment' })
@Index('deployment_created_idx', ['createdAt', 'id'])
@Index('deployment_service_environment_idx', ['serviceId', 'environmentId', 'createdAt'])
@Check('deployment_status_check', `"status" IN (${sqlList(Object.values(DeploymentStatus))})`)
@Check('deployment_strategy_check', `"strategy" IN (${sqlList(Object.values(DeploymentStrategy))})`)
@Check('deployment_time_order_check', '"finished_at" >= "started_at"')
export class Deployment extends GraphRow {
  @Column({ type: 'text', nullable: true })
  @Index('deployment_release_idx')
  releaseId!: string | null;

  @ManyToOne(() => Release, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'deployment_release_fk' })
  releaseRow?: Release;

  @Column({ type: 'text' })
  serviceId!: string;

  @ManyToOne(() => Service, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'deployment_service_fk' })
  serviceRow?: Service;

  @Column({ type: 'text' })
  @Index('deployment_environment_idx')
  environmentId!: string;

  @ManyToOne(() => Environment, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'environment_id', foreignKeyConstraintName: 'deployment_environment_fk' })
  environmentRow?: Environment;

  @Column({ type: 'text', nullable: true })
  @Index('deployment_artifact_idx')
  artifactId!: string | null;

  @ManyToOne(() => Artifact, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'artifact_id', foreignKeyConstraintName: 'deployment_artifact_fk' })
  artifactRow?: Artifact;

  @Field(() => String, { description: 'The version deployed (service.version in telemetry).' })
  @Column({ type: 'text' })
  version!: string;

  @Field(() => DeploymentStatus)
  @Column({ type: 'text', default: DeploymentStatus.PENDING })
  @Index('deployment_status_idx')
  status!: DeploymentStatus;

  @Field(() => String, { nullable: true, description: "The source's own status, unnormalised." })
  @Column({ type: 'text', nullable: true })
  sourceStatus!: string | null;

  @Field(() => DeploymentStrategy, { nullable: true })
  @Column({ type: 'text', nullable: true })
  strategy!: DeploymentStrategy | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  @Index('deployment_started_at_idx')
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who or what deployed it.' })
  @Column({ type: 'text', nullable: true })
  deployer!: string | null;
}
