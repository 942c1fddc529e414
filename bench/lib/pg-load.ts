import pg from 'pg';
import { closedLoop, type LoadSummary } from './closed-loop.ts';
import type { LoadSettings } from './settings.ts';

/**
 * Runs one query from `concurrency` loops over a pool of as many connections, directly with `pg`: warm-up,
 * then the measured phase. Every call must return exactly `expectedRows` rows (one by default).
 */
export async function pgQueryLoad(
  databaseUrl: string,
  text: string,
  values: unknown[],
  settings: LoadSettings,
  expectedRows = 1,
): Promise<LoadSummary> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: settings.concurrency,
    query_timeout: 10_000,
  });
  pool.on('error', () => {});
  const query = async () => {
    const { rowCount } = await pool.query(text, values);
    if (rowCount !== expectedRows) throw new Error(`expected ${expectedRows} rows, got ${rowCount}: ${text}`);
  };
  try {
    await closedLoop(settings.concurrency, settings.warmup, query);
    return await closedLoop(settings.concurrency, settings.measure, query);
  } finally {
    await pool.end();
  }
}
