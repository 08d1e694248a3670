import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { sqlList } from '../../db/sql.js';
import { Node } from '../../graphql/node.js';
import { GraphRow } from '../common/graph-row.js';
import { Environment } from '../environments/environment.entity.js';
import { Service } from '../services/service.entity.js';

export enum SliKind {
  /** Good = requests that did not fail. */
  AVAILABILITY = 'AVAILABILITY',
  /** Good = requests faster than latencyThresholdMs. */
  LATENCY = 'LATENCY',
  /** A monitoring KPI that is a bad fraction (e.g. Prometheus `error_rate`): each sample weighs the same. */
  KPI = 'KPI',
}
registerEnumType(SliKind, { name: 'SliKind' });

/** The longest SLO window: hourly rollups and KPI samples are kept at least this long. */
export const SLO_MAX_WINDOW_DAYS = 90;

/** A service level objective of one service in one environment, measured from the OTLP rollups. */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A service level objective, its SLI measured from the OTLP rollups.' })
@Entity({ name: 'slo' })
@Index('slo_created_idx', ['createdAt', 'id'])
@Check('slo_objective_check', '"objective" > 0 AND "objective" < 1')
@Check('slo_window_check', `"window_days" BETWEEN 1 AND ${SLO_MAX_WINDOW_DAYS}`)
@Check('slo_sli_check', `"sli" IN (${sqlList(Object.values(SliKind))})`)
export class Slo extends GraphRow {
  @Field(() => String)
  @Column({ type: 'text' })
  name!: string;

  @Field(() => ID)
  @Column({ type: 'text' })
  @Index('slo_service_idx')
  serviceId!: string;

  @ManyToOne(() => Service, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'service_id', foreignKeyConstraintName: 'slo_service_fk' })
  serviceRow?: Service;

  @Field(() => ID)
  @Column({ type: 'text' })
  @Index('slo_environment_idx')
  environmentId!: string;

  @ManyToOne(() => Environment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'environment_id', foreignKeyConstraintName: 'slo_environment_fk' })
  environmentRow?: Environment;

  @Field(() => Float, { description: 'e.g. 0.999' })
  @Column({ type: 'double precision' })
  objective!: number;

  @Field(() => Int)
  @Column({ type: 'integer', default: 30 })
  windowDays!: number;

  @Field(() => SliKind)
  @Column({ type: 'text', default: SliKind.AVAILABILITY })
  sli!: SliKind;

  @Field(() => Float, { nullable: true })
  @Column({ type: 'double precision', nullable: true })
  latencyThresholdMs!: number | null;

  @Field(() => String, { nullable: true, description: 'KPI SLIs: the KPI (a bad fraction from 0 to 1) a monitoring connector reports.' })
  @Column({ type: 'text', nullable: true })
  kpiMetric!: string | null;

  /** The burn-rate alerts firing at the last evaluation (to announce a change once). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  firing!: string[];
}
