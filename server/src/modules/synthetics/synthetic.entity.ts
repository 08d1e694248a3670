import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Deployment } from '../deployments/deployment.entity.js';

/** One run of a synthetic HTTP check against a deployment. */
@ObjectType({ description: 'A synthetic check run against a deployment (its traceparent makes its trace findable).' })
@Entity({ name: 'synthetic_result' })
@Index('synthetic_result_deployment_idx', ['deploymentId', 'at'])
export class SyntheticResult {
  @Field(() => ID)
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  checkId!: string;

  @Field(() => ID)
  @Column({ type: 'text' })
  deploymentId!: string;

  @ManyToOne(() => Deployment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'deployment_id', foreignKeyConstraintName: 'synthetic_result_deployment_fk' })
  deploymentRow?: Deployment;

  @Field(() => Boolean)
  @Column({ type: 'boolean' })
  ok!: boolean;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'integer', nullable: true })
  status!: number | null;

  @Field(() => Float)
  @Column({ type: 'double precision' })
  durationMs!: number;

  @Field(() => String, { description: 'The trace id sent in the W3C traceparent header.' })
  @Column({ type: 'text' })
  traceId!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Field(() => Date)
  @Column({ type: 'timestamptz', precision: 3 })
  at!: Date;
}
