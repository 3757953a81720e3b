/**
 * The persisted-query (APQ) cache on Redis, shared by every instance: Apollo's
 * KeyValueCache interface over plain strings with a TTL, so a document
 * registered through one instance is found by the others and Redis memory
 * stays bounded. Redis trouble never fails a request: a get that fails is a
 * miss (the client then sends the document again, as APQ intends) and a set
 * that fails is skipped.
 */
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { Logger } from '../logger.js';
import type { RedisConnections } from './redis-connection.js';

export interface RedisApqCacheOptions {
  redis: RedisConnections;
  /** Key prefix (RedisKeys.apq). */
  prefix: string;
  /** Lifetime of an entry, renewed by nothing: a document unused this long is registered again. */
  ttlSeconds: number;
  /** Documents larger than this are not stored (the body limit bounds them anyway). */
  maxValueBytes: number;
  logger: Logger;
}

export class RedisApqCache implements KeyValueCache<string> {
  readonly #o: RedisApqCacheOptions;

  constructor(options: RedisApqCacheOptions) {
    this.#o = options;
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.#o.redis.commands.get(this.#o.prefix + key)) ?? undefined;
    } catch (error) {
      this.#o.logger.warn({ error: (error as Error).message }, 'persisted-query cache unavailable (Redis): a miss');
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    if (Buffer.byteLength(value) > this.#o.maxValueBytes) return;
    // Apollo's ttl (seconds) may shorten ours, never lengthen it: the cache stays bounded.
    const ttl = Math.min(options?.ttl ?? this.#o.ttlSeconds, this.#o.ttlSeconds);
    try {
      await this.#o.redis.commands.set(this.#o.prefix + key, value, 'EX', Math.max(1, Math.floor(ttl)));
    } catch (error) {
      this.#o.logger.warn({ error: (error as Error).message }, 'persisted-query cache unavailable (Redis): not stored');
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.#o.redis.commands.del(this.#o.prefix + key)) > 0;
    } catch {
      return false;
    }
  }
}
