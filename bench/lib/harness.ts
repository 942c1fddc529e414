import pg from 'pg';
import { startBackroom } from './backroom.ts';
import { startBenchPostgres } from './postgres.ts';
import { log } from './report.ts';

/** What a benchmark has started, each undone by its own function. */
export type Cleanups = (() => Promise<void>)[];

/**
 * Runs a benchmark's `main`, which adds a cleanup for everything it starts; the cleanups run newest first
 * however `main` ends, and a failure is logged and sets the exit code to 1.
 */
export async function runBenchmark(name: string, main: (cleanups: Cleanups) => Promise<void>): Promise<void> {
  const cleanups: Cleanups = [];
  try {
    await main(cleanups);
  } catch (error) {
    log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => log(`shutdown: ${String(error)}`));
    }
  }
}

/** A throwaway PostgreSQL, Backroom on it and a pg client to it (as the owner), all closed by `cleanups`. */
export async function startBenchStack(cleanups: Cleanups) {
  const postgres = await startBenchPostgres();
  cleanups.push(postgres.stop);
  const backroom = await startBackroom(postgres.databaseUrl);
  cleanups.push(backroom.close);
  const client = new pg.Client({ connectionString: postgres.databaseUrl });
  await client.connect();
  cleanups.push(() => client.end());
  return { platform: backroom.platform, client };
}
