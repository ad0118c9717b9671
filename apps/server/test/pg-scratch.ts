/** Scratch PostgreSQL databases for tests and benchmarks (no Vitest here: bench/ imports it). */
import type pg from 'pg';

/**
 * Drops a scratch database once its connections are gone. pg's `pool.end()` resolves before its
 * sockets close; terminating a connection that is still closing (`WITH (FORCE)`) makes pg emit an
 * error nobody listens to. So wait for them (≤ 2 s), then force whatever is left.
 */
export async function dropDatabaseWhenIdle(admin: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    if ((rows[0]?.n ?? 0) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
