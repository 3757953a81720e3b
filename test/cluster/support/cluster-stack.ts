/**
 * Several in-process gateway instances sharing one real redis-server and one
 * GWS simulator, with real clients (fetch, graphql-ws over ws). For the
 * cluster behaviours that need no process boundary; SIGKILL and SIGTERM are
 * in cluster-process.test.ts.
 */
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { testConfig } from '../../../src/config/config.js';
import { silentLogger } from '../../../src/logger.js';
import { startGateway, type Gateway } from '../../../src/server/create-gateway.js';
import { startSimulator, type GwsSimulator, type SimulatorOptions } from '../../../src/simulator/index.js';
import { cometdEventSources } from '../../../src/upstream/cometd-event-source.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

export const CLUSTER_HASH_KEY = 'the-cluster-tests-shared-credential-hash-key';

export interface ClusterStack {
  redis: RedisServer;
  simulator: GwsSimulator;
  gateways: Gateway[];
  gql<T = Record<string, unknown>>(
    instance: number,
    query: string,
    variables?: Record<string, unknown>,
    authorization?: string,
    extra?: Record<string, unknown>,
  ): Promise<{ status: number; body: FormattedExecutionResult<T, unknown> }>;
  wsClient(instance: number, authorization?: string): Client;
  readyz(instance: number): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export interface ClusterStackOptions {
  instances?: number;
  env?: Record<string, string>;
  simulator?: SimulatorOptions;
}

export async function startClusterStack(options: ClusterStackOptions = {}): Promise<ClusterStack> {
  const redis = await startRedisServer();
  const simulator = await startSimulator(options.simulator ?? {});
  const gateways: Gateway[] = [];
  const clients: Client[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(clients.map((c) => c.dispose()));
    await Promise.allSettled(gateways.map((g) => g.stop()));
    await simulator.close();
    await redis.stop();
  };
  try {
    for (let i = 0; i < (options.instances ?? 2); i++) {
      const config = testConfig({
        COMETD_BACKOFF_INITIAL_MS: '50',
        COMETD_BACKOFF_MAX_MS: '500',
        REDIS_URL: redis.url,
        CREDENTIAL_HASH_KEY: CLUSTER_HASH_KEY,
        COMETD_LEASE_TTL_MS: '2000',
        REDIS_COMMAND_TIMEOUT_MS: '500',
        REDIS_CONNECT_TIMEOUT_MS: '500',
        ...options.env,
      });
      gateways.push(
        await startGateway({
          config,
          gwsBaseUrl: simulator.url,
          logger: silentLogger,
          openEventSource: cometdEventSources({ backoff: config.events.cometdBackoff }),
        }),
      );
    }
    // Connected to Redis before the first request (until then limits are per instance, in memory).
    const deadline = Date.now() + 10_000;
    while (!gateways.every((g) => g.services.cluster?.redis.healthy)) {
      if (Date.now() > deadline) throw new Error('the instances did not connect to Redis');
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    redis,
    simulator,
    gateways,
    async gql(instance, query, variables, authorization, extra = {}) {
      const response = await fetch(gateways[instance]!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query, variables, ...extra }),
      });
      return { status: response.status, body: (await response.json()) as FormattedExecutionResult<never, unknown> };
    },
    wsClient(instance, authorization) {
      const client = createClient({
        url: gateways[instance]!.wsUrl,
        webSocketImpl: WebSocket,
        lazy: true,
        retryAttempts: 0,
        connectionParams: authorization ? { authorization } : {},
      });
      clients.push(client);
      return client;
    },
    async readyz(instance) {
      const response = await fetch(gateways[instance]!.url.replace(/\/graphql$/, '/readyz'));
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    stop,
  };
}
