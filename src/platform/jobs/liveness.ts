import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { BaseLogger } from 'pino';
import type { Db } from '../db/database.ts';

/**
 * The job queue frees a job locked by a worker that died only after four hours. Each worker process
 * registers the ids its jobs are locked under and heartbeats; on every beat it also frees the jobs locked
 * under ids of no live process, once their lock is older than the liveness period. A job freed this way runs
 * again, so tasks must tolerate running twice — which they do, since delivery is at least once anyway.
 *
 * These are platform statements: the process table and the job queue belong to no tenant.
 */
export interface Liveness {
  /** The process's id in `worker_processes`. */
  id: string;
  /** One heartbeat and one search for orphaned jobs; answers the job-runner ids whose jobs were freed. */
  tick(): Promise<string[]>;
  /** Stops the heartbeat and removes the process's row. */
  stop(): Promise<void>;
}

export interface LivenessOptions {
  /** A process silent for this long is dead. */
  livenessMs: number;
  log: Pick<BaseLogger, 'warn' | 'error'>;
  /** The ids the process's job runners lock jobs under, read on every beat (runners may come and go). */
  workerIds(): readonly string[];
}

/** Registers this process, runs one beat at once, then one every third of the liveness period. */
export async function startLiveness(db: Db, options: LivenessOptions): Promise<Liveness> {
  const id = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const livenessMs = options.livenessMs;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const tick = async (): Promise<string[]> => {
    await heartbeat(db, id, options.workerIds());
    const freed = await freeOrphanedJobs(db, livenessMs);
    if (freed.length > 0) options.log.warn({ workerIds: freed }, 'freed the jobs of dead workers');
    return freed;
  };
  const beat = () => {
    running = tick()
      .catch((error: unknown) => options.log.error({ err: error }, 'worker heartbeat failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(beat, Math.max(1, Math.floor(livenessMs / 3))).unref();
      });
  };

  await tick();
  timer = setTimeout(beat, Math.max(1, Math.floor(livenessMs / 3))).unref();
  return {
    id,
    tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await db.deleteFrom('workerProcesses').where('id', '=', id).execute();
    },
  };
}

async function heartbeat(db: Db, id: string, workerIds: readonly string[]): Promise<void> {
  await db
    .insertInto('workerProcesses')
    .values({ id, workerIds: [...workerIds], heartbeatAt: sql`now()` })
    .onConflict((oc) => oc.column('id').doUpdateSet({ workerIds: [...workerIds], heartbeatAt: sql`now()` }))
    .execute();
}

/**
 * Removes processes that stopped beating, and frees the jobs locked longer than the liveness period under
 * ids no live process claims. Times are the database's, so hosts' clocks do not matter.
 */
async function freeOrphanedJobs(db: Db, livenessMs: number): Promise<string[]> {
  const silence = sql`now() - make_interval(secs => ${livenessMs / 1000})`;
  const { rows } = await sql<{ workerIds: string[] }>`
    with dead as (
      delete from worker_processes where heartbeat_at < ${silence}
    ),
    orphaned as (
      select array_agg(distinct jobs.locked_by) as worker_ids
      from graphile_worker.jobs
      where jobs.locked_by is not null and jobs.locked_at < ${silence}
        and not exists (
          select from worker_processes as live
          where live.heartbeat_at >= ${silence} and jobs.locked_by = any(live.worker_ids)
        )
    )
    select worker_ids, graphile_worker.force_unlock_workers(worker_ids)
    from orphaned where worker_ids is not null`.execute(db);
  return rows[0]?.workerIds ?? [];
}
