import { Check, Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { GraphRow } from '../common/graph-row.js';
import { Node } from '../../graphql/node.js';
import { sqlList } from '../../db/sql.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';

export enum PipelineStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(PipelineStatus, { name: 'PipelineStatus' });

export enum GateKind {
  STATIC_ANALYSIS = 'STATIC_ANALYSIS',
  VULNERABILITY_SCAN = 'VULNERABILITY_SCAN',
  TESTS = 'TESTS',
  PERFORMANCE = 'PERFORMANCE',
  OTHER = 'OTHER',
}
registerEnumType(GateKind, { name: 'GateKind' });

export enum GateStatus {
  PENDING = 'PENDING',
  PASSED = 'PASSED',
  FAILED = 'FAILED',
  SKIPPED = 'SKIPPED',
}
registerEnumType(GateStatus, { name: 'GateStatus' });

@ObjectType({ simpleResolvers: true, description: 'A quality gate of a pipeline run (a stage matched by name).' })
export class QualityGate {
  @Field(() => String)
  name!: string;

  @Field(() => GateKind)
  kind!: GateKind;

  @Field(() => GateStatus)
  status!: GateStatus;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A CI/CD pipeline run with its quality gates.' })
@Entity({ name: 'pipeline_run' })
@Unique('pipeline_run_provider_external_key', ['provider', 'externalId'])
@Index('pipeline_run_created_idx', ['createdAt', 'id'])
@Check('pipeline_run_status_check', `"status" IN (${sqlList(Object.values(PipelineStatus))})`)
export class PipelineRun extends GraphRow {
  @Field(() => String, { description: 'github, gitlab, jenkins, ...' })
  @Column({ type: 'text' })
  provider!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  externalId!: string;

  @Field(() => PipelineStatus)
  @Column({ type: 'text' })
  @Index('pipeline_run_status_idx')
  status!: PipelineStatus;

  @Field(() => String, { nullable: true, description: "The provider's own status, unnormalised." })
  @Column({ type: 'text', nullable: true })
  sourceStatus!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  @Index('pipeline_run_commit_sha_idx')
  commitSha!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  ref!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Field(() => [QualityGate])
  @Column({ type: 'jsonb', default: () => "'[]'" })
  gates!: QualityGate[];

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  @Index('pipeline_run_started_at_idx')
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  @Index('pipeline_run_release_idx')
  releaseId!: string | null;

  @ManyToOne(() => Release, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'pipeline_run_release_fk' })
  releaseRow?: Release;

  @Column({ type: 'text', nullable: true })
  @Index('pipeline_run_service_idx')
  serviceId!: string | null;

  @ManyToOne(() => Service, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'pipeline_run_service_fk' })
  serviceRow?: Service;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A build artifact, identified by its digest.' })
@Entity({ name: 'artifact' })
@Unique('artifact_digest_key', ['digest'])
@Index('artifact_created_idx', ['createdAt', 'id'])
export class Artifact extends GraphRow {
  @Field(() => String)
  @Column({ type: 'text' })
  name!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  version!: string;

  @Field(() => String, { description: 'Content digest, e.g. sha256:…' })
  @Column({ type: 'text' })
  digest!: string;

  @Column({ type: 'text', nullable: true })
  @Index('artifact_release_idx')
  releaseId!: string | null;

  @ManyToOne(() => Release, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'artifact_release_fk' })
  releaseRow?: Release;

  @Column({ type: 'text', nullable: true })
  @Index('artifact_service_idx')
  serviceId!: string | null;

  @ManyToOne(() => Service, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'artifact_service_fk' })
  serviceRow?: Service;

  @Column({ type: 'text', nullable: true })
  @Index('artifact_pipeline_run_idx')
  pipelineRunId!: string | null;

  @ManyToOne(() => PipelineRun, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'pipeline_run_id', foreignKeyConstraintName: 'artifact_pipeline_run_fk' })
  pipelineRunRow?: PipelineRun;
}
