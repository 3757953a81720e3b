/**
 * The event log on Redis Streams (REDIS_URL set), shared by every instance:
 * one stream per user (keyed by the keyed hash of the credential) and a small
 * hash next to it with the log's epoch and last id.
 *
 * - Append (one Lua script): checks the lease token when fenced (only the
 *   instance holding the user's upstream session appends, so nothing is
 *   appended twice during a takeover), XADD with each entry's predecessor id,
 *   exact trimming by count (MAXLEN) and age (MINID, by Redis's own clock),
 *   key TTLs renewed, then PUBLISH "e <id>" on the user's channel.
 * - Live delivery: every instance with a watcher of the user is SUBSCRIBEd to
 *   that channel (one subscription per user and instance, whatever the
 *   number of watchers) and calls its watchers; they read with XRANGE. The
 *   reads of all watchers at one position are one Redis call.
 * - Read (one Lua script): the epoch must match the cursor's (a Redis that
 *   lost the log has another), and the first entry after the cursor must name
 *   the cursor's entry as its predecessor: otherwise something between them
 *   was trimmed, and the cursor has expired.
 *
 * Cursors: version, the user's epoch, the stream id, and a tag (HMAC with a
 * key derived from CREDENTIAL_HASH_KEY, so every instance checks every
 * other's cursors, and one user's cursor is foreign in another user's log).
 *
 * Redis unreachable: every call rejects with UPSTREAM_UNAVAILABLE, and every
 * watcher is called so that live readers find out and end.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ErrorCode, GatewayDomainError } from '../errors.js';
import { CursorExpiredError, InvalidCursorError } from '../events/cursor.js';
import type { EventLog, EventLogEntry, EventLogRead } from '../events/event-log.js';
import type { OutboundRecordEventModel } from '../events/outbound-record-event.js';
import type { Logger } from '../logger.js';
import type { RedisConnections } from './redis-connection.js';
import type { RedisKeys } from './redis-keys.js';

// KEYS: log, meta, lease. ARGV: token ('' = unfenced), type, data, maxlen, retention ms, key ttl ms, new epoch, channel.
const APPEND = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[1] then return redis.error_reply('LEASE_LOST') end
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[7])
local prev = redis.call('HGET', KEYS[2], 'last') or '0-0'
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '=', ARGV[4], '*', 'p', prev, 't', ARGV[2], 'd', ARGV[3])
local t = redis.call('TIME')
local oldest = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[5])
if oldest > 0 then redis.call('XTRIM', KEYS[1], 'MINID', '=', oldest) end
redis.call('HSET', KEYS[2], 'last', id)
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('PUBLISH', ARGV[8], 'e ' .. id)
return {redis.call('HGET', KEYS[2], 'epoch'), id}`;

// KEYS: log, meta. ARGV: new epoch, key ttl ms.
const HEAD = `
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[1])
redis.call('HSETNX', KEYS[2], 'last', '0-0')
redis.call('PEXPIRE', KEYS[2], ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('HMGET', KEYS[2], 'epoch', 'last')`;

// KEYS: log, meta. ARGV: epoch, after id, count, retention ms, key ttl ms.
// Returns {'x'} (expired) or {'ok', entries}.
const READ = `
if redis.call('HGET', KEYS[2], 'epoch') ~= ARGV[1] then return {'x'} end
local t = redis.call('TIME')
local oldest = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[4])
if oldest > 0 then redis.call('XTRIM', KEYS[1], 'MINID', '=', oldest) end
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local last = redis.call('HGET', KEYS[2], 'last')
local entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[2], '+', 'COUNT', ARGV[3])
if #entries == 0 then
  if last == ARGV[2] then return {'ok', entries} end
  return {'x'}
end
local fields = entries[1][2]
for i = 1, #fields, 2 do
  if fields[i] == 'p' then
    if fields[i + 1] ~= ARGV[2] then return {'x'} end
    return {'ok', entries}
  end
end
return {'x'}`;

interface LogCommands {
  ogwLogAppend(log: string, meta: string, lease: string, token: string, type: string, data: string, maxlen: number, retentionMs: number, ttlMs: number, epoch: string, channel: string): Promise<[string, string]>;
  ogwLogHead(log: string, meta: string, epoch: string, ttlMs: number): Promise<[string, string]>;
  ogwLogRead(log: string, meta: string, epoch: string, after: string, count: number, retentionMs: number, ttlMs: number): Promise<[string, RawEntry[]?]>;
}

type RawEntry = [id: string, fields: string[]];

/** Thrown by a fenced append when this instance does not hold the user's lease (any more). */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

export interface RedisEventLogOptions {
  redis: RedisConnections;
  keys: RedisKeys;
  /** Entries older than this are trimmed (EVENT_RETENTION_SECONDS). */
  retentionMs: number;
  /** At most this many entries per user (EVENT_RETENTION_MAX_PER_USER). */
  maxPerUser: number;
  /** The shared secret cursor tags derive from (CREDENTIAL_HASH_KEY). */
  secret: string;
  /**
   * The lease token to fence appends with (CometdLeases.heldToken): an append
   * without one is refused, a gap without one is skipped (no session here, so
   * nothing of ours was interrupted). Unset: appends are not fenced (tests).
   */
  fence?: (userKey: string) => string | undefined;
  logger: Logger;
}

const VERSION = 2;
const EPOCH_BYTES = 8;
const TAG_BYTES = 8;
const LENGTH = 1 + EPOCH_BYTES + 8 + 8 + TAG_BYTES;
const MAX_CURSOR_CHARS = 64;
const STREAM_ID = /^(\d{1,19})-(\d{1,19})$/;

export class RedisEventLog implements EventLog {
  readonly #o: RedisEventLogOptions;
  readonly #client: Redis & LogCommands;
  readonly #tagKey: Buffer;
  /** Keys live this long past their last touch: a user nobody touched for a retention is forgotten. */
  readonly #ttlMs: number;
  readonly #watchers = new Map<string, { listeners: Set<() => void>; stop: () => void }>();
  /** Reads in flight, by user, position and limit: every watcher at one position shares one. */
  readonly #reads = new Map<string, Promise<EventLogRead>>();
  readonly #stopHealth: () => void;
  readonly #refresh: NodeJS.Timeout;

  constructor(options: RedisEventLogOptions) {
    this.#o = options;
    this.#ttlMs = options.retentionMs + 1_000;
    this.#tagKey = createHmac('sha256', options.secret).update('ogw event-log cursor tags').digest();
    const client = options.redis.commands;
    client.defineCommand('ogwLogAppend', { numberOfKeys: 3, lua: APPEND });
    client.defineCommand('ogwLogHead', { numberOfKeys: 2, lua: HEAD });
    client.defineCommand('ogwLogRead', { numberOfKeys: 2, lua: READ });
    this.#client = client as Redis & LogCommands;
    // Redis lost or back: every live reader reads now, and so learns it (UPSTREAM_UNAVAILABLE, or an expired position).
    this.#stopHealth = options.redis.onHealthChange(() => {
      for (const { listeners } of [...this.#watchers.values()]) for (const listener of [...listeners]) listener();
    });
    // A watched user's log stays while it is watched, as the memory log's does, even with nothing appended.
    this.#refresh = setInterval(() => this.#touchWatched(), Math.max(100, Math.floor(options.retentionMs / 3)));
    this.#refresh.unref();
  }

  async append(userKey: string, event: OutboundRecordEventModel): Promise<string> {
    const cursor = await this.#add(userKey, 'e', JSON.stringify(event), true);
    return cursor!;
  }

  async markGap(userKey: string, reason: string): Promise<void> {
    await this.#add(userKey, 'g', reason, false);
  }

  async head(userKey: string): Promise<string> {
    const k = this.#o.keys.user(userKey);
    const [epoch, last] = await this.#call(() => this.#client.ogwLogHead(k.log, k.meta, newEpoch(), this.#ttlMs), true);
    return this.#encode(userKey, epoch, last);
  }

  read(userKey: string, after: string, limit: number): Promise<EventLogRead> {
    const key = `${userKey}\0${after}\0${limit}`;
    let read = this.#reads.get(key);
    if (!read) {
      read = this.#read(userKey, after, limit).finally(() => this.#reads.delete(key));
      this.#reads.set(key, read);
    }
    return read;
  }

  watch(userKey: string, listener: () => void): () => void {
    let watched = this.#watchers.get(userKey);
    if (!watched) {
      const listeners = new Set<() => void>();
      const stop = this.#o.redis.listen(this.#o.keys.user(userKey).channel, (_channel, message) => {
        if (!message.startsWith('e ')) return;
        for (const l of [...listeners]) l();
      });
      watched = { listeners, stop };
      this.#watchers.set(userKey, watched);
    }
    // A wrapper, so that one listener watching twice is two watches.
    const watcher = (): void => listener();
    watched.listeners.add(watcher);
    return () => {
      const current = this.#watchers.get(userKey);
      if (!current?.listeners.delete(watcher) || current.listeners.size > 0) return;
      current.stop();
      this.#watchers.delete(userKey);
    };
  }

  /** Users watched on this instance, and their watchers (tests, the bench). */
  stats(): { users: number; watchers: number } {
    let watchers = 0;
    for (const { listeners } of this.#watchers.values()) watchers += listeners.size;
    return { users: this.#watchers.size, watchers };
  }

  async dispose(): Promise<void> {
    clearInterval(this.#refresh);
    this.#stopHealth();
    for (const { stop } of this.#watchers.values()) stop();
    this.#watchers.clear();
  }

  async #add(userKey: string, type: 'e' | 'g', data: string, mustHoldLease: boolean): Promise<string | undefined> {
    let token = '';
    if (this.#o.fence) {
      const held = this.#o.fence(userKey);
      if (held === undefined) {
        if (mustHoldLease) throw new LeaseLostError('This instance does not hold the upstream session lease of this user');
        return undefined;
      }
      token = held;
    }
    const k = this.#o.keys.user(userKey);
    try {
      const [epoch, id] = await this.#call(() =>
        this.#client.ogwLogAppend(k.log, k.meta, k.lease, token, type, data, this.#o.maxPerUser, this.#o.retentionMs, this.#ttlMs, newEpoch(), k.channel),
      );
      return this.#encode(userKey, epoch, id);
    } catch (error) {
      if ((error as Error).message?.includes('LEASE_LOST')) {
        if (mustHoldLease) throw new LeaseLostError('The upstream session lease of this user is held by another instance now');
        return undefined;
      }
      throw error;
    }
  }

  async #read(userKey: string, after: string, limit: number): Promise<EventLogRead> {
    const position = this.#decode(userKey, after);
    const k = this.#o.keys.user(userKey);
    const count = Math.max(1, Math.floor(limit));
    const [status, raw] = await this.#call(
      () => this.#client.ogwLogRead(k.log, k.meta, position.epoch, position.id, count, this.#o.retentionMs, this.#ttlMs),
      true,
    );
    if (status !== 'ok') throw new CursorExpiredError(EXPIRED);
    const entries: EventLogEntry[] = [];
    for (const [id, fields] of (raw ?? []).slice(0, Math.max(0, limit))) {
      entries.push(this.#entry(userKey, position.epoch, id, fields));
    }
    return { entries, next: entries.at(-1)?.cursor ?? after };
  }

  #entry(userKey: string, epoch: string, id: string, fields: string[]): EventLogEntry {
    let type = '';
    let data = '';
    for (let i = 0; i < fields.length; i += 2) {
      if (fields[i] === 't') type = fields[i + 1]!;
      else if (fields[i] === 'd') data = fields[i + 1]!;
    }
    const cursor = this.#encode(userKey, epoch, id);
    if (type === 'g') return { kind: 'gap', cursor, reason: data };
    const parsed = JSON.parse(data) as OutboundRecordEventModel & { receivedAt: string };
    return { kind: 'event', cursor, event: { ...parsed, receivedAt: new Date(parsed.receivedAt) } };
  }

  /**
   * Runs a Redis call; a Redis failure becomes UPSTREAM_UNAVAILABLE (the client
   * learns why its stream cannot go on). `retry`: reads (which only trim and
   * renew TTLs, so running twice is harmless) get one more try when a command
   * timed out on a live connection (a busy moment); appends never do, as the
   * first may have been applied.
   */
  async #call<T>(f: () => Promise<T>, retry = false): Promise<T> {
    try {
      return await f();
    } catch (error) {
      if (retry && this.#o.redis.healthy && !(error as Error).message?.includes('LEASE_LOST')) return this.#call(f, false);
      if ((error as Error).message?.includes('LEASE_LOST')) throw error;
      throw new GatewayDomainError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Live events are unavailable: the gateway cannot reach Redis; subscribe again with your last cursor');
    }
  }

  #touchWatched(): void {
    if (this.#watchers.size === 0 || !this.#o.redis.healthy) return;
    const pipeline = this.#client.pipeline();
    for (const userKey of this.#watchers.keys()) {
      const k = this.#o.keys.user(userKey);
      pipeline.pexpire(k.meta, this.#ttlMs).pexpire(k.log, this.#ttlMs);
    }
    pipeline.exec().catch(() => undefined);
  }

  #encode(userKey: string, epoch: string, id: string): string {
    const match = STREAM_ID.exec(id);
    if (!match) throw new Error(`unexpected stream id ${id}`);
    const bytes = Buffer.alloc(LENGTH);
    bytes.writeUInt8(VERSION, 0);
    Buffer.from(epoch, 'hex').copy(bytes, 1);
    bytes.writeBigUInt64BE(BigInt(match[1]!), 1 + EPOCH_BYTES);
    bytes.writeBigUInt64BE(BigInt(match[2]!), 1 + EPOCH_BYTES + 8);
    this.#tag(userKey, bytes.subarray(0, LENGTH - TAG_BYTES)).copy(bytes, LENGTH - TAG_BYTES);
    return bytes.toString('base64url');
  }

  #decode(userKey: string, cursor: string): { epoch: string; id: string } {
    if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
      throw new InvalidCursorError();
    }
    const bytes = Buffer.from(cursor, 'base64url');
    // A cursor of the memory log (another version) is well-formed but not this log's: from another lifetime.
    if (bytes.length > 0 && bytes.readUInt8(0) === 1 && bytes.length === 25) throw new CursorExpiredError(EXPIRED);
    if (bytes.length !== LENGTH || bytes.readUInt8(0) !== VERSION) throw new InvalidCursorError();
    const tag = this.#tag(userKey, bytes.subarray(0, LENGTH - TAG_BYTES));
    if (!timingSafeEqual(tag, bytes.subarray(LENGTH - TAG_BYTES))) {
      throw new CursorExpiredError("This cursor belongs to another credential's event log: refetch what you show, then subscribe without `after`");
    }
    const epoch = bytes.subarray(1, 1 + EPOCH_BYTES).toString('hex');
    const ms = bytes.readBigUInt64BE(1 + EPOCH_BYTES);
    const seq = bytes.readBigUInt64BE(1 + EPOCH_BYTES + 8);
    return { epoch, id: `${ms}-${seq}` };
  }

  #tag(userKey: string, body: Buffer): Buffer {
    return createHmac('sha256', this.#tagKey).update(userKey).update('\0').update(body).digest().subarray(0, TAG_BYTES);
  }
}

const EXPIRED = 'The events after this cursor are no longer kept: refetch what you show, then subscribe without `after`';

function newEpoch(): string {
  return randomBytes(EPOCH_BYTES).toString('hex');
}
