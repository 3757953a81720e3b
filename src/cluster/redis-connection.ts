/**
 * The gateway's connections to the Redis its instances share: one for
 * commands, one for pub/sub (a subscribed connection runs no other command).
 * Both fail fast while Redis is unreachable (no offline queue, one try per
 * command, a command timeout) and reconnect by themselves with capped backoff,
 * so the gateway recovers without a restart. The URL may hold a password: it
 * is never logged.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';

export interface RedisConnectionOptions {
  url: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  logger: Logger;
  /** Longest pause between reconnection attempts. @default 1000 */
  maxReconnectDelayMs?: number;
}

export type RedisHealth = { reachable: true } | { reachable: false; error: string };

type ChannelListener = (channel: string, message: string) => void;

export class RedisConnections {
  /** Commands (scripts, streams, keys). Fails at once while disconnected. */
  readonly commands: Redis;
  /** Pub/sub only; channels are re-subscribed after each reconnection. */
  readonly #subscriber: Redis;
  readonly #logger: Logger;
  readonly #channels = new Map<string, Set<ChannelListener>>();
  readonly #healthListeners = new Set<(healthy: boolean) => void>();
  #lastError = 'not connected yet';
  #wasHealthy = false;
  #disposed = false;

  constructor(options: RedisConnectionOptions) {
    this.#logger = options.logger;
    const maxDelay = options.maxReconnectDelayMs ?? 1_000;
    const base: RedisOptions = {
      connectTimeout: options.connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      // While Redis is down a command fails at once instead of waiting in an unbounded queue.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Reconnect forever, quickly at first: recovery needs no restart.
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay),
      enableReadyCheck: true,
      lazyConnect: false,
    };
    this.commands = new Redis(options.url, { ...base, connectionName: 'gateway' });
    // The subscriber's channels are ours to restore (see #resubscribe), so nothing is subscribed twice.
    this.#subscriber = new Redis(options.url, { ...base, connectionName: 'gateway-sub', autoResubscribe: false, commandTimeout: undefined });
    for (const [name, client] of [['commands', this.commands], ['subscriber', this.#subscriber]] as const) {
      client.on('error', (error: Error) => {
        this.#lastError = (error as { code?: string }).code ?? error.message;
      });
      client.on('ready', () => {
        this.#logger.info({ connection: name }, 'redis connected');
        if (client === this.#subscriber) this.#resubscribe();
        this.#notifyHealth();
      });
      client.on('close', () => {
        if (!this.#disposed) this.#logger.warn({ connection: name, error: this.#lastError }, 'redis connection lost');
        this.#notifyHealth();
      });
    }
    this.#subscriber.on('message', (channel: string, message: string) => {
      const listeners = this.#channels.get(channel);
      if (!listeners) return;
      for (const listener of [...listeners]) listener(channel, message);
    });
  }

  /** Both connections ready now. */
  get healthy(): boolean {
    return this.commands.status === 'ready' && this.#subscriber.status === 'ready';
  }

  /** For /readyz: a PING on the command connection, bounded by the command timeout. */
  async health(): Promise<RedisHealth> {
    if (!this.healthy) return { reachable: false, error: this.#lastError };
    try {
      await this.commands.ping();
      return { reachable: true };
    } catch (error) {
      return { reachable: false, error: (error as { code?: string }).code ?? (error as Error).message };
    }
  }

  /** Calls `listener(healthy)` whenever both connections become ready or one is lost. Returns the unsubscribe function. */
  onHealthChange(listener: (healthy: boolean) => void): () => void {
    this.#healthListeners.add(listener);
    return () => this.#healthListeners.delete(listener);
  }

  /**
   * Listens on a pub/sub channel (subscribed once per channel, whatever the
   * number of listeners). Returns the unsubscribe function. While Redis is
   * down nothing arrives; the channel is subscribed again on reconnection.
   */
  listen(channel: string, listener: ChannelListener): () => void {
    let set = this.#channels.get(channel);
    if (!set) {
      set = new Set();
      this.#channels.set(channel, set);
      if (this.#subscriber.status === 'ready') this.#subscriber.subscribe(channel).catch(() => undefined);
    }
    set.add(listener);
    return () => {
      const current = this.#channels.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.#channels.delete(channel);
      if (this.#subscriber.status === 'ready') this.#subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  /** Channels subscribed now (for tests and metrics). */
  get channelCount(): number {
    return this.#channels.size;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#channels.clear();
    this.#healthListeners.clear();
    await Promise.allSettled([quit(this.commands), quit(this.#subscriber)]);
  }

  #resubscribe(): void {
    const channels = [...this.#channels.keys()];
    // In batches: one SUBSCRIBE with 100,000 arguments would be one huge command.
    for (let i = 0; i < channels.length; i += 1_000) {
      this.#subscriber.subscribe(...channels.slice(i, i + 1_000)).catch(() => undefined);
    }
  }

  #notifyHealth(): void {
    const healthy = this.healthy;
    if (healthy === this.#wasHealthy) return;
    this.#wasHealthy = healthy;
    for (const listener of [...this.#healthListeners]) listener(healthy);
  }
}

/** QUIT when connected (Redis finishes what it has), disconnect otherwise: never waits for a Redis that is gone. */
async function quit(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
