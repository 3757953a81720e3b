/**
 * The lease on a user's upstream CometD session, in Redis: at most one
 * instance holds it at a time, so at most one CometD session per user exists
 * across all instances. Acquire is SET NX PX; renew and release compare the
 * token first (Lua), so an instance whose lease expired can neither extend
 * nor delete its successor's. The token is also the fence of the user's
 * event log: only the holder's appends go in (redis-event-log.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisConnections } from './redis-connection.js';
import type { RedisKeys } from './redis-keys.js';

// KEYS: lease, upstream state, log meta, log. ARGV: token, lease ttl ms, state ('' keeps it), log ttl ms.
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2]) else redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
redis.call('PEXPIRE', KEYS[3], ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
return 1`;

// KEYS: lease, upstream state. ARGV: token, channel. Compare-and-delete, then tell the other instances.
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[2], 'r')
return 1`;

// KEYS: lease, upstream state. ARGV: token, state, ttl ms, channel.
const SET_STATE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('PUBLISH', ARGV[4], 's ' .. ARGV[2])
return 1`;

interface LeaseCommands {
  ogwLeaseRenew(lease: string, upstream: string, meta: string, log: string, token: string, ttl: number, state: string, logTtl: number): Promise<number>;
  ogwLeaseRelease(lease: string, upstream: string, token: string, channel: string): Promise<number>;
  ogwLeaseState(lease: string, upstream: string, token: string, state: string, ttl: number, channel: string): Promise<number>;
}

export interface CometdLeasesOptions {
  redis: RedisConnections;
  keys: RedisKeys;
  /** Lease lifetime; the holder renews every third of it. */
  ttlMs: number;
  /** How long the log's keys live past the last renewal or append (retention plus a margin). */
  logTtlMs: number;
}

/** What another instance can see of a user's upstream session. */
export type HolderView = { held: false } | { held: true; state: string | null };

export class CometdLeases {
  readonly ttlMs: number;
  /** Identifies this instance inside tokens (debugging: who holds what). */
  readonly instanceId = randomBytes(6).toString('hex');
  readonly #o: CometdLeasesOptions;
  readonly #client: Redis & LeaseCommands;
  /** userKey → token of the leases this instance holds now (the log's fence). */
  readonly #held = new Map<string, string>();

  constructor(options: CometdLeasesOptions) {
    this.#o = options;
    this.ttlMs = options.ttlMs;
    const client = options.redis.commands;
    client.defineCommand('ogwLeaseRenew', { numberOfKeys: 4, lua: RENEW });
    client.defineCommand('ogwLeaseRelease', { numberOfKeys: 2, lua: RELEASE });
    client.defineCommand('ogwLeaseState', { numberOfKeys: 2, lua: SET_STATE });
    this.#client = client as Redis & LeaseCommands;
  }

  /** Takes the user's lease if nobody holds it. Resolves with the token, or undefined when another instance holds it. */
  async tryAcquire(userKey: string): Promise<string | undefined> {
    const token = `${this.instanceId}.${randomBytes(9).toString('base64url')}`;
    const ok = await this.#client.set(this.#o.keys.user(userKey).lease, token, 'PX', this.ttlMs, 'NX');
    if (ok !== 'OK') return undefined;
    this.#held.set(userKey, token);
    return token;
  }

  /** Extends the lease (and the user's log keys); false when it is no longer ours (it expired and someone took it). */
  async renew(userKey: string, token: string, state = ''): Promise<boolean> {
    const k = this.#o.keys.user(userKey);
    const ok = (await this.#client.ogwLeaseRenew(k.lease, k.upstream, k.meta, k.log, token, this.ttlMs, state, this.#o.logTtlMs)) === 1;
    if (!ok) this.forget(userKey, token);
    return ok;
  }

  /** Records the holder's upstream state for the other instances (fenced). */
  async setState(userKey: string, token: string, state: string): Promise<boolean> {
    const k = this.#o.keys.user(userKey);
    return (await this.#client.ogwLeaseState(k.lease, k.upstream, token, state, this.ttlMs, k.channel)) === 1;
  }

  /** Gives the lease up at once (compare-and-delete) and tells the other instances, so one of them takes over now. */
  async release(userKey: string, token: string): Promise<void> {
    this.forget(userKey, token);
    const k = this.#o.keys.user(userKey);
    await this.#client.ogwLeaseRelease(k.lease, k.upstream, token, k.channel);
  }

  /** Stops fencing with this token (the lease is lost or given up); Redis is not asked. */
  forget(userKey: string, token: string): void {
    if (this.#held.get(userKey) === token) this.#held.delete(userKey);
  }

  /** The token of the user's lease if this instance holds it: the event log appends only with it. */
  heldToken(userKey: string): string | undefined {
    return this.#held.get(userKey);
  }

  /** Whether anyone holds the user's lease, and the state its holder reported. */
  async holder(userKey: string): Promise<HolderView> {
    const k = this.#o.keys.user(userKey);
    const [lease, state] = await this.#client.mget(k.lease, k.upstream);
    return lease === null ? { held: false } : { held: true, state: state ?? null };
  }

  /** Leases this instance holds now. */
  get heldCount(): number {
    return this.#held.size;
  }
}
