import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One point of a KPI series read from a monitoring source (Prometheus query_range). Re-reading a range overwrites, never duplicates. */
@Entity({ name: 'kpi_sample' })
@Index('kpi_sample_at_idx', ['at'])
export class KpiSample {
  @PrimaryColumn({ type: 'text' })
  metric!: string;

  @PrimaryColumn({ type: 'text' })
  service!: string;

  /** '' when the series carries no environment label. */
  @PrimaryColumn({ type: 'text' })
  environment!: string;

  /** '' when the series carries no version label. */
  @PrimaryColumn({ type: 'text' })
  version!: string;

  @PrimaryColumn({ type: 'timestamptz', precision: 3 })
  at!: Date;

  @Column({ type: 'double precision' })
  value!: number;

  @Column({ type: 'text' })
  connectorId!: string;
}
