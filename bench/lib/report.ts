import type { LoadSummary } from './closed-loop.ts';

/** Progress and details: stderr, so that stdout carries only result lines. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function describe(label: string, s: LoadSummary): string {
  return `${label}: ${s.completed} in ${(s.elapsedMs / 1000).toFixed(2)} s = ${s.perSecond.toFixed(0)}/s, p50 ${s.p50Ms.toFixed(2)} ms, p99 ${s.p99Ms.toFixed(2)} ms`;
}

/** One result line on stdout: { name, value, unit, baseline, ratio } plus latencies. */
export function reportComparison(name: string, value: LoadSummary, baseline: LoadSummary): void {
  const line = {
    name,
    value: round(value.perSecond, 1),
    unit: 'req/s',
    baseline: round(baseline.perSecond, 1),
    ratio: round(value.perSecond / baseline.perSecond, 4),
    p50Ms: round(value.p50Ms, 3),
    p99Ms: round(value.p99Ms, 3),
    baselineP50Ms: round(baseline.p50Ms, 3),
    baselineP99Ms: round(baseline.p99Ms, 3),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** One result line on stdout for a one-off job (an import, a bulk load): { name, value, unit, baseline, ratio }. */
export function reportRate(
  name: string,
  unit: string,
  value: number,
  baseline: number,
  details: Record<string, string | number> = {},
): void {
  const line = {
    name,
    value: round(value, 1),
    unit,
    baseline: round(baseline, 1),
    ratio: round(value / baseline, 4),
    ...details,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
