/**
 * Per-credential state (the upstream HTTP session, and the live event stream
 * built on it) in a bounded LRU keyed by a hash of the credential.
 *
 * Only verified credentials get in: `admit` runs the verification (GWS
 * answered the bootstrap with 200) first, once per credential however many
 * requests ask at the same time, with at most `maxPending` verifications in
 * flight. A session in use (subscribers, awaited acknowledgements, upstream
 * requests in flight) is never evicted: when the cache is full of busy
 * sessions a new credential is refused with RATE_LIMITED rather than ending
 * someone else's stream. Idle entries older than the TTL are dropped, unless
 * something still uses them.
 */
import { LRUCache } from 'lru-cache';
import { ErrorCode, gatewayError } from '../errors.js';
import { credentialKey } from './gws-session.js';

export interface StoredSession {
  /** True while something (a subscriber, an awaited acknowledgement, a request) still uses it. */
  isBusy(): boolean;
  /** False once it must not be handed out again (refused credentials, disposed). */
  isUsable(): boolean;
  dispose(): void | Promise<void>;
}

export interface SessionStoreOptions<V extends StoredSession> {
  max: number;
  idleTtlMs: number;
  /** Most verifications of new credentials in flight at once. */
  maxPending: number;
  create: (authorization: string, key: string) => V;
  /** Proves the credential upstream; rejects when GWS refuses it or cannot be asked. */
  verify: (value: V) => Promise<void>;
}

/** How long a client refused for a full cache should wait. */
const FULL_RETRY_AFTER_SECONDS = 30;

export class SessionStore<V extends StoredSession> {
  readonly #cache: LRUCache<string, V>;
  readonly #max: number;
  readonly #maxPending: number;
  readonly #create: (authorization: string, key: string) => V;
  readonly #verify: (value: V) => Promise<void>;
  /** Verifications in flight, by credential key: one per credential. */
  readonly #pending = new Map<string, Promise<V>>();
  #clearing = false;
  #closed = false;

  constructor(options: SessionStoreOptions<V>) {
    this.#create = options.create;
    this.#verify = options.verify;
    this.#max = options.max;
    this.#maxPending = options.maxPending;
    this.#cache = new LRUCache<string, V>({
      // A backstop only: #makeRoom keeps the size below it without evicting busy sessions.
      max: options.max + 1,
      ttl: options.idleTtlMs,
      updateAgeOnGet: true,
      ttlAutopurge: true,
      // disposeAfter (not dispose) is where re-inserting is allowed.
      disposeAfter: (value, key, reason) => {
        if (this.#clearing) return;
        // An idle-expired session that is still in use stays; anything else leaving the cache is disposed.
        if (reason === 'expire' && value.isBusy() && value.isUsable()) {
          this.#cache.set(key, value);
          return;
        }
        void Promise.resolve(value.dispose()).catch(() => undefined);
      },
    });
  }

  /** The verified session of this credential, if there is one (counts as a use). */
  get(authorization: string): V | undefined {
    const key = credentialKey(authorization);
    // Stale entries count too: between its TTL and the purge that re-inserts
    // it, a busy session must not look absent (a second one would replace it).
    const value = this.#live(key);
    if (!value) return undefined;
    if (!value.isUsable()) {
      this.#cache.delete(key);
      return undefined;
    }
    if (this.#cache.has(key)) this.#cache.get(key);
    else this.#cache.set(key, value); // stale but busy: a use renews it
    return value;
  }

  /** The entry of this key unless it is stale and idle (then it is as good as gone). */
  #live(key: string): V | undefined {
    const value = this.#cache.peek(key, { allowStale: true });
    return value && (this.#cache.has(key) || value.isBusy()) ? value : undefined;
  }

  /**
   * The session of this credential: the cached one, or a new one once GWS
   * has accepted the credential. Concurrent calls for one credential share
   * one verification. Rejects with what the verification rejected with, or
   * RATE_LIMITED when too many verifications are in flight or the cache is
   * full of sessions in use.
   */
  admit(authorization: string): Promise<V> {
    const cached = this.get(authorization);
    if (cached) return Promise.resolve(cached);
    if (this.#closed) return Promise.reject(closing());
    const key = credentialKey(authorization);
    const pending = this.#pending.get(key);
    if (pending) return pending;
    if (this.#pending.size >= this.#maxPending) {
      return Promise.reject(limited('Too many sign-ins are being checked with GWS right now', 1));
    }
    const value = this.#create(authorization, key);
    const verification = this.#verify(value)
      .then(() => this.#insert(key, value))
      .catch(async (error: unknown) => {
        await Promise.resolve(value.dispose()).catch(() => undefined);
        throw error;
      })
      .finally(() => this.#pending.delete(key));
    this.#pending.set(key, verification);
    return verification;
  }

  /** The session of this credential if one exists, without counting a use. */
  peek(authorization: string): V | undefined {
    return this.#live(credentialKey(authorization));
  }

  get size(): number {
    return this.#cache.size;
  }

  /** Verifications in flight. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  values(): V[] {
    return [...this.#cache.values()];
  }

  /** Disposes every session (shutdown); sessions verified after this are disposed at once. */
  async clear(): Promise<void> {
    this.#closed = true;
    const all = this.values();
    // clear() would dispose each one without waiting; dispose them here instead.
    this.#clearing = true;
    this.#cache.clear();
    this.#clearing = false;
    await Promise.allSettled([...all.map((v) => v.dispose()), ...this.#pending.values()]);
  }

  #insert(key: string, value: V): V {
    if (this.#closed) throw closing();
    const existing = this.#live(key);
    if (existing?.isUsable()) {
      // Cannot happen while verifications are shared per key; never keep two sessions of one credential.
      void Promise.resolve(value.dispose()).catch(() => undefined);
      return existing;
    }
    this.#makeRoom();
    this.#cache.set(key, value);
    return value;
  }

  /** Evicts the least recently used idle session when full; RATE_LIMITED when every session is in use. */
  #makeRoom(): void {
    if (this.#cache.size < this.#max) return;
    for (const key of this.#cache.rkeys()) {
      const value = this.#cache.peek(key, { allowStale: true });
      if (value && !value.isBusy()) {
        this.#cache.delete(key);
        return;
      }
    }
    throw limited('The gateway is serving as many users as it may; try again later', FULL_RETRY_AFTER_SECONDS);
  }
}

function limited(message: string, retryAfterSeconds: number): Error {
  return gatewayError(ErrorCode.RATE_LIMITED, `${message} (retry in ${retryAfterSeconds} s)`, {
    retryAfterSeconds,
    http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
  });
}

function closing(): Error {
  return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The gateway is shutting down');
}
