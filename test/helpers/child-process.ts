import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { until } from './until.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MAX_OUTPUT = 20_000;

/** A `backroom` command running as a process of its own, so that a test can kill it. */
export interface BackroomProcess {
  child: ChildProcess;
  /** Resolves once the process has exited, however it ended. */
  exited: Promise<void>;
  /** What the process wrote to stderr (the tail), for failure messages. */
  output(): string;
  /** Sends `signal` (unless the process has already exited) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface BackroomCommand {
  /** The process in failure messages: `server on port 5123`, `worker`. */
  name: string;
  /** The arguments after `src/main.ts`. */
  args: string[];
  databaseUrl: string;
  env: Record<string, string>;
  /** Whether the process is ready yet, from what it wrote to stdout so far (the tail). */
  isReady(stdout: string): boolean | Promise<boolean>;
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * The processes one helper started: each is kept until it has exited, so that `stopAll` (in afterAll) can kill
 * what a failed test left running.
 */
export class BackroomProcesses {
  readonly #running = new Set<BackroomProcess>();

  /** Starts the command and answers once `isReady` holds; kills it and throws if it exits or takes 45 s. */
  async start(command: BackroomCommand): Promise<BackroomProcess> {
    const child = spawn(process.execPath, ['src/main.ts', ...command.args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: command.databaseUrl, LOG_LEVEL: 'error', ...command.env },
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
    const started: BackroomProcess = {
      child,
      exited,
      output: () => stderr,
      async stop(signal = 'SIGKILL') {
        if (!hasExited(child)) child.kill(signal);
        await exited;
      },
    };
    this.#running.add(started);
    void exited.then(() => this.#running.delete(started));
    try {
      await until(async () => {
        if (hasExited(child)) throw new Error(`the ${command.name} exited before it was ready:\n${stderr}`);
        return (await command.isReady(stdout)) ? true : undefined;
      }, 45_000);
    } catch (error) {
      await started.stop();
      throw new Error(`${command.name} did not become ready: ${String(error)}\n${stderr}`);
    }
    return started;
  }

  /** Kills (SIGKILL) every process started here that is still running, and waits for them. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#running].map((started) => started.stop('SIGKILL')));
  }
}
