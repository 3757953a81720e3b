/**
 * The long-lived parts of the gateway, created once and passed to resolvers
 * through the context. disposeServices is the last step of shutdown.
 */
import { createCluster, type Cluster } from '../cluster/cluster.js';
import type { GatewayConfig } from '../config/config.js';
import type { EventLog } from '../events/event-log.js';
import { MemoryEventLog } from '../events/memory-event-log.js';
import { UserEventStream, type UpstreamEventSource, type UpstreamHandlers } from '../events/user-event-stream.js';
import type { Logger } from '../logger.js';
import { SubscriptionFanout } from '../fanout/subscription-fanout.js';
import { GatewayMetrics } from '../observability/metrics.js';
import { TrustedProxies } from './client-address.js';
import { createFailureLimit, createRateLimit, type FailureLimit, type RateLimit } from './rate-limit.js';
import { GwsHttpClient } from '../upstream/gws-http-client.js';
import { SessionStore } from '../upstream/session-store.js';
import { UserSession } from '../upstream/user-session.js';

/** Opens a user's upstream event source (their CometD session). */
export type EventSourceFactory = (user: UserSession, handlers: UpstreamHandlers) => UpstreamEventSource;

export interface GatewayServices {
  config: GatewayConfig;
  logger: Logger;
  gws: GwsHttpClient;
  /** Every user's event log: the pairer appends, subscribers, waiters and the catch-up query read. */
  eventLog: EventLog;
  sessions: SessionStore<UserSession>;
  metrics: GatewayMetrics;
  rateLimit: RateLimit;
  /** Refused credentials per client address (AUTH_FAILURES_PER_MINUTE). */
  authFailures: FailureLimit;
  trustedProxies: TrustedProxies;
  /** With REDIS_URL: what the instances share (src/cluster); undefined: everything in this process. */
  cluster: Cluster | undefined;
  /** Subscriptions' executions shared per (user, operation, event), for every transport. */
  fanout: SubscriptionFanout;
}

export function createServices(
  config: GatewayConfig,
  gwsBaseUrl: string,
  logger: Logger,
  openEventSource: (gws: GwsHttpClient, logger: Logger) => EventSourceFactory,
): GatewayServices {
  const metrics = new GatewayMetrics();
  const gws = new GwsHttpClient({
    baseUrl: gwsBaseUrl,
    connectTimeoutMs: config.upstream.connectTimeoutMs,
    timeoutMs: config.upstream.timeoutMs,
    maxResponseBytes: config.upstream.maxResponseBytes,
    logger: logger.child({ component: 'gws-http' }),
    circuitBreaker: config.circuitBreaker,
    onRequestDone: (method, outcome, seconds) => metrics.upstreamDuration.observe({ method, outcome }, seconds),
  });
  const observer = {
    received: () => metrics.eventsReceived.inc(),
    delivered: () => metrics.eventsDelivered.inc(),
    dropped: (n: number) => metrics.eventsDropped.inc(n),
    acknowledgement: (outcome: string, seconds: number) => metrics.ackWait.observe({ outcome }, seconds),
  };
  const cluster = config.cluster
    ? createCluster({ config: config.cluster, retentionMs: config.events.retentionMs, maxPerUser: config.events.retentionMaxPerUser, logger })
    : undefined;
  const eventLog: EventLog = cluster?.eventLog ?? new MemoryEventLog({ retentionMs: config.events.retentionMs, maxPerUser: config.events.retentionMaxPerUser });
  // With REDIS_URL a user's CometD session opens only on the instance holding the user's lease.
  const ownSource = openEventSource(gws, logger);
  const openSource = cluster ? cluster.leased(ownSource) : ownSource;
  const sessions = new SessionStore<UserSession>({
    max: config.sessions.max,
    idleTtlMs: config.sessions.idleTtlMs,
    maxPending: config.sessions.maxPendingVerifications,
    // A credential gets a session only once GWS accepted it (GET /api/v2/me answered 200).
    verify: (user) => gws.ensureSession(user.gws),
    create: (authorization) =>
      new UserSession(
        authorization,
        (user) =>
          new UserEventStream({
            userKey: user.key,
            log: eventLog,
            openSource: (handlers) => openSource(user, handlers),
            pairingWindowMs: config.events.pairingWindowMs,
            idleGraceMs: config.events.cometdIdleGraceMs,
            stallNoticeMs: config.events.cometdStallNoticeMs,
            subscriberQueueMax: config.events.subscriberQueueMax,
            logger: logger.child({ component: 'events' }),
            observer,
          }),
        config.events.ackTimeoutMs,
      ),
  });
  metrics.attach({
    sessions: () => {
      let subscriptions = 0;
      const cometdByState: Record<string, number> = {};
      for (const user of sessions.values()) {
        const status = user.eventStreamStatus();
        subscriptions += status.subscribers;
        if (status.state !== 'IDLE') cometdByState[status.state] = (cometdByState[status.state] ?? 0) + 1;
      }
      return { subscriptions, cometdByState };
    },
  });
  const rateLimit = createRateLimit({
    points: config.limits.rateLimitPoints,
    windowSeconds: config.limits.rateLimitWindowSeconds,
    onLimited: () => metrics.rateLimited.inc(),
    ...(cluster ? { limiters: cluster.limiters } : {}),
  });
  const authFailures = createFailureLimit({
    failuresPerMinute: config.clients.authFailuresPerMinute,
    onLimited: () => metrics.rateLimited.inc(),
    // Shared by every instance with REDIS_URL, like the per-credential limit.
    ...(cluster ? { limiter: cluster.limiters('auth-failures', { points: config.clients.authFailuresPerMinute, duration: 60 }) } : {}),
  });
  const trustedProxies = new TrustedProxies(config.clients.trustedProxies);
  return { config, logger, gws, eventLog, sessions, metrics, rateLimit, authFailures, trustedProxies, cluster, fanout: new SubscriptionFanout() };
}

export async function disposeServices(services: GatewayServices): Promise<void> {
  await services.sessions.clear();
  await services.eventLog.dispose();
  // Last: the sessions released their leases through these connections.
  await services.cluster?.dispose();
  services.gws.dispose();
}
