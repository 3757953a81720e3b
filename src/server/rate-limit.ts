/**
 * Per-credential rate limit (rate-limiter-flexible, in memory; its Redis
 * limiter has the same interface for several instances). Keyed by the
 * credential hash, never the credential.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCode, gatewayError } from '../errors.js';

export interface RateLimit {
  /** Counts one operation; throws RATE_LIMITED when the credential is over its budget. */
  consume(key: string): Promise<void>;
}

export function createRateLimit(options: { points: number; windowSeconds: number; onLimited?: () => void }): RateLimit {
  const limiter = new RateLimiterMemory({ points: options.points, duration: options.windowSeconds });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        options.onLimited?.();
        const retryAfterSeconds = Math.ceil(error.msBeforeNext / 1000);
        throw gatewayError(ErrorCode.RATE_LIMITED, `Too many operations: retry in ${retryAfterSeconds} s`, {
          retryAfterSeconds,
          http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
        });
      }
    },
  };
}
