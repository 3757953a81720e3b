/**
 * The in-memory event log (the default, one process): per user, an array of
 * entries in sequence order, bounded by age (`retentionMs`) and by count
 * (`maxPerUser`, the oldest go first).
 *
 * Positions are one sequence shared by every user of this log (so they are
 * strictly increasing per user, and a head position needs no entry). Each user
 * has a floor: a cursor below it addresses something trimmed (or a time before
 * this user's entries were kept here) and is expired. Trimming happens on
 * append and read, plus one unref'd sweep that also forgets users who have
 * had nothing retained and no reader for longer than the retention: no timer
 * per user.
 */
import { CursorCodec, CursorExpiredError } from './cursor.js';
import type { EventLog, EventLogEntry, EventLogRead } from './event-log.js';
import type { OutboundRecordEventModel } from './outbound-record-event.js';

/** Settings of a {@link MemoryEventLog}. */
export interface MemoryEventLogOptions {
  /** Entries older than this are trimmed (EVENT_RETENTION_SECONDS). */
  retentionMs: number;
  /** At most this many entries per user (EVENT_RETENTION_MAX_PER_USER); the oldest go first. */
  maxPerUser: number;
  /** How often the sweep runs. @default min(retentionMs, 60 s) */
  sweepIntervalMs?: number;
  /** The clock. @default Date.now */
  now?: () => number;
  /** The cursor codec. @default a random epoch and secret (this process lifetime) */
  codec?: CursorCodec;
}

interface Stored {
  sequence: number;
  at: number;
  entry: EventLogEntry;
}

interface UserLog {
  entries: Stored[];
  /** Cursors with a lower sequence are expired. */
  floor: number;
  watchers: Set<() => void>;
  /** Last append, read, head or unwatch: an empty, unwatched user log is forgotten a retention after it. */
  touchedAt: number;
}

/** Sizes, for tests and the bench. */
export interface MemoryEventLogStats {
  users: number;
  entries: number;
  watchers: number;
}

export class MemoryEventLog implements EventLog {
  readonly #retentionMs: number;
  readonly #maxPerUser: number;
  readonly #now: () => number;
  readonly #codec: CursorCodec;
  readonly #users = new Map<string, UserLog>();
  readonly #sweep: NodeJS.Timeout;
  /** The last sequence given out (to any user). */
  #sequence = 0;
  #disposed = false;

  constructor(options: MemoryEventLogOptions) {
    this.#retentionMs = options.retentionMs;
    this.#maxPerUser = options.maxPerUser;
    this.#now = options.now ?? Date.now;
    this.#codec = options.codec ?? new CursorCodec();
    this.#sweep = setInterval(() => this.sweep(), options.sweepIntervalMs ?? Math.min(options.retentionMs, 60_000));
    this.#sweep.unref();
  }

  append(userKey: string, event: OutboundRecordEventModel): Promise<string> {
    const cursor = this.#add(userKey, (c) => ({ kind: 'event', cursor: c, event }));
    return Promise.resolve(cursor);
  }

  markGap(userKey: string, reason: string): Promise<void> {
    this.#add(userKey, (c) => ({ kind: 'gap', cursor: c, reason }));
    return Promise.resolve();
  }

  head(userKey: string): Promise<string> {
    const log = this.#log(userKey);
    log.touchedAt = this.#now();
    return Promise.resolve(this.#codec.encode(userKey, this.#sequence));
  }

  read(userKey: string, after: string, limit: number): Promise<EventLogRead> {
    try {
      return Promise.resolve(this.#read(userKey, after, limit));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  watch(userKey: string, listener: () => void): () => void {
    const log = this.#log(userKey);
    // A wrapper, so that one listener watching twice is two watches.
    const watcher = (): void => listener();
    log.watchers.add(watcher);
    return () => {
      log.watchers.delete(watcher);
      log.touchedAt = this.#now();
    };
  }

  dispose(): Promise<void> {
    this.#disposed = true;
    clearInterval(this.#sweep);
    this.#users.clear();
    return Promise.resolve();
  }

  /** Trims every user's log and forgets the users with nothing left to keep. Runs on its own timer too. */
  sweep(): void {
    const now = this.#now();
    for (const [userKey, log] of this.#users) {
      this.#trim(log, now);
      if (log.entries.length === 0 && log.watchers.size === 0 && now - log.touchedAt > this.#retentionMs) this.#users.delete(userKey);
    }
  }

  /** How many users, entries and watchers the log holds now. */
  stats(): MemoryEventLogStats {
    let entries = 0;
    let watchers = 0;
    for (const log of this.#users.values()) {
      entries += log.entries.length;
      watchers += log.watchers.size;
    }
    return { users: this.#users.size, entries, watchers };
  }

  #add(userKey: string, make: (cursor: string) => EventLogEntry): string {
    if (this.#disposed) throw new Error('event log disposed');
    const log = this.#log(userKey);
    const now = this.#now();
    const sequence = ++this.#sequence;
    const entry = make(this.#codec.encode(userKey, sequence));
    log.entries.push({ sequence, at: now, entry });
    log.touchedAt = now;
    this.#trim(log, now);
    // Copy: a watcher may unwatch while we iterate.
    for (const watcher of [...log.watchers]) watcher();
    return entry.cursor;
  }

  #read(userKey: string, after: string, limit: number): EventLogRead {
    const sequence = this.#codec.decode(userKey, after);
    const log = this.#log(userKey);
    const now = this.#now();
    log.touchedAt = now;
    this.#trim(log, now);
    if (sequence < log.floor) throw new CursorExpiredError(expiredMessage);
    // A valid tag with a sequence not yet given out cannot come from this log.
    if (sequence > this.#sequence) throw new CursorExpiredError(expiredMessage);
    const start = firstAfter(log.entries, sequence);
    const stored = log.entries.slice(start, start + Math.max(0, limit));
    const entries = stored.map((s) => s.entry);
    return { entries, next: entries.at(-1)?.cursor ?? after };
  }

  /** The user's log, created on first use with a floor at the current sequence (nothing before is known here). */
  #log(userKey: string): UserLog {
    let log = this.#users.get(userKey);
    if (!log) {
      log = { entries: [], floor: this.#sequence, watchers: new Set(), touchedAt: this.#now() };
      this.#users.set(userKey, log);
    }
    return log;
  }

  #trim(log: UserLog, now: number): void {
    const oldest = now - this.#retentionMs;
    let drop = 0;
    const excess = log.entries.length - this.#maxPerUser;
    while (drop < log.entries.length && (drop < excess || log.entries[drop]!.at < oldest)) drop++;
    if (drop === 0) return;
    log.floor = Math.max(log.floor, log.entries[drop - 1]!.sequence);
    log.entries.splice(0, drop);
  }
}

const expiredMessage = 'The events after this cursor are no longer kept: refetch what you show, then subscribe without `after`';

/** Index of the first entry with a sequence greater than `sequence` (entries are in sequence order). */
function firstAfter(entries: readonly Stored[], sequence: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.sequence <= sequence) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
