/**
 * Exponential backoff with full jitter: the n-th delay (from 0) is drawn
 * uniformly from [0, min(maxMs, initialMs * 2^n)). Jitter matters here
 * because every user's session loses GWS at the same moment when a GWS node
 * restarts; without it they would all re-handshake in lockstep.
 */

/** Settings of a {@link Backoff}. */
export interface BackoffOptions {
  /** Upper bound of the first delay. @default 500 */
  initialMs?: number;
  /** Upper bound of any delay. @default 30_000 */
  maxMs?: number;
  /** Source of randomness in [0, 1); replaceable for tests. @default Math.random */
  random?: () => number;
}

/** A counter of consecutive failures that turns into the next delay. */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;
  #failures = 0;

  constructor({ initialMs = 500, maxMs = 30_000, random = Math.random }: BackoffOptions = {}) {
    if (!(initialMs > 0) || !(maxMs >= initialMs)) {
      throw new RangeError(`backoff needs 0 < initialMs <= maxMs (got ${initialMs} / ${maxMs})`);
    }
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
    this.#random = random;
  }

  /** Consecutive failures counted since the last reset. */
  get failures(): number {
    return this.#failures;
  }

  /** The delay before the next attempt, in whole milliseconds; counts one more failure. */
  next(): number {
    const ceiling = this.ceiling();
    this.#failures += 1;
    return Math.floor(this.#random() * ceiling);
  }

  /** The upper bound the next delay is drawn below. */
  ceiling(): number {
    // Capping the exponent keeps 2 ** n finite however long an outage lasts.
    const exponent = Math.min(this.#failures, 52);
    return Math.min(this.#maxMs, this.#initialMs * 2 ** exponent);
  }

  /** Forgets the failures: call after a success. */
  reset(): void {
    this.#failures = 0;
  }
}
