import { Logger, runMigrations as runJobQueueMigrations } from 'graphile-worker';
import { type MigrationResult, Migrator } from 'kysely';
import type pg from 'pg';
import { migrations } from '../../migrations/index.ts';
import type { Db } from './database.ts';

const silentLogger = new Logger(() => () => {});

// Any constant shared by every Backroom process: the key of the session-level advisory lock held while migrating.
const MIGRATION_LOCK_KEY = 7_305_524_181;

export interface MigrationOutcome {
  applied: string[];
}

/**
 * Brings the database to the latest schema: Backroom's own migrations, then the job queue's. Runs under one
 * advisory lock, so servers that start together take turns and the later ones find nothing left to do.
 */
export async function migrateToLatest(db: Db, pool: pg.Pool): Promise<MigrationOutcome> {
  const lockClient = await pool.connect();
  try {
    await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    await runJobQueueMigrations({ pgPool: pool, logger: silentLogger });
    return { applied: (results ?? []).filter(isApplied).map((r) => r.migrationName) };
  } finally {
    await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    lockClient.release();
  }
}

function isApplied(result: MigrationResult): boolean {
  return result.status === 'Success';
}
