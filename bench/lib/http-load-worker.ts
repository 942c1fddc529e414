import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { closedLoop } from './closed-loop.ts';
import type { HttpLoadJob } from './http-load.ts';

const REQUEST_TIMEOUT_MS = 10_000;

const job = workerData as HttpLoadJob;
const url = new URL(job.url);
const agent = new Agent({ keepAlive: true, maxSockets: job.settings.concurrency });
const method = job.method ?? 'GET';
const expected = job.status ?? 200;
const body = job.body === undefined ? undefined : Buffer.from(job.body);
const headers = body
  ? { ...job.headers, 'content-type': 'application/json', 'content-length': String(body.length) }
  : job.headers;

function send(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode === expected) resolve();
          else
            reject(
              new Error(`${method} ${job.url}: ${res.statusCode} ${Buffer.concat(chunks).toString('utf8')}`),
            );
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${job.url}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

try {
  const { concurrency, warmup, measure } = job.settings;
  await closedLoop(concurrency, warmup, send);
  parentPort?.postMessage(await closedLoop(concurrency, measure, send));
} finally {
  agent.destroy();
}
