import type { KpiSampleRecord } from '@releasegraph/connectors';
import type { DataSource } from 'typeorm';
import type { WriteTx } from '../../write/write-path.js';

/** KPI points read by monitoring connectors (Prometheus): the `kpi_sample` table's one writer. */
export class KpiSampleService {
  constructor(
    private readonly db: DataSource,
    /** How long samples are kept. */
    private readonly retentionMs: number,
    /** How far back readers of samples look (SLO windows, criteria windows): samples are kept at least this long. */
    private readonly readWindowMs: () => Promise<number> = () => Promise.resolve(0),
  ) {}

  /** Deletes samples past the retention, never inside the window a reader looks at; returns how many. */
  async sweep(now: Date): Promise<number> {
    const keptMs = Math.max(this.retentionMs, await this.readWindowMs());
    const [, count] = (await this.db.query('DELETE FROM kpi_sample WHERE at < $1', [new Date(now.getTime() - keptMs)])) as [unknown, number];
    return count;
  }

  /** Writes a page of points in one statement; a re-read range overwrites its points. */
  async ingest(tx: WriteTx, all: readonly KpiSampleRecord[], connectorId: string): Promise<void> {
    if (!all.length) return;
    // Two series of a page can land on one point (labels mapped alike): the last one stands.
    const byKey = new Map<string, KpiSampleRecord>();
    for (const s of all) byKey.set(`${s.metric}\u0000${s.service}\u0000${s.environment ?? ''}\u0000${s.version ?? ''}\u0000${s.at.getTime()}`, s);
    const samples = [...byKey.values()];
    await tx.manager.query(
      `INSERT INTO kpi_sample (metric, service, environment, version, at, value, connector_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::float8[], $7::text[])
       ON CONFLICT (metric, service, environment, version, at) DO UPDATE SET value = excluded.value, connector_id = excluded.connector_id`,
      [
        samples.map((s) => s.metric),
        samples.map((s) => s.service),
        samples.map((s) => s.environment ?? ''),
        samples.map((s) => s.version ?? ''),
        samples.map((s) => s.at),
        samples.map((s) => s.value),
        samples.map((s) => s.connector),
      ],
    );
    const series = new Set(samples.map((s) => `${s.metric}|${s.service}|${s.environment ?? ''}|${s.version ?? ''}`));
    tx.record('kpi.sampled', { subjectId: connectorId, payload: { points: samples.length, series: [...series].slice(0, 50) } });
  }
}
