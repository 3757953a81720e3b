/**
 * Rate limits (rate-limiter-flexible, in memory; its Redis limiter has the
 * same interface for several instances), behind two small interfaces:
 *
 * - per credential: operations per window, keyed by the credential hash,
 *   never the credential;
 * - per client address: refused credentials per minute. Only refusals count,
 *   so a contact centre whose agents share one NAT address is never limited
 *   by its successful logins.
 */
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { memoryLimiters, type LimiterFactory } from '../cluster/redis-rate-limiter.js';
import { ErrorCode, gatewayError } from '../errors.js';

export interface RateLimit {
  /** Counts one operation; throws RATE_LIMITED when the credential is over its budget. */
  consume(key: string): Promise<void>;
}

/** Refused credentials per client. */
export interface FailureLimit {
  /** Throws RATE_LIMITED when this client has used up its refusals; counts nothing. */
  check(key: string): Promise<void>;
  /** Counts one refused credential of this client. */
  fail(key: string): Promise<void>;
}

function rateLimited(message: string, msBeforeNext: number): Error {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return gatewayError(ErrorCode.RATE_LIMITED, `${message}: retry in ${retryAfterSeconds} s`, {
    retryAfterSeconds,
    http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
  });
}

export function createRateLimit(options: { points: number; windowSeconds: number; onLimited?: () => void; limiters?: LimiterFactory }): RateLimit {
  // In memory, or shared by every instance through Redis (src/cluster) with REDIS_URL.
  const limiter = (options.limiters ?? memoryLimiters)('ops', { points: options.points, duration: options.windowSeconds });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        options.onLimited?.();
        throw rateLimited('Too many operations', error.msBeforeNext);
      }
    },
  };
}

/** At most `failuresPerMinute` refused credentials per client key (an address) per minute. */
export function createFailureLimit(options: {
  failuresPerMinute: number;
  onLimited?: () => void;
  /** Another rate-limiter-flexible limiter with the same settings (e.g. Redis). @default in memory */
  limiter?: RateLimiterAbstract;
}): FailureLimit {
  const points = options.failuresPerMinute;
  const limiter = options.limiter ?? new RateLimiterMemory({ points, duration: 60, keyPrefix: 'auth-failures' });
  return {
    async check(key) {
      const used = await limiter.get(key);
      if (used && used.consumedPoints >= points) {
        options.onLimited?.();
        throw rateLimited('Too many refused credentials from this address', used.msBeforeNext);
      }
    },
    async fail(key) {
      try {
        await limiter.consume(key);
      } catch (error) {
        // Over the budget already: the next check refuses.
        if (!(error instanceof RateLimiterRes)) throw error;
      }
    },
  };
}
