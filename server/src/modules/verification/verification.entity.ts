import { Check, Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { sqlList } from '../../db/sql.js';
import { Node } from '../../graphql/node.js';
import { GraphRow } from '../common/graph-row.js';
import { Deployment } from '../deployments/deployment.entity.js';
import { EnvironmentTier } from '../environments/environment.entity.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';

export enum Comparator {
  LT = 'LT',
  LTE = 'LTE',
  GT = 'GT',
  GTE = 'GTE',
}
registerEnumType(Comparator, { name: 'Comparator', description: 'How the observed value must compare with the threshold to pass.' });

export enum VerdictOutcome {
  PASS = 'PASS',
  FAIL = 'FAIL',
  /** Fewer samples than the criterion's minimum: never a PASS. */
  INCONCLUSIVE = 'INCONCLUSIVE',
}
registerEnumType(VerdictOutcome, { name: 'VerdictOutcome' });

export enum RollbackMode {
  /** The hub rolls the deployment and its release back itself; integrations act on the event. */
  AUTOMATIC = 'AUTOMATIC',
  /** A person decides (acceptRollbackDecision / dismissRollbackDecision). */
  RECOMMENDED = 'RECOMMENDED',
}
registerEnumType(RollbackMode, { name: 'RollbackMode' });

export enum RollbackDecisionStatus {
  RECOMMENDED = 'RECOMMENDED',
  ROLLED_BACK = 'ROLLED_BACK',
  DISMISSED = 'DISMISSED',
}
registerEnumType(RollbackDecisionStatus, { name: 'RollbackDecisionStatus' });

/**
 * What a deployment must show to count as healthy. It applies to the deployments that match all of
 * its scopes: a release, a service, an environment tier (a criterion with none applies everywhere).
 */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A success criterion: metric, comparator and threshold over a window.' })
@Entity({ name: 'success_criterion' })
@Index('success_criterion_created_idx', ['createdAt', 'id'])
@Check('success_criterion_comparator_check', `"comparator" IN (${sqlList(Object.values(Comparator))})`)
@Check('success_criterion_tier_check', `"environment_tier" IN (${sqlList(Object.values(EnvironmentTier))})`)
@Check('success_criterion_window_check', '"window_seconds" > 0 AND "min_samples" >= 1')
export class SuccessCriterion extends GraphRow {
  @Field(() => String, { description: 'error_rate, latency_p50, latency_p95, latency_p99, throughput, or a configured Prometheus KPI.' })
  @Column({ type: 'text' })
  metric!: string;

  @Field(() => Comparator)
  @Column({ type: 'text' })
  comparator!: Comparator;

  @Field(() => Float, { description: 'With relativeToPrevious, a ratio to the previous version (1.2 = 20 % worse allowed for LTE).' })
  @Column({ type: 'double precision' })
  threshold!: number;

  @Field(() => Int, { description: 'The evaluation window, in seconds (never before the deployment started).' })
  @Column({ type: 'integer' })
  windowSeconds!: number;

  @Field(() => Int, { description: 'Fewer samples than this in the window: INCONCLUSIVE.' })
  @Column({ type: 'integer' })
  minSamples!: number;

  @Field(() => Boolean, { description: 'Compare with the previous version of the service over the same window (canary vs baseline).' })
  @Column({ type: 'boolean', default: false })
  relativeToPrevious!: boolean;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'text', nullable: true })
  @Index('success_criterion_release_idx')
  releaseId!: string | null;

  @ManyToOne(() => Release, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'success_criterion_release_fk' })
  releaseRow?: Release;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'text', nullable: true })
  @Index('success_criterion_service_idx')
  serviceId!: string | null;

  @ManyToOne(() => Service, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'success_criterion_service_fk' })
  serviceRow?: Service;

  @Field(() => EnvironmentTier, { nullable: true })
  @Column({ type: 'text', nullable: true })
  environmentTier!: EnvironmentTier | null;
}

/** The latest verdict of one criterion on one deployment (its history is in the event log). */
@ObjectType({ simpleResolvers: true, description: "A criterion's verdict on a deployment, with what was observed." })
@Entity({ name: 'verdict' })
@Unique('verdict_deployment_criterion_key', ['deploymentId', 'criterionId'])
@Check('verdict_outcome_check', `"outcome" IN (${sqlList(Object.values(VerdictOutcome))})`)
export class Verdict extends GraphRow {
  @Column({ type: 'text' })
  deploymentId!: string;

  @ManyToOne(() => Deployment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'deployment_id', foreignKeyConstraintName: 'verdict_deployment_fk' })
  deploymentRow?: Deployment;

  @Column({ type: 'text' })
  @Index('verdict_criterion_idx')
  criterionId!: string;

  @ManyToOne(() => SuccessCriterion, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'criterion_id', foreignKeyConstraintName: 'verdict_criterion_fk' })
  criterionRow?: SuccessCriterion;

  @Field(() => VerdictOutcome)
  @Column({ type: 'text' })
  outcome!: VerdictOutcome;

  @Field(() => Float, { nullable: true, description: 'The metric over the window (null without samples).' })
  @Column({ type: 'double precision', nullable: true })
  observed!: number | null;

  @Field(() => Float, { nullable: true, description: 'The previous version over the same window (relative criteria).' })
  @Column({ type: 'double precision', nullable: true })
  baseline!: number | null;

  @Field(() => Int)
  @Column({ type: 'integer' })
  samples!: number;

  @Field(() => Date)
  @Column({ type: 'timestamptz', precision: 3 })
  evaluatedAt!: Date;
}

/** The hub's decision to roll a deployment back, with why. One per deployment. */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A decision to roll a deployment back, with the criteria that failed.' })
@Entity({ name: 'rollback_decision' })
@Unique('rollback_decision_deployment_key', ['deploymentId'])
@Index('rollback_decision_created_idx', ['createdAt', 'id'])
@Check('rollback_decision_mode_check', `"mode" IN (${sqlList(Object.values(RollbackMode))})`)
@Check('rollback_decision_status_check', `"status" IN (${sqlList(Object.values(RollbackDecisionStatus))})`)
export class RollbackDecision extends GraphRow {
  @Field(() => ID)
  @Column({ type: 'text' })
  deploymentId!: string;

  @ManyToOne(() => Deployment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'deployment_id', foreignKeyConstraintName: 'rollback_decision_deployment_fk' })
  deploymentRow?: Deployment;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'text', nullable: true })
  @Index('rollback_decision_release_idx')
  releaseId!: string | null;

  @ManyToOne(() => Release, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'rollback_decision_release_fk' })
  releaseRow?: Release;

  @Field(() => RollbackMode)
  @Column({ type: 'text' })
  mode!: RollbackMode;

  @Field(() => RollbackDecisionStatus)
  @Column({ type: 'text' })
  status!: RollbackDecisionStatus;

  @Field(() => String, { description: 'Why, in one sentence.' })
  @Column({ type: 'text' })
  reason!: string;

  @Field(() => GraphQLJSON, { description: 'The failed criteria with their observations.' })
  @Column({ type: 'jsonb' })
  evidence!: unknown;

  @Field(() => [String], { description: "The change tickets behind the deployment's release." })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  changeKeys!: string[];

  @Field(() => Date)
  @Column({ type: 'timestamptz', precision: 3 })
  decidedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Who accepted or dismissed a recommendation.' })
  @Column({ type: 'text', nullable: true })
  decidedBy!: string | null;
}
