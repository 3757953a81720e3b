/**
 * Per-credential state (the upstream HTTP session, and the live event stream
 * built on it) in a bounded LRU keyed by a hash of the credential. Entries
 * idle for longer than the TTL are evicted and disposed, unless something
 * still holds them (an open subscription), in which case they stay.
 */
import { LRUCache } from 'lru-cache';
import { credentialKey } from './gws-session.js';

export interface StoredSession {
  /** True while something (a subscriber, an awaited acknowledgement) still uses it. */
  isBusy(): boolean;
  dispose(): void | Promise<void>;
}

export interface SessionStoreOptions<V extends StoredSession> {
  max: number;
  idleTtlMs: number;
  create: (authorization: string, key: string) => V;
}

export class SessionStore<V extends StoredSession> {
  readonly #cache: LRUCache<string, V>;
  readonly #create: (authorization: string, key: string) => V;
  #clearing = false;

  constructor(options: SessionStoreOptions<V>) {
    this.#create = options.create;
    this.#cache = new LRUCache<string, V>({
      max: options.max,
      ttl: options.idleTtlMs,
      updateAgeOnGet: true,
      ttlAutopurge: true,
      // disposeAfter (not dispose) is where re-inserting is allowed.
      disposeAfter: (value, key, reason) => {
        if (this.#clearing) return;
        // An idle-expired session that is still in use stays; anything else leaving the cache is disposed.
        if (reason === 'expire' && value.isBusy()) {
          this.#cache.set(key, value);
          return;
        }
        void Promise.resolve(value.dispose()).catch(() => undefined);
      },
    });
  }

  /** The session of this credential, created on first use. */
  get(authorization: string): V {
    const key = credentialKey(authorization);
    let value = this.#cache.get(key);
    if (!value) {
      value = this.#create(authorization, key);
      this.#cache.set(key, value);
    }
    return value;
  }

  /** The session of this credential if one exists, without creating it. */
  peek(authorization: string): V | undefined {
    return this.#cache.peek(credentialKey(authorization));
  }

  get size(): number {
    return this.#cache.size;
  }

  values(): V[] {
    return [...this.#cache.values()];
  }

  /** Disposes every session (shutdown). */
  async clear(): Promise<void> {
    const all = this.values();
    // clear() would dispose each one without waiting; dispose them here instead.
    this.#clearing = true;
    this.#cache.clear();
    this.#clearing = false;
    await Promise.allSettled(all.map((v) => v.dispose()));
  }
}
