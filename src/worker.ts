import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { Logger, parseCronItems, type Runner, run, type TaskList, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import type { Config } from './config.ts';
import type { Platform } from './platform/context.ts';
import type { TaskDefinition } from './platform/events/registry.ts';
import { startLiveness } from './platform/jobs/liveness.ts';

function workerLogger(log: FastifyBaseLogger): Logger {
  return new Logger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta };
    if (level === 'error') log.error(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    else log.debug(fields, message);
  });
}

/**
 * A job due later (a webhook retry) is announced to no one when it falls due: workers find it by polling.
 * They poll often enough not to stretch the shortest retry delay much, between every 100 ms and every 2 s.
 */
function pollIntervalMs(config: Config): number {
  const delays = config.webhookRetryScheduleMs.filter((delay) => delay > 0);
  return Math.max(100, Math.min(2000, ...delays));
}

/**
 * Runs the modules' tasks and scheduled jobs from the job queue in PostgreSQL. The process registers the ids
 * its jobs are locked under and heartbeats, so that if it dies another worker frees its jobs within the
 * liveness period (see liveness.ts); stopping the runner also removes the registration.
 */
export async function startWorker(
  platform: Platform,
  pool: pg.Pool,
  tasks: readonly TaskDefinition[],
  log: FastifyBaseLogger,
): Promise<Runner> {
  const taskList: TaskList = Object.fromEntries(
    tasks.map((task) => [task.name, async (payload: unknown) => task.run(platform, payload)]),
  );
  const cronItems = tasks.flatMap((task) =>
    task.schedule
      ? [{ task: task.name, identifier: task.name, match: task.schedule, options: { backfillPeriod: 0 } }]
      : [],
  );
  // Graphile Worker locks jobs under its pool's id (and, in some versions, its workers' ids): track both.
  const lockIds = new Set<string>();
  const events: WorkerEvents = new EventEmitter();
  events.on('pool:create', ({ workerPool }) => lockIds.add(workerPool.id));
  events.on('worker:create', ({ worker }) => lockIds.add(worker.workerId));
  const runner = await run({
    pgPool: pool,
    taskList,
    parsedCronItems: parseCronItems(cronItems),
    concurrency: platform.config.workerConcurrency,
    pollInterval: pollIntervalMs(platform.config),
    noHandleSignals: true,
    logger: workerLogger(log),
    events,
  });
  const liveness = await startLiveness(platform.db, {
    livenessMs: platform.config.workerLivenessMs,
    log,
    workerIds: () => [...lockIds],
  }).catch(async (error: unknown) => {
    await runner.stop();
    throw error;
  });
  let released: Promise<void> | undefined;
  const release = () => {
    released ??= liveness.stop().catch((error: unknown) => {
      log.error({ err: error }, 'could not remove the worker registration');
    });
    return released;
  };
  void runner.promise.then(release, release);
  return {
    ...runner,
    async stop(reason?: string) {
      await runner.stop(reason);
      await release();
    },
    async kill(reason?: string) {
      await runner.kill(reason);
      await release();
    },
  };
}
