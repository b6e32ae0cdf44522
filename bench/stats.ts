/** Summaries of timed samples, as the results files record them. */

/** Median, minimum and maximum of `samples` (milliseconds). */
export function timing(samples: readonly number[]) {
  if (samples.length === 0) throw new Error("No samples to summarise");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const medianMs = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { runs: samples.length, medianMs, minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]! };
}

/** The 50th and 95th percentiles (nearest rank) and the maximum of `samples` (milliseconds). */
export function percentiles(samples: readonly number[]) {
  if (samples.length === 0) throw new Error("No samples to summarise");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { samples: samples.length, p50Ms: rank(50), p95Ms: rank(95), maxMs: sorted[sorted.length - 1]! };
}
