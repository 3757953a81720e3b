/**
 * A whole stack on loopback for integration tests: the GWS simulator (real
 * HTTP + Bayeux server) and the gateway in front of it, plus real clients:
 * HTTP GraphQL with fetch, and graphql-ws with the ws package.
 */
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';

type ExecutionResult<T> = FormattedExecutionResult<T, unknown>;
import WebSocket from 'ws';
import { testConfig } from '../../src/config/config.js';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { startGateway, type Gateway } from '../../src/server/create-gateway.js';
import { cometdEventSources } from '../../src/upstream/cometd-event-source.js';
import { DEMO_USERS, startSimulator, type GwsSimulator, type SimulatorOptions } from '../../src/simulator/index.js';

export const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

export const AGENT1 = basic(DEMO_USERS[0]!.username, DEMO_USERS[0]!.password);
export const AGENT2 = basic(DEMO_USERS[1]!.username, DEMO_USERS[1]!.password);

export interface Stack {
  simulator: GwsSimulator;
  gateway: Gateway;
  /** POST /graphql; returns the parsed body and HTTP status. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    authorization?: string,
  ): Promise<{ status: number; body: ExecutionResult<T> }>;
  /** A graphql-ws client; closed by stop(). */
  wsClient(authorization?: string, options?: { lazy?: boolean }): Client;
  stop(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  simulator?: SimulatorOptions;
  /** GWS origin to use instead of the simulator's (e.g. a closed port). */
  gwsBaseUrl?: string;
  /** The gateway's logger. @default silent */
  logger?: Logger;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const simulator = await startSimulator(options.simulator ?? {});
  const config = testConfig({ COMETD_IDLE_GRACE_MS: '50', COMETD_BACKOFF_INITIAL_MS: '50', COMETD_BACKOFF_MAX_MS: '500', ...options.env });
  let gateway: Gateway;
  try {
    gateway = await startGateway({
      config,
      gwsBaseUrl: options.gwsBaseUrl ?? simulator.url,
      logger: options.logger ?? silentLogger,
      openEventSource: cometdEventSources({ backoff: config.events.cometdBackoff, maxNetworkDelayMs: config.events.cometdMaxNetworkDelayMs }),
    });
  } catch (error) {
    await simulator.close();
    throw error;
  }
  const clients: Client[] = [];
  return {
    simulator,
    gateway,
    async gql(query, variables, authorization) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as ExecutionResult<never> };
    },
    wsClient(authorization, wsOptions = {}) {
      const client = createClient({
        url: gateway.wsUrl,
        webSocketImpl: WebSocket,
        lazy: wsOptions.lazy ?? true,
        retryAttempts: 0,
        connectionParams: authorization ? { authorization } : {},
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.allSettled(clients.map((c) => c.dispose()));
      await gateway.stop();
      await simulator.close();
    },
  };
}

/** Collects the results of one graphql-ws subscription. */
export interface Subscription<T> {
  results: ExecutionResult<T>[];
  /** Resolves when `count` results have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ExecutionResult<T>[]>;
  /** Resolves when a result satisfies the predicate. */
  waitUntil(predicate: (result: ExecutionResult<T>) => boolean, timeoutMs?: number): Promise<ExecutionResult<T>>;
  /** Resolves when the server completed (or errored) it. */
  ended: Promise<{ error?: unknown }>;
  unsubscribe(): void;
}

export function subscribe<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Subscription<T> {
  const results: ExecutionResult<T>[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const matchers: { predicate: (r: ExecutionResult<T>) => boolean; resolve: (r: ExecutionResult<T>) => void }[] = [];
  let endResolve!: (v: { error?: unknown }) => void;
  const ended = new Promise<{ error?: unknown }>((r) => (endResolve = r));
  const unsubscribe = client.subscribe<T>(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (value) => {
        results.push(value);
        for (const w of [...waiters]) if (results.length >= w.count) w.resolve();
        for (const m of [...matchers]) if (m.predicate(value)) m.resolve(value);
      },
      error: (error) => endResolve({ error }),
      complete: () => endResolve({}),
    },
  );
  return {
    results,
    ended,
    unsubscribe,
    waitUntil(predicate, timeoutMs = 5_000) {
      const found = results.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching result in ${JSON.stringify(results)}`)), timeoutMs);
        matchers.push({
          predicate,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        });
      });
    },
    waitFor(count, timeoutMs = 5_000) {
      if (results.length >= count) return Promise.resolve(results);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} results, got ${results.length}: ${JSON.stringify(results)}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(results);
          },
        });
      });
    },
  };
}

/** Resolves when the subscription is live upstream (the user's CometD session is subscribed). */
export async function untilSubscribed(stack: Stack, authorization: string, subscribers = 1, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const user = stack.gateway.services.sessions.peek(authorization);
    const status = user?.eventStreamStatus();
    if (status && status.state === 'CONNECTED' && status.subscribers >= subscribers) return;
    if (Date.now() - started > timeoutMs) throw new Error(`subscription not live: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** How many readers (subscribers, acknowledgement waiters) watch the gateway's in-memory event log. */
export function eventLogWatchers(stack: { gateway: Gateway }): number {
  const log = stack.gateway.services.eventLog;
  if (!(log instanceof MemoryEventLog)) throw new Error('eventLogWatchers needs the in-memory event log');
  return log.stats().watchers;
}

/** Resolves when the condition holds, polling; rejects after `timeoutMs` with `what`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves when no subscription of any user is left on the gateway (the server saw every unsubscribe). */
export async function untilNoSubscribers(stack: Stack, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const left = stack.gateway.services.sessions.values().reduce((n, u) => n + u.eventStreamStatus().subscribers, 0);
    if (left === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${left} subscriptions still open`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
