/**
 * The lease on a user's upstream session, on a real redis-server, with two
 * "instances" (each its own connections and leases). The upstream sessions
 * here are counting stand-ins of our own UpstreamEventSource interface; the
 * real CometD sessions are counted at the simulator in cluster.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CometdLeases } from '../../src/cluster/cometd-lease.js';
import { leasedEventSources } from '../../src/cluster/leased-event-source.js';
import { RedisConnections } from '../../src/cluster/redis-connection.js';
import { RedisKeys } from '../../src/cluster/redis-keys.js';
import type { UpstreamEventSource, UpstreamHandlers, UpstreamState } from '../../src/events/user-event-stream.js';
import { silentLogger } from '../../src/logger.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { until } from './support/until.js';

const TTL = 1_000;

interface Instance {
  name: string;
  redis: RedisConnections;
  leases: CometdLeases;
  open: number;
  gaps: string[];
  source(userKey: string): UpstreamEventSource;
}

describe('CometD session lease', () => {
  let server: RedisServer;
  const instances: Instance[] = [];
  const sources: UpstreamEventSource[] = [];
  let live = 0; // upstream sessions open across both instances now
  let maxLive = 0;

  const instance = async (name: string, ttlMs = TTL): Promise<Instance> => {
    const redis = new RedisConnections({ url: server.url, connectTimeoutMs: 500, commandTimeoutMs: 500, logger: silentLogger });
    await until(() => redis.healthy, 5_000, 'redis ready');
    const keys = new RedisKeys('t:');
    const leases = new CometdLeases({ redis, keys, ttlMs, logTtlMs: 60_000 });
    const self: Instance = {
      name,
      redis,
      leases,
      open: 0,
      gaps: [],
      source: (userKey) => {
        const factory = leasedEventSources<{ key: string }>(
          { leases, redis, keys, logger: silentLogger, markGap: async (_user, reason) => void self.gaps.push(reason) },
          (_user, handlers: UpstreamHandlers) => {
            let state: UpstreamState = 'connecting';
            let open = false;
            return {
              get state() {
                return state;
              },
              async start() {
                open = true;
                self.open++;
                maxLive = Math.max(maxLive, ++live);
                state = 'connected';
                handlers.onStateChange('connected');
              },
              async dispose() {
                if (!open) return;
                open = false;
                self.open--;
                live--;
                state = 'closed';
              },
            };
          },
        );
        const source = factory({ key: userKey }, { onMessage: () => undefined, onStateChange: () => undefined });
        sources.push(source);
        return source;
      },
    };
    instances.push(self);
    return self;
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.allSettled(sources.splice(0).map((s) => s.dispose()));
    await Promise.allSettled(instances.splice(0).map((i) => i.redis.dispose()));
    live = 0;
    maxLive = 0;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('opens one upstream session per user across instances; the standby starts once the holder is connected', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const onA = a.source('user-1');
    const onB = b.source('user-1');
    await Promise.all([onA.start(), onB.start()]);
    expect(a.open + b.open).toBe(1);
    expect(onA.state).toBe('connected');
    expect(onB.state).toBe('connected');
    // Another user is independent.
    const other = b.source('user-2');
    await other.start();
    expect(b.open + a.open).toBe(2);
    expect(maxLive).toBe(2);
  });

  it('a released lease is taken over at once, with a gap, and never two sessions at a time', async () => {
    // A lease of 60 s: b can only take over within the wait below on the release notice.
    const [a, b] = [await instance('a', 60_000), await instance('b', 60_000)];
    const onA = a.source('user-1');
    await onA.start();
    const onB = b.source('user-1');
    await onB.start();
    expect(b.open).toBe(0);
    await onA.dispose();
    await until(() => b.open === 1, 5_000, 'b took over');
    expect(b.gaps).toHaveLength(1);
    expect(maxLive).toBe(1);
  });

  it('a dead holder (no release, no renewal) is taken over once its lease expires', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const onA = a.source('user-1');
    await onA.start();
    const onB = b.source('user-1');
    await onB.start();
    // A "dies": its connections drop without a word, so it neither renews nor releases.
    a.redis.commands.disconnect();
    const died = Date.now();
    await until(() => b.open === 1, 5_000, 'b took over');
    expect(Date.now() - died).toBeGreaterThanOrEqual(TTL * 0.5);
    // A noticed it could not renew, and closed its own session before the lease could be anyone else's.
    await until(() => a.open === 0, 5_000, 'a closed its session');
    expect(b.gaps).toHaveLength(1);
    expect(maxLive).toBe(1);
  });

  it('a standby whose view of the holder went stale (a notice lost, or overtaken by an older read) catches up on its next tick', async () => {
    // The bench's two-instance run: the standby's state read (commands connection) answered "connecting" after the
    // holder's "connected" notice (subscriber connection) had arrived; the standby never asked again, and the user's
    // event stream ended its subscribers with the stall notice 30 s later although events flowed.
    const [a, b] = [await instance('a'), await instance('b')];
    const onA = a.source('user-1');
    await onA.start();
    const onB = b.source('user-1');
    await onB.start();
    expect(onB.state).toBe('connected');
    // A stale "connecting" reaches the standby; Redis itself says the holder is connected, and no notice follows.
    await server.command('PUBLISH', 't:u:{user-1}:ch', 's connecting');
    await until(() => onB.state === 'connecting', 2_000, 'the stale notice arrived');
    await until(() => onB.state === 'connected', TTL * 2, 'the standby asked again and saw the holder connected');
  });

  it('fences: a token whose lease expired can neither renew nor release its successor', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const token = await a.leases.tryAcquire('user-9');
    expect(token).toBeDefined();
    expect(await b.leases.tryAcquire('user-9')).toBeUndefined();
    await server.command('PEXPIRE', 't:u:{user-9}:lease', '1');
    await until(async () => (await b.leases.tryAcquire('user-9')) !== undefined, 2_000, 'b acquired');
    expect(await a.leases.renew('user-9', token!)).toBe(false);
    expect(a.leases.heldToken('user-9')).toBeUndefined();
    await a.leases.release('user-9', token!);
    expect(await b.leases.holder('user-9')).toMatchObject({ held: true });
  });
});
