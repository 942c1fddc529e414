import { type BackroomProcess, BackroomProcesses } from './child-process.ts';

export type WorkerProcess = BackroomProcess;

const workers = new BackroomProcesses();

/**
 * `backroom worker` on `databaseUrl`, as its own process so that it can be killed, once it says it runs.
 * Call `stopAllWorkers` in afterAll so that none outlives a failed test.
 */
export function startWorkerProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  return workers.start({
    name: 'worker',
    args: ['worker'],
    databaseUrl,
    env,
    isReady: (stdout) => stdout.includes('worker is running'),
  });
}

/** Kills (SIGKILL) every worker process this test file started that is still running. */
export function stopAllWorkers(): Promise<void> {
  return workers.stopAll();
}
