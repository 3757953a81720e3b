/**
 * A wall clock with sub-millisecond resolution that two processes on the same
 * machine can compare: the simulator stamps an event when it publishes it, the
 * load generator when a subscriber receives it. Date.now() has only 1 ms
 * resolution, too coarse for sub-millisecond percentiles.
 */

/** Milliseconds since the epoch, fractional. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/**
 * Estimates `remote clock - local clock` from ping samples (local send time,
 * remote stamp, local receive time): the sample with the shortest round trip
 * bounds the error by half of that round trip.
 */
export function clockOffset(samples: readonly { sentAt: number; remoteAt: number; receivedAt: number }[]): {
  offsetMs: number;
  errorMs: number;
} {
  let best = samples[0];
  if (!best) throw new Error('clockOffset: no samples');
  for (const s of samples) if (s.receivedAt - s.sentAt < best.receivedAt - best.sentAt) best = s;
  return { offsetMs: best.remoteAt - (best.sentAt + best.receivedAt) / 2, errorMs: (best.receivedAt - best.sentAt) / 2 };
}
