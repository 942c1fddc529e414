import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { until } from './until.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MAX_OUTPUT = 20_000;

export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<void>;
  /** What the process wrote to stderr (the tail), for failure messages. */
  output(): string;
  /** Sends `signal` (unless the process has already exited) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

const running = new Set<WorkerProcess>();

/**
 * `backroom worker` on `databaseUrl`, as its own process so that it can be killed, once it says it runs.
 * Call `stopAllWorkers` in afterAll so that none outlives a failed test.
 */
export async function startWorkerProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['src/main.ts', 'worker'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString('utf8')).slice(-MAX_OUTPUT);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-MAX_OUTPUT);
  });
  const exited = new Promise<void>((done) => {
    if (hasExited(child)) done();
    else child.once('exit', () => done());
  });
  const worker: WorkerProcess = {
    child,
    exited,
    output: () => stderr,
    async stop(signal = 'SIGKILL') {
      if (!hasExited(child)) child.kill(signal);
      await exited;
    },
  };
  running.add(worker);
  void exited.then(() => running.delete(worker));
  try {
    await until(() => {
      if (hasExited(child)) throw new Error(`the worker exited before it was ready:\n${stderr}`);
      return stdout.includes('worker is running') ? true : undefined;
    }, 45_000);
  } catch (error) {
    await worker.stop();
    throw new Error(`worker did not start: ${String(error)}\n${stderr}`);
  }
  return worker;
}

/** Kills (SIGKILL) every worker process this test file started that is still running. */
export async function stopAllWorkers(): Promise<void> {
  await Promise.all([...running].map((worker) => worker.stop('SIGKILL')));
}
