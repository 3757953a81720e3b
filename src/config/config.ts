/**
 * The gateway's configuration: one validated object read from the environment
 * (and an optional .env file). A wrong value stops start-up with the variable
 * named. Every variable here is documented in the README with its default.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { isProxyEntry } from '../server/client-address.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x.length > 0));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GWS_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  GWS_SIMULATOR: bool.optional(),
  SIMULATOR_PORT: int(0, 65535).default(0),
  SIMULATOR_RECEIVED_MAX: int(0, 1_000_000).default(1_000),
  UPSTREAM_CONNECT_TIMEOUT_MS: int(1, 600_000).default(3_000),
  UPSTREAM_TIMEOUT_MS: int(1, 600_000).default(10_000),
  UPSTREAM_MAX_RESPONSE_BYTES: int(1_024, 1_073_741_824).default(1_048_576),
  SESSION_CACHE_MAX: int(1, 1_000_000).default(10_000),
  SESSION_IDLE_TTL_MS: int(1_000, 86_400_000).default(30 * 60_000),
  SESSION_VERIFY_MAX_PENDING: int(1, 100_000).default(100),
  AUTH_FAILURES_PER_MINUTE: int(1, 1_000_000).default(20),
  TRUSTED_PROXIES: csv.refine((list) => list.every(isProxyEntry), 'each entry must be an IP address or a CIDR block').default([]),
  ACK_TIMEOUT_MS: int(1, 600_000).default(10_000),
  EVENT_PAIRING_WINDOW_MS: int(0, 60_000).default(300),
  SUBSCRIBER_QUEUE_MAX: int(1, 1_000_000).default(1_000),
  EVENT_RETENTION_SECONDS: int(1, 86_400).default(300),
  EVENT_RETENTION_MAX_PER_USER: int(1, 1_000_000).default(1_000),
  COMETD_IDLE_GRACE_MS: int(0, 86_400_000).optional(),
  COMETD_BACKOFF_INITIAL_MS: int(1, 600_000).default(500),
  COMETD_BACKOFF_MAX_MS: int(1, 3_600_000).default(30_000),
  COMETD_STALL_NOTICE_MS: int(100, 3_600_000).default(30_000),
  COMETD_MAX_NETWORK_DELAY_MS: int(100, 600_000).default(40_000),
  WS_CONNECTION_INIT_TIMEOUT_MS: int(1, 600_000).default(3_000),
  WS_KEEPALIVE_MS: int(0, 600_000).default(12_000),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: int(1, 10_000).default(20),
  HTTP_SSE_KEEPALIVE_MS: int(100, 15_000).default(12_000),
  HTTP_MULTIPART_HEARTBEAT_MS: int(100, 10_000).default(5_000),
  HTTP_MAX_STREAMS_PER_CREDENTIAL: int(1, 10_000).default(20),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  RATE_LIMIT_POINTS: int(1, 1_000_000_000).default(600),
  RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(60),
  MAX_QUERY_DEPTH: int(1, 100).default(10),
  MAX_ALIASES: int(0, 1_000).default(15),
  MAX_TOKENS: int(10, 100_000).default(2_000),
  MAX_QUERY_COST: int(1, 1_000_000).default(5_000),
  MAX_BODY_BYTES: int(1_024, 10_485_760).default(102_400),
  HTTP_HEADERS_TIMEOUT_MS: int(1, 600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: int(1, 3_600_000).default(30_000),
  HTTP_KEEPALIVE_TIMEOUT_MS: int(1, 600_000).default(5_000),
  HTTP_MAX_CONNECTIONS: int(1, 1_000_000).default(10_000),
  MAX_DOCUMENT_BYTES: int(64, 10_485_760).default(32_768),
  DOCUMENT_CACHE_BYTES: int(65_536, 1_073_741_824).default(16_777_216),
  CIRCUIT_BREAKER_ERROR_PERCENT: int(1, 100).default(50),
  CIRCUIT_BREAKER_RESET_MS: int(100, 600_000).default(10_000),
  OTEL_TRACING: bool.default(false),
  PLAYGROUND: bool.optional(),
  INTROSPECTION: bool.optional(),
  CORS_ORIGINS: csv.default([]),
  PERSISTED_QUERIES: bool.default(true),
  PERSISTED_QUERIES_CACHE_BYTES: int(1_024, 1_073_741_824).default(10_485_760),
  PERSISTED_QUERIES_TTL_SECONDS: int(1, 31_536_000).default(86_400),
  TRUSTED_DOCUMENTS: z
    .string()
    .min(1)
    .refine((file) => existsSync(file), 'no such file')
    .optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  CREDENTIAL_HASH_KEY: z.string().min(32, 'at least 32 characters').optional(),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, ":", "_" or "-"').default('ogw:'),
  REDIS_CONNECT_TIMEOUT_MS: int(100, 60_000).default(2_000),
  REDIS_COMMAND_TIMEOUT_MS: int(50, 60_000).default(1_000),
  COMETD_LEASE_TTL_MS: int(1_000, 12_000).default(10_000),
});

export type Env = z.input<typeof schema>;

export interface GatewayConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: string;
  /** Web Services origin; undefined = start the built-in simulator. */
  gwsBaseUrl: string | undefined;
  simulatorPort: number;
  /** Operations the built-in simulator keeps in its log of received bodies (oldest dropped first). */
  simulatorReceivedMax: number;
  upstream: { connectTimeoutMs: number; timeoutMs: number; maxResponseBytes: number };
  sessions: { max: number; idleTtlMs: number; maxPendingVerifications: number };
  /** Refused credentials per client address per minute, and the proxies whose X-Forwarded-For is believed. */
  clients: { authFailuresPerMinute: number; trustedProxies: string[] };
  events: {
    ackTimeoutMs: number;
    pairingWindowMs: number;
    subscriberQueueMax: number;
    /** Each user's events are kept this long (EVENT_RETENTION_SECONDS)... */
    retentionMs: number;
    /** ...and at most this many per user (EVENT_RETENTION_MAX_PER_USER). */
    retentionMaxPerUser: number;
    /** The upstream session stays open this long after its last need: the retention unless COMETD_IDLE_GRACE_MS says otherwise. */
    cometdIdleGraceMs: number;
    cometdBackoff: { initialMs: number; maxMs: number };
    /** A subscriber whose upstream session has been failing this long is told (its subscription ends). */
    cometdStallNoticeMs: number;
    cometdMaxNetworkDelayMs: number;
  };
  ws: { connectionInitTimeoutMs: number; keepAliveMs: number; maxSubscriptionsPerConnection: number };
  /** Server-sent events and multipart subscriptions (src/transports/). */
  httpStreams: { sseKeepAliveMs: number; multipartHeartbeatMs: number; maxStreamsPerCredential: number };
  shutdownGraceMs: number;
  limits: {
    rateLimitPoints: number;
    rateLimitWindowSeconds: number;
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxCost: number;
    maxBodyBytes: number;
    /** Longest document text, on every transport (then 413 / BAD_REQUEST). */
    maxDocumentBytes: number;
    /** Bytes the cache of parsed, valid documents may hold (source and AST). */
    documentCacheBytes: number;
  };
  circuitBreaker: { errorThresholdPercent: number; resetTimeoutMs: number };
  /** Node http.Server limits: receiving headers / the whole request, idle keep-alive, open sockets. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number };
  /** OpenTelemetry tracing (OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracing: boolean;
  playground: boolean;
  introspection: boolean;
  corsOrigins: string[];
  persistedDocuments: {
    /** Automatic persisted queries (Apollo's APQ), in a cache of at most `apqCacheBytes`. */
    apq: boolean;
    apqCacheBytes: number;
    /** With REDIS_URL: lifetime of a persisted query in the shared cache (it is bounded by time there, not bytes). */
    apqTtlSeconds: number;
    /** Manifest of the only documents allowed to run; undefined = any document. */
    trustedDocumentsPath: string | undefined;
  };
  /** Several instances as one gateway (REDIS_URL); undefined = everything in this process. */
  cluster: ClusterConfig | undefined;
}

/** What the instances sharing one Redis need (src/cluster). */
export interface ClusterConfig {
  /** May hold a password: never logged. */
  redisUrl: string;
  /** The HMAC key of credential hashes, the same on every instance (the per-process default would differ). */
  credentialHashKey: string;
  keyPrefix: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** A user's CometD session lease; a dead holder's is taken over within about 1.2 × this. */
  leaseTtlMs: number;
}

/** Thrown when the environment is invalid; the message names each variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  // Empty strings mean "unset" so that `FOO=` in a .env file falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.REDIS_URL && !e.CREDENTIAL_HASH_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  CREDENTIAL_HASH_KEY: required with REDIS_URL (the same secret of at least 32 characters on every instance)',
    );
  }
  const production = e.NODE_ENV === 'production';
  checkSimulatorChoice(e.NODE_ENV, e.GWS_BASE_URL, e.GWS_SIMULATOR);
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    // Node refuses a headers timeout longer than the request timeout.
    throw new ConfigError('Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    gwsBaseUrl: e.GWS_BASE_URL,
    simulatorPort: e.SIMULATOR_PORT,
    simulatorReceivedMax: e.SIMULATOR_RECEIVED_MAX,
    upstream: {
      connectTimeoutMs: e.UPSTREAM_CONNECT_TIMEOUT_MS,
      timeoutMs: e.UPSTREAM_TIMEOUT_MS,
      maxResponseBytes: e.UPSTREAM_MAX_RESPONSE_BYTES,
    },
    sessions: { max: e.SESSION_CACHE_MAX, idleTtlMs: e.SESSION_IDLE_TTL_MS, maxPendingVerifications: e.SESSION_VERIFY_MAX_PENDING },
    clients: { authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE, trustedProxies: e.TRUSTED_PROXIES },
    events: {
      ackTimeoutMs: e.ACK_TIMEOUT_MS,
      pairingWindowMs: e.EVENT_PAIRING_WINDOW_MS,
      subscriberQueueMax: e.SUBSCRIBER_QUEUE_MAX,
      retentionMs: e.EVENT_RETENTION_SECONDS * 1000,
      retentionMaxPerUser: e.EVENT_RETENTION_MAX_PER_USER,
      cometdIdleGraceMs: e.COMETD_IDLE_GRACE_MS ?? e.EVENT_RETENTION_SECONDS * 1000,
      cometdBackoff: { initialMs: e.COMETD_BACKOFF_INITIAL_MS, maxMs: e.COMETD_BACKOFF_MAX_MS },
      cometdStallNoticeMs: e.COMETD_STALL_NOTICE_MS,
      cometdMaxNetworkDelayMs: e.COMETD_MAX_NETWORK_DELAY_MS,
    },
    ws: {
      connectionInitTimeoutMs: e.WS_CONNECTION_INIT_TIMEOUT_MS,
      keepAliveMs: e.WS_KEEPALIVE_MS,
      maxSubscriptionsPerConnection: e.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    },
    httpStreams: {
      sseKeepAliveMs: e.HTTP_SSE_KEEPALIVE_MS,
      multipartHeartbeatMs: e.HTTP_MULTIPART_HEARTBEAT_MS,
      maxStreamsPerCredential: e.HTTP_MAX_STREAMS_PER_CREDENTIAL,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    limits: {
      rateLimitPoints: e.RATE_LIMIT_POINTS,
      rateLimitWindowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      maxDepth: e.MAX_QUERY_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxCost: e.MAX_QUERY_COST,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxDocumentBytes: e.MAX_DOCUMENT_BYTES,
      documentCacheBytes: e.DOCUMENT_CACHE_BYTES,
    },
    circuitBreaker: { errorThresholdPercent: e.CIRCUIT_BREAKER_ERROR_PERCENT, resetTimeoutMs: e.CIRCUIT_BREAKER_RESET_MS },
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEPALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    tracing: e.OTEL_TRACING,
    playground: e.PLAYGROUND ?? !production,
    introspection: e.INTROSPECTION ?? !production,
    corsOrigins: e.CORS_ORIGINS,
    persistedDocuments: {
      apq: e.PERSISTED_QUERIES,
      apqCacheBytes: e.PERSISTED_QUERIES_CACHE_BYTES,
      apqTtlSeconds: e.PERSISTED_QUERIES_TTL_SECONDS,
      trustedDocumentsPath: e.TRUSTED_DOCUMENTS,
    },
    cluster: e.REDIS_URL
      ? {
          redisUrl: e.REDIS_URL,
          credentialHashKey: e.CREDENTIAL_HASH_KEY!,
          keyPrefix: e.REDIS_KEY_PREFIX,
          connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
          commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
          leaseTtlMs: e.COMETD_LEASE_TTL_MS,
        }
      : undefined,
  };
}

/**
 * Production never falls back to the simulator's demo users by accident: without
 * GWS_BASE_URL it needs GWS_SIMULATOR=true. GWS_SIMULATOR=false (any env) also
 * demands a GWS_BASE_URL; GWS_SIMULATOR=true with a GWS_BASE_URL is contradictory.
 */
function checkSimulatorChoice(nodeEnv: string, baseUrl: string | undefined, simulator: boolean | undefined): void {
  if (baseUrl !== undefined) {
    if (simulator === true) {
      throw new ConfigError('Invalid configuration:\n  GWS_SIMULATOR: true, but GWS_BASE_URL is set too: choose one');
    }
    return;
  }
  if (simulator === false || (nodeEnv === 'production' && simulator !== true)) {
    throw new ConfigError(
      `Invalid configuration:\n  GWS_BASE_URL: required${nodeEnv === 'production' ? ' with NODE_ENV=production' : ' with GWS_SIMULATOR=false'} ` +
        '(set GWS_SIMULATOR=true to run on the built-in simulator and its demo users)',
    );
  }
}

/** Loads `.env` from the working directory into process.env when present (Node's own loader). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** A config for tests: defaults plus overrides, without touching process.env. */
export function testConfig(overrides: Record<string, string> = {}): GatewayConfig {
  return loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...overrides });
}
