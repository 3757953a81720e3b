/** The gateway's Redis connections against a real redis-server: fail fast while it is gone, recover by themselves. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnections } from '../../src/cluster/redis-connection.js';
import { silentLogger } from '../../src/logger.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { until } from './support/until.js';

describe('RedisConnections', () => {
  let redis: RedisServer;
  let connections: RedisConnections;

  beforeAll(async () => {
    redis = await startRedisServer();
    connections = new RedisConnections({ url: redis.url, connectTimeoutMs: 500, commandTimeoutMs: 500, logger: silentLogger });
    await until(() => connections.healthy, 5_000, 'connected');
  });
  afterAll(async () => {
    await connections?.dispose();
    await redis?.stop();
  });

  it('answers health with a PING and delivers pub/sub messages', async () => {
    expect(await connections.health()).toEqual({ reachable: true });
    const got: string[] = [];
    const stop = connections.listen('t:one', (_channel, message) => got.push(message));
    await until(async () => (await connections.commands.publish('t:one', 'hello')) === 1, 2_000, 'subscribed');
    await until(() => got.includes('hello'), 2_000, 'message');
    stop();
    await until(async () => (await connections.commands.publish('t:one', 'again')) === 0, 2_000, 'unsubscribed');
  });

  it('fails commands at once while Redis is gone (no offline queue) and recovers without help, channels included', async () => {
    const got: string[] = [];
    connections.listen('t:two', (_channel, message) => got.push(message));
    await until(async () => (await connections.commands.publish('t:two', 'before')) === 1, 2_000, 'subscribed');
    const health: boolean[] = [];
    connections.onHealthChange((healthy) => health.push(healthy));

    await redis.kill();
    await until(() => !connections.healthy, 5_000, 'noticed the loss');
    expect(await connections.health()).toMatchObject({ reachable: false });
    // Refused by the client at once, not queued until a timeout.
    await expect(connections.commands.set('k', 'v')).rejects.toThrow(/enableOfflineQueue/);

    await redis.restart();
    await until(() => connections.healthy, 10_000, 'reconnected');
    expect(health).toEqual([false, true]);
    await until(async () => (await connections.commands.publish('t:two', 'after')) === 1, 5_000, 're-subscribed');
    await until(() => got.includes('after'), 2_000, 'message after recovery');
  });
});
