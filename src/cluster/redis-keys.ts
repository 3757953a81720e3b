/**
 * Every Redis key and channel name the gateway uses, in one place. A user's
 * keys carry the keyed hash of the credential (credentialKey, an HMAC with
 * CREDENTIAL_HASH_KEY), never the credential; the braces are a hash tag, so a
 * user's keys stay in one slot and one Lua script may touch them all.
 */

/** The names of one user's keys. */
export interface UserKeys {
  /** Stream: the user's event log. */
  log: string;
  /** Hash: the log's epoch (changes when Redis lost the log) and its last id. */
  meta: string;
  /** String: the token of the instance holding the user's upstream CometD session. */
  lease: string;
  /** String: that session's state, written by the holder (connecting, connected, ...). */
  upstream: string;
  /** Pub/sub channel: "e <id>" after an append, "r" when the lease was released, "s <state>" on a state change. */
  channel: string;
}

export class RedisKeys {
  readonly #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  user(userKey: string): UserKeys {
    const base = `${this.#prefix}u:{${userKey}}:`;
    return { log: `${base}log`, meta: `${base}meta`, lease: `${base}lease`, upstream: `${base}up`, channel: `${base}ch` };
  }

  /** rate-limiter-flexible's key prefix for a named limit. */
  rateLimit(name: string): string {
    return `${this.#prefix}rl:${name}`;
  }

  /** The persisted-query cache's prefix. */
  get apq(): string {
    return `${this.#prefix}apq:`;
  }

  /** Matches every key of this gateway (tests, operators). */
  get pattern(): string {
    return `${this.#prefix}*`;
  }
}
