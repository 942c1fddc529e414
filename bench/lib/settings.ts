/** BENCH_SMOKE=1: every benchmark runs a tiny size, to check that it works (CI), not to measure. */
export const smoke = process.env.BENCH_SMOKE === '1';

export interface Phase {
  /** Stop after this many operations... */
  requests: number;
  /** ...or after this long, whichever comes first. */
  durationMs: number;
}

export interface LoadSettings {
  concurrency: number;
  warmup: Phase;
  measure: Phase;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}

/** Sizes of a closed-loop load run; BENCH_CONCURRENCY, BENCH_REQUESTS and BENCH_SECONDS override them. */
export function loadSettings(): LoadSettings {
  const concurrency = positiveInt('BENCH_CONCURRENCY', 16);
  if (smoke) {
    return {
      concurrency,
      warmup: { requests: 50, durationMs: 2_000 },
      measure: {
        requests: positiveInt('BENCH_REQUESTS', 300),
        durationMs: positiveInt('BENCH_SECONDS', 5) * 1000,
      },
    };
  }
  return {
    concurrency,
    warmup: { requests: 3_000, durationMs: 3_000 },
    measure: {
      requests: positiveInt('BENCH_REQUESTS', 20_000),
      durationMs: positiveInt('BENCH_SECONDS', 15) * 1000,
    },
  };
}
