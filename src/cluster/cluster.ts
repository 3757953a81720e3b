/**
 * Everything several instances share, chosen at start-up by REDIS_URL and
 * assembled here: the Redis connections, the user's upstream-session leases,
 * the event log on Redis Streams (fenced by those leases), the shared rate
 * limiters and the persisted-query cache. The rest of the gateway sees only
 * the interfaces these implement (EventLog, UpstreamEventSource,
 * RateLimiterAbstract, KeyValueCache). Nothing here ever stores a credential,
 * a cookie or a CSRF token: user keys are HMACs of the credential.
 */
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { ClusterConfig } from '../config/config.js';
import type { UpstreamEventSource, UpstreamHandlers } from '../events/user-event-stream.js';
import type { Logger } from '../logger.js';
import { useCredentialHashKey } from '../upstream/gws-session.js';
import { CometdLeases } from './cometd-lease.js';
import { leasedEventSources } from './leased-event-source.js';
import { RedisApqCache } from './redis-apq-cache.js';
import { RedisConnections, type RedisHealth } from './redis-connection.js';
import { RedisEventLog } from './redis-event-log.js';
import { RedisKeys } from './redis-keys.js';
import { redisLimiters, type LimiterFactory } from './redis-rate-limiter.js';

export interface ClusterOptions {
  config: ClusterConfig;
  /** EVENT_RETENTION_SECONDS, in ms. */
  retentionMs: number;
  /** EVENT_RETENTION_MAX_PER_USER. */
  maxPerUser: number;
  logger: Logger;
}

export interface Cluster {
  readonly redis: RedisConnections;
  readonly keys: RedisKeys;
  readonly leases: CometdLeases;
  /** The shared event log (appends fenced by this instance's leases). */
  readonly eventLog: RedisEventLog;
  /** Rate limiters in Redis, in memory while it is unreachable. */
  readonly limiters: LimiterFactory;
  /** Wraps the CometD event-source factory: sources open only under the user's lease. */
  leased<U extends { key: string }>(
    inner: (user: U, handlers: UpstreamHandlers) => UpstreamEventSource,
  ): (user: U, handlers: UpstreamHandlers) => UpstreamEventSource;
  /** The APQ cache on Redis. */
  apqCache(options: { ttlSeconds: number; maxValueBytes: number }): KeyValueCache<string>;
  /** For /readyz. */
  health(): Promise<RedisHealth>;
  /** Closes the connections; call after every user session is disposed (so their leases are released first). */
  dispose(): Promise<void>;
}

export function createCluster(options: ClusterOptions): Cluster {
  const { config, logger } = options;
  // Every instance must hash a credential to the same key, or they would not find each other's users.
  useCredentialHashKey(config.credentialHashKey);
  const log = logger.child({ component: 'cluster' });
  const redis = new RedisConnections({
    url: config.redisUrl,
    connectTimeoutMs: config.connectTimeoutMs,
    commandTimeoutMs: config.commandTimeoutMs,
    logger: log,
  });
  const keys = new RedisKeys(config.keyPrefix);
  const logTtlMs = options.retentionMs + 1_000;
  const leases = new CometdLeases({ redis, keys, ttlMs: config.leaseTtlMs, logTtlMs });
  const eventLog = new RedisEventLog({
    redis,
    keys,
    retentionMs: options.retentionMs,
    maxPerUser: options.maxPerUser,
    secret: config.credentialHashKey,
    fence: (userKey) => leases.heldToken(userKey),
    logger: log,
  });
  return {
    redis,
    keys,
    leases,
    eventLog,
    limiters: redisLimiters(redis, keys),
    leased: (inner) =>
      leasedEventSources({ leases, redis, keys, logger: log, markGap: (userKey, reason) => eventLog.markGap(userKey, reason) }, inner),
    apqCache: ({ ttlSeconds, maxValueBytes }) => new RedisApqCache({ redis, prefix: keys.apq, ttlSeconds, maxValueBytes, logger: log }),
    health: () => redis.health(),
    async dispose() {
      await eventLog.dispose();
      await redis.dispose();
    },
  };
}
