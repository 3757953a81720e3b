/**
 * Rate limiters shared by every instance: rate-limiter-flexible's Redis
 * limiter (one atomic Lua increment per operation), each with an in-memory
 * insurance limiter of the same budget that answers while Redis cannot: the
 * limit then holds per instance instead of across them (N instances admit up
 * to N times the budget until Redis is back), and requests never fail because
 * Redis did.
 */
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisConnections } from './redis-connection.js';
import type { RedisKeys } from './redis-keys.js';

/** The budget of one named limit. */
export interface LimiterSpec {
  points: number;
  /** Window, seconds. */
  duration: number;
  /** Once over the budget, refuse for this long (seconds); 0: only until the window ends. */
  blockDuration?: number;
}

/** Makes the limiter of one named limit (per credential, failed authentications per client, ...). */
export type LimiterFactory = (name: string, spec: LimiterSpec) => RateLimiterAbstract;

/** One process: limits in memory (the default without REDIS_URL). */
export const memoryLimiters: LimiterFactory = (_name, spec) => new RateLimiterMemory(spec);

/** Several instances: limits in Redis, in memory while Redis is unreachable. */
export function redisLimiters(redis: RedisConnections, keys: RedisKeys): LimiterFactory {
  return (name, spec) =>
    new RateLimiterRedis({
      ...spec,
      storeClient: redis.commands,
      keyPrefix: keys.rateLimit(name),
      // Not connected: straight to the insurance limiter, no wait for a timeout.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(spec),
    });
}
