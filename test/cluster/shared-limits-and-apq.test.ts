/** The shared rate limiters and the APQ cache on a real redis-server, seen from two "instances" (two connection sets). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { RedisApqCache } from '../../src/cluster/redis-apq-cache.js';
import { RedisConnections } from '../../src/cluster/redis-connection.js';
import { RedisKeys } from '../../src/cluster/redis-keys.js';
import { redisLimiters } from '../../src/cluster/redis-rate-limiter.js';
import { silentLogger } from '../../src/logger.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { until } from './support/until.js';

describe('shared rate limits and persisted-query cache', () => {
  let server: RedisServer;
  let a: RedisConnections;
  let b: RedisConnections;
  const keys = new RedisKeys('t:');

  beforeAll(async () => {
    server = await startRedisServer();
    const connect = () => new RedisConnections({ url: server.url, connectTimeoutMs: 500, commandTimeoutMs: 500, logger: silentLogger });
    [a, b] = [connect(), connect()];
    await until(() => a.healthy && b.healthy, 5_000, 'connected');
  });
  afterAll(async () => {
    await a?.dispose();
    await b?.dispose();
    await server?.stop();
  });

  const outcome = (p: Promise<unknown>): Promise<'ok' | 'limited'> =>
    p.then(
      () => 'ok' as const,
      (error: unknown) => {
        if (error instanceof RateLimiterRes) return 'limited' as const;
        throw error;
      },
    );

  it('one budget across instances; in memory per instance while Redis is gone; shared again after', async () => {
    const onA = redisLimiters(a, keys)('ops', { points: 3, duration: 60 });
    const onB = redisLimiters(b, keys)('ops', { points: 3, duration: 60 });
    expect(await outcome(onA.consume('user'))).toBe('ok');
    expect(await outcome(onB.consume('user'))).toBe('ok');
    expect(await outcome(onA.consume('user'))).toBe('ok');
    expect(await outcome(onB.consume('user'))).toBe('limited');
    expect(await outcome(onA.consume('other'))).toBe('ok');
    const stored = await server.command('KEYS', 't:rl:*');
    expect(stored).toEqual(expect.arrayContaining(['t:rl:ops:user', 't:rl:ops:other']));

    await server.kill();
    await until(() => !a.healthy, 5_000, 'lost');
    // The insurance limiter answers: the budget holds per instance, nothing throws.
    const down = await Promise.all([1, 2, 3, 4].map(() => outcome(onA.consume('user'))));
    expect(down).toEqual(['ok', 'ok', 'ok', 'limited']);

    await server.restart();
    await until(() => a.healthy && b.healthy, 10_000, 'back');
    expect(await outcome(onB.consume('user'))).toBe('ok');
    expect(await server.command('GET', 't:rl:ops:user')).toBe('1');
  });

  it('a document registered through one instance is found through the other, with a bounded lifetime', async () => {
    const cache = (redis: RedisConnections) =>
      new RedisApqCache({ redis, prefix: keys.apq, ttlSeconds: 600, maxValueBytes: 1_000, logger: silentLogger });
    await cache(a).set('abc123', '{ __typename }', { ttl: null });
    expect(await cache(b).get('abc123')).toBe('{ __typename }');
    const ttl = Number(await server.command('TTL', 't:apq:abc123'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600);
    await cache(a).set('big', 'x'.repeat(1_001));
    expect(await cache(b).get('big')).toBeUndefined();
    expect(await cache(b).delete('abc123')).toBe(true);
    expect(await cache(a).get('abc123')).toBeUndefined();
  });

  it('Redis gone: a get is a miss and a set is skipped, never an error', async () => {
    await server.kill();
    await until(() => !a.healthy, 5_000, 'lost');
    const onA = new RedisApqCache({ redis: a, prefix: keys.apq, ttlSeconds: 600, maxValueBytes: 1_000, logger: silentLogger });
    await expect(onA.set('k', 'v')).resolves.toBeUndefined();
    await expect(onA.get('k')).resolves.toBeUndefined();
    await server.restart();
    await until(() => a.healthy && b.healthy, 10_000, 'back');
  });
});
