/**
 * The Redis Streams event log on a real redis-server: the shared EventLog
 * contract (the same cases as the memory log), then what only Redis has:
 * instances sharing one log, the lease fence, reads shared by watchers,
 * Redis going away and coming back, and keys derived from hashes only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CometdLeases } from '../../src/cluster/cometd-lease.js';
import { RedisConnections } from '../../src/cluster/redis-connection.js';
import { LeaseLostError, RedisEventLog } from '../../src/cluster/redis-event-log.js';
import { RedisKeys } from '../../src/cluster/redis-keys.js';
import { silentLogger } from '../../src/logger.js';
import { defineEventLogContract, sampleEvent } from '../events/event-log-contract.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { until } from './support/until.js';

const SECRET = 'a shared secret of at least 32 characters';
let server: RedisServer;
const connections: RedisConnections[] = [];

async function connect(): Promise<RedisConnections> {
  const redis = new RedisConnections({ url: server.url, connectTimeoutMs: 500, commandTimeoutMs: 1_000, logger: silentLogger });
  connections.push(redis);
  await until(() => redis.healthy, 5_000, 'redis ready');
  return redis;
}

let prefixes = 0;
function redisLog(redis: RedisConnections, options: { retentionMs?: number; maxPerUser?: number; prefix?: string; fence?: (u: string) => string | undefined } = {}) {
  const keys = new RedisKeys(options.prefix ?? `t${++prefixes}:`);
  const log = new RedisEventLog({
    redis,
    keys,
    retentionMs: options.retentionMs ?? 60_000,
    maxPerUser: options.maxPerUser ?? 100,
    secret: SECRET,
    logger: silentLogger,
    ...(options.fence ? { fence: options.fence } : {}),
  });
  return { log, keys };
}

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await Promise.allSettled(connections.splice(0).map((c) => c.dispose()));
  await server?.stop();
});

defineEventLogContract('Redis Streams', {
  async create(options) {
    const redis = await connect();
    const { log, keys } = redisLog(redis, options);
    return {
      log,
      // Redis lost everything (a restart without persistence): the same prefix, a new epoch.
      restart: async () => {
        await server.command('FLUSHALL');
        return redisLog(redis, { ...options, prefix: keys.pattern.slice(0, -1) }).log;
      },
    };
  },
});

describe('RedisEventLog across instances', () => {
  it('an append on one instance wakes the watchers of the user on another, which read it at its cursor', async () => {
    const [a, b] = [await connect(), await connect()];
    const onA = redisLog(a, { prefix: 'x1:' }).log;
    const onB = redisLog(b, { prefix: 'x1:' }).log;
    const start = await onB.head('u');
    let woken = 0;
    onB.watch('u', () => woken++);
    await until(async () => (await b.commands.pubsub('NUMSUB', 'x1:u:{u}:ch'))[1] === 1, 2_000, 'subscribed');
    const cursor = await onA.append('u', sampleEvent('from-a'));
    await until(() => woken === 1, 2_000, 'b woken');
    const read = await onB.read('u', start, 10);
    expect(read.entries).toMatchObject([{ kind: 'event', cursor, event: { referenceId: 'from-a' } }]);
    // A cursor taken on A reads on B.
    await onA.append('u', sampleEvent('second'));
    expect((await onB.read('u', cursor, 10)).entries.map((e) => e.kind === 'event' && e.event.referenceId)).toEqual(['second']);
    await onA.dispose();
    await onB.dispose();
  });

  it('one SUBSCRIBE per user and instance, one Redis read for every watcher at the same position', async () => {
    const redis = await connect();
    const { log } = redisLog(redis, { prefix: 'x2:' });
    const head = await log.head('u');
    const stops = Array.from({ length: 50 }, () => log.watch('u', () => undefined));
    expect(log.stats()).toEqual({ users: 1, watchers: 50 });
    expect(redis.channelCount).toBe(1);
    await log.append('u', sampleEvent('e'));
    const scriptCalls = async () => {
      const stats = String(await server.command('INFO', 'commandstats'));
      return Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0) + Number(/cmdstat_eval:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    };
    const before = await scriptCalls();
    const reads = await Promise.all(stops.map(() => log.read('u', head, 10)));
    const after = await scriptCalls();
    expect(new Set(reads).size).toBe(1);
    expect(after - before).toBe(1);
    for (const stop of stops) stop();
    expect(redis.channelCount).toBe(0);
    await log.dispose();
  });

  it('fenced: only the lease holder appends; without the lease a gap is skipped and an event refused', async () => {
    const [a, b] = [await connect(), await connect()];
    const keys = new RedisKeys('x3:');
    const leasesA = new CometdLeases({ redis: a, keys, ttlMs: 5_000, logTtlMs: 60_000 });
    const leasesB = new CometdLeases({ redis: b, keys, ttlMs: 5_000, logTtlMs: 60_000 });
    const onA = redisLog(a, { prefix: 'x3:', fence: (u) => leasesA.heldToken(u) }).log;
    const onB = redisLog(b, { prefix: 'x3:', fence: (u) => leasesB.heldToken(u) }).log;
    const start = await onA.head('u');
    const token = await leasesA.tryAcquire('u');
    expect(token).toBeDefined();
    await onA.append('u', sampleEvent('by-holder'));
    await expect(onB.append('u', sampleEvent('by-other'))).rejects.toBeInstanceOf(LeaseLostError);
    await onB.markGap('u', 'not ours');
    // The holder's lease expires and B takes it: A's token no longer appends, even though A still believes it holds it.
    await server.command('DEL', keys.user('u').lease);
    expect(await leasesB.tryAcquire('u')).toBeDefined();
    expect(leasesA.heldToken('u')).toBe(token);
    await expect(onA.append('u', sampleEvent('stale-holder'))).rejects.toBeInstanceOf(LeaseLostError);
    await onB.append('u', sampleEvent('new-holder'));
    const read = await onA.read('u', start, 10);
    expect(read.entries.map((e) => (e.kind === 'event' ? e.event.referenceId : 'gap'))).toEqual(['by-holder', 'new-holder']);
    await onA.dispose();
    await onB.dispose();
  });

  it('Redis gone: calls fail with UPSTREAM_UNAVAILABLE and watchers are woken to find out; back: the log works again', async () => {
    const redis = await connect();
    const { log } = redisLog(redis, { prefix: 'x4:' });
    const cursor = await log.append('u', sampleEvent('e'));
    let woken = 0;
    log.watch('u', () => woken++);
    await server.kill();
    await until(() => woken >= 1, 5_000, 'watchers woken');
    await expect(log.read('u', cursor, 10)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await expect(log.head('u')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await expect(log.append('u', sampleEvent('lost'))).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await server.restart();
    await until(() => redis.healthy, 10_000, 'reconnected');
    // The restarted Redis kept nothing (no persistence): the old cursor is expired, the log goes on.
    await expect(log.read('u', cursor, 10)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    const head = await log.head('u');
    await log.append('u', sampleEvent('after'));
    expect((await log.read('u', head, 10)).entries).toHaveLength(1);
    await log.dispose();
  });

  it('names keys after the credential hash only', async () => {
    const redis = await connect();
    const { log } = redisLog(redis, { prefix: 'x5:' });
    await log.append('hash-of-credential', sampleEvent('e'));
    expect(await server.command('KEYS', 'x5:*')).toEqual(expect.arrayContaining(['x5:u:{hash-of-credential}:log', 'x5:u:{hash-of-credential}:meta']));
    await log.dispose();
  });
});
