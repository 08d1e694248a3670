import type { DataSource } from 'typeorm';

/** The result of work done under a lock another holder had: nothing ran. */
export const SKIPPED = Symbol('skipped: another holder has the lock');

/**
 * Runs `work` while holding a session advisory lock (a number, or a name hashed to one), on a
 * connection of its own so the work's transactions may come and go; skips it at once when another
 * instance (or an earlier round of this one) holds the lock. For work that must run once at a time
 * across hub instances.
 */
export async function whileHolding<T>(db: DataSource, key: number | string, work: () => Promise<T>): Promise<T | typeof SKIPPED> {
  const keySql = typeof key === 'number' ? '$1::bigint' : 'hashtext($1)';
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    const [lock] = (await runner.query(`SELECT pg_try_advisory_lock(${keySql}) AS ok`, [key])) as Array<{ ok: boolean }>;
    if (!lock?.ok) return SKIPPED;
    try {
      return await work();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${keySql})`, [key]);
    }
  } finally {
    await runner.release();
  }
}
