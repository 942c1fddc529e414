import type { Phase } from './settings.ts';

export interface LoadSummary {
  /** Operations that succeeded. */
  completed: number;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Runs `operation` from `concurrency` loops at once, each starting its next call when the last one ends, until
 * `phase.requests` calls have started or `phase.durationMs` has passed. Stops at the first failure and throws it.
 */
export async function closedLoop(
  concurrency: number,
  phase: Phase,
  operation: () => Promise<void>,
): Promise<LoadSummary> {
  const latencies = new Float64Array(phase.requests);
  let started = 0;
  let completed = 0;
  let failure: unknown;
  const begin = performance.now();
  const deadline = begin + phase.durationMs;
  async function loop(): Promise<void> {
    while (failure === undefined && started < phase.requests && performance.now() < deadline) {
      started += 1;
      const t0 = performance.now();
      try {
        await operation();
      } catch (error) {
        failure ??= error;
        return;
      }
      latencies[completed] = performance.now() - t0;
      completed += 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedMs = performance.now() - begin;
  if (failure !== undefined) throw failure;
  const sorted = latencies.subarray(0, completed).sort();
  return {
    completed,
    elapsedMs,
    perSecond: completed / (elapsedMs / 1000),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}
