import type { FastifyBaseLogger } from 'fastify';
import { Logger, parseCronItems, type Runner, run, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import type { Platform } from './platform/context.ts';
import type { TaskDefinition } from './platform/events/registry.ts';

function workerLogger(log: FastifyBaseLogger): Logger {
  return new Logger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta };
    if (level === 'error') log.error(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    else log.debug(fields, message);
  });
}

/** Runs the modules' tasks and scheduled jobs from the job queue in PostgreSQL. */
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
  return run({
    pgPool: pool,
    taskList,
    parsedCronItems: parseCronItems(cronItems),
    concurrency: platform.config.workerConcurrency,
    noHandleSignals: true,
    logger: workerLogger(log),
  });
}
