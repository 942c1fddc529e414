import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../../src/platform/db/embedded.ts';
import { until } from './until.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MAX_OUTPUT = 20_000;

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves once the process has exited, however it ended. */
  exited: Promise<void>;
  /** What the process wrote to stderr (the tail), for failure messages. */
  output(): string;
  /** Sends `signal` (unless the process has already exited) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

const running = new Set<ServerProcess>();

/**
 * `backroom serve --no-worker` on `databaseUrl`, as its own process so that it can be killed, once it answers
 * /readyz. Every process started here is kept in `running` until it has exited: call `stopAllServers` in
 * afterAll so that none outlives a failed test.
 */
export async function startServerProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/main.ts', 'serve', '--no-worker', '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-MAX_OUTPUT);
  });
  const exited = new Promise<void>((done) => {
    if (hasExited(child)) done();
    else child.once('exit', () => done());
  });
  const server: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    output: () => stderr,
    async stop(signal = 'SIGKILL') {
      if (!hasExited(child)) child.kill(signal);
      await exited;
    },
  };
  running.add(server);
  void exited.then(() => running.delete(server));
  try {
    await until(async () => {
      if (hasExited(child)) throw new Error(`the server exited before it was ready:\n${stderr}`);
      const ready = await fetch(`${server.url}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
      return ready ? true : undefined;
    }, 45_000);
  } catch (error) {
    await server.stop();
    throw new Error(`server on port ${port} did not become ready: ${String(error)}\n${stderr}`);
  }
  return server;
}

/** Kills (SIGKILL) every server process this test file started that is still running, and waits for them. */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop('SIGKILL')));
}

export type HttpOutcome = { status: number; body: any } | { status: 'no answer'; error: string };

/** One JSON request over real HTTP (fetch keeps connections alive); a lost connection is an outcome, not a throw. */
export async function requestJson(
  url: string,
  method: 'GET' | 'POST' | 'PUT',
  headers: Record<string, string>,
  body?: object,
): Promise<HttpOutcome> {
  try {
    const response = await fetch(url, {
      method,
      headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch (error) {
    return { status: 'no answer', error: String((error as Error).cause ?? error) };
  }
}
