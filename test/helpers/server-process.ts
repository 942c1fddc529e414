import { freePort } from '../../src/platform/db/embedded.ts';
import { type BackroomProcess, BackroomProcesses } from './child-process.ts';

export interface ServerProcess extends BackroomProcess {
  url: string;
}

const servers = new BackroomProcesses();

/**
 * `backroom serve --no-worker` on `databaseUrl`, as its own process so that it can be killed, once it answers
 * /readyz. Call `stopAllServers` in afterAll so that none outlives a failed test.
 */
export async function startServerProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await servers.start({
    name: `server on port ${port}`,
    args: ['serve', '--no-worker', '--port', String(port)],
    databaseUrl,
    env,
    isReady: () =>
      fetch(`${url}/readyz`).then(
        (response) => response.ok,
        () => false,
      ),
  });
  return { ...server, url };
}

/** Kills (SIGKILL) every server process this test file started that is still running, and waits for them. */
export function stopAllServers(): Promise<void> {
  return servers.stopAll();
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
