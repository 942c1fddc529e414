import { Worker } from 'node:worker_threads';
import type { LoadSummary } from './closed-loop.ts';
import type { LoadSettings } from './settings.ts';

export interface HttpLoadJob {
  /** The URL every request goes to; each answer must have `status` (default 200). */
  url: string;
  headers: Record<string, string>;
  settings: LoadSettings;
  /** GET unless told otherwise; a POST or PUT sends `body` (JSON) with every request. */
  method?: 'GET' | 'POST' | 'PUT';
  body?: string;
  status?: number;
}

/** Slack on top of the phases' own time limits before the load generator is given up on. */
const SLACK_MS = 30_000;

/**
 * Requests `job.url` from `concurrency` keep-alive connections (warm-up, then the measured phase), from a worker
 * thread so that the load generator does not share an event loop with the server it measures.
 */
export function httpLoad(job: HttpLoadJob): Promise<LoadSummary> {
  const worker = new Worker(new URL('./http-load-worker.ts', import.meta.url), { workerData: job });
  const limitMs = job.settings.warmup.durationMs + job.settings.measure.durationMs + SLACK_MS;
  return new Promise<LoadSummary>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the load generator did not finish within ${limitMs} ms`));
      void worker.terminate();
    }, limitMs);
    worker.once('message', (summary: LoadSummary) => resolve(summary));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the load generator exited (code ${code}) without a result`));
    });
  });
}
