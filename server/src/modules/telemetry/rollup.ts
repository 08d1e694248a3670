/*
 * Latency buckets of the span rollups: bucket b holds durations up to 0.001 ms · 1.1^b, so any
 * percentile read from the buckets is within 10 % of the true value, from 1 µs up to ~10 hours
 * (bucket 255 holds everything longer).
 */
export const BUCKET_BASE_MS = 0.001;
export const BUCKET_GROWTH = 1.1;
export const BUCKET_COUNT = 256;

/** The bucket of a duration, as a SQL expression over a column of milliseconds. */
export const LATENCY_BUCKET_SQL = (column: string) =>
  `least(${BUCKET_COUNT - 1}, greatest(0, ceil(ln(greatest(${column}, ${BUCKET_BASE_MS}) / ${BUCKET_BASE_MS}) / ln(${BUCKET_GROWTH}))))::int2`;

/** The bucket of a duration (the same rule as the SQL). */
export function latencyBucket(durationMs: number): number {
  const b = Math.ceil(Math.log(Math.max(durationMs, BUCKET_BASE_MS) / BUCKET_BASE_MS) / Math.log(BUCKET_GROWTH));
  return Math.min(BUCKET_COUNT - 1, Math.max(0, b));
}

/** The upper bound of a bucket, in ms. */
export const bucketUpperMs = (bucket: number) => BUCKET_BASE_MS * BUCKET_GROWTH ** bucket;

/**
 * The q-quantile (0..1) of a latency distribution given as bucket counts: the upper bound of the
 * bucket where the cumulative count reaches q of the total. Null when there are no samples.
 */
export function quantileFromBuckets(counts: ReadonlyArray<{ bucket: number; count: number }>, q: number): number | null {
  const sorted = [...counts].sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((sum, c) => sum + c.count, 0);
  if (!total) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const c of sorted) {
    seen += c.count;
    if (seen >= rank) return bucketUpperMs(c.bucket);
  }
  return bucketUpperMs(sorted[sorted.length - 1]!.bucket);
}
