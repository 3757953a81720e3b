/** Latency summaries: nearest-rank percentiles over all samples (no sampling, no histogram buckets). */

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const rank = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: n, p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: sorted[n - 1]!, mean: sum / n };
}

/** A number for a table: fixed decimals, or an en dash when not measured. */
export const fmt = (v: number | undefined, digits = 2): string =>
  v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
