import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { until } from '../../../test/helpers/until.ts';
import { createLogger } from '../observability/logger.ts';
import { startLiveness } from './liveness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const LIVENESS_MS = 2000;
const log = createLogger('silent');

/** Adds a job of a task no worker runs, locked by `lockedBy` `lockedSecondsAgo` ago; answers its id. */
async function lockedJob(lockedBy: string, lockedSecondsAgo: number): Promise<string> {
  const { rows } = await t.database.pool.query(
    `select id from graphile_worker.add_job('liveness.test', '{}'::json)`,
  );
  const id = rows[0].id;
  await t.database.pool.query(
    `update graphile_worker._private_jobs
     set locked_by = $2, locked_at = now() - make_interval(secs => $3), attempts = 1 where id = $1`,
    [id, lockedBy, lockedSecondsAgo],
  );
  return id;
}

async function lockOf(jobId: string) {
  const { rows } = await t.database.pool.query('select locked_by from graphile_worker.jobs where id = $1', [
    jobId,
  ]);
  return rows[0].locked_by as string | null;
}

async function processIds() {
  const { rows } = await t.database.pool.query('select id from worker_processes order by id');
  return rows.map((row) => row.id as string);
}

describe('worker liveness', () => {
  it('frees the jobs of dead workers once their lock is older than the liveness period, and only those', async () => {
    await t.database.pool.query(
      `insert into worker_processes (id, worker_ids, heartbeat_at) values
         ('crashed', '{pool-crashed}', now() - interval '1 minute'),
         ('alive', '{pool-alive}', now())`,
    );
    const ofCrashed = await lockedJob('pool-crashed', 60);
    const ofUnregistered = await lockedJob('pool-unregistered', 60);
    const ofAlive = await lockedJob('pool-alive', 60);
    const ofSelf = await lockedJob('pool-self', 60);
    const justLocked = await lockedJob('pool-starting', 0);

    const liveness = await startLiveness(t.platform.db, {
      livenessMs: LIVENESS_MS,
      log,
      workerIds: () => ['pool-self'],
    });
    // the first beat runs at start
    expect(await lockOf(ofCrashed)).toBeNull();
    expect(await lockOf(ofUnregistered)).toBeNull();
    expect(await lockOf(ofAlive)).toBe('pool-alive');
    expect(await lockOf(ofSelf)).toBe('pool-self');
    expect(await lockOf(justLocked)).toBe('pool-starting');
    expect(await processIds()).toEqual(['alive', liveness.id].sort());

    // a freed job is runnable at once, its attempt not counted again
    const { rows } = await t.database.pool.query(
      'select attempts, run_at <= now() as due from graphile_worker.jobs where id = $1',
      [ofCrashed],
    );
    expect(rows[0]).toEqual({ attempts: 1, due: true });

    expect(await liveness.tick()).toEqual([]);
    await t.database.pool.query(
      "update worker_processes set heartbeat_at = now() - interval '1 minute' where id = 'alive'",
    );
    expect(await liveness.tick()).toEqual(['pool-alive']);
    expect(await lockOf(ofAlive)).toBeNull();

    await liveness.stop();
    expect(await processIds()).toEqual([]);
  });

  it('keeps beating while it runs, so no one frees its jobs', async () => {
    const liveness = await startLiveness(t.platform.db, {
      livenessMs: 300,
      log,
      workerIds: () => ['pool-beating'],
    });
    const job = await lockedJob('pool-beating', 60);
    const heartbeat = async () => {
      const { rows } = await t.database.pool.query(
        'select heartbeat_at from worker_processes where id = $1',
        [liveness.id],
      );
      return (rows[0].heartbeat_at as Date).getTime();
    };
    const registered = await heartbeat();
    const other = await startLiveness(t.platform.db, {
      livenessMs: 300,
      log,
      workerIds: () => ['pool-other'],
    });
    // more than a liveness period later, the process has beaten again and its job is still its own
    await until(async () => ((await heartbeat()) > registered + 400 ? true : undefined), 5000);
    expect(await other.tick()).toEqual([]);
    expect(await lockOf(job)).toBe('pool-beating');
    await liveness.stop();
    await other.stop();
  });
});
