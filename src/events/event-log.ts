/**
 * A user's event log: the one place a user's paired outbound events are
 * appended (by whoever holds that user's upstream CometD session) and read
 * (live subscribers, resumes with `after`, the catch-up query). Replay and
 * live delivery are the same read of the same log, so they cannot disagree.
 *
 * Implementations: in memory (the default, one process) and Redis Streams
 * (REDIS_URL set, every instance). Callers never see which one they use.
 * This file is the contract between them; keep it small.
 */
import type { OutboundRecordEventModel } from './outbound-record-event.js';

/** One entry of a user's log. */
export type EventLogEntry =
  /** An event, at its cursor. */
  | { kind: 'event'; cursor: string; event: OutboundRecordEventModel }
  /**
   * The upstream session was interrupted here (re-handshake, GWS down,
   * takeover by another instance): events may be missing, so a resume whose
   * range spans this entry ends with CURSOR_EXPIRED. Live readers skip it.
   */
  | { kind: 'gap'; cursor: string; reason: string };

/** What a read after a position returned. */
export interface EventLogRead {
  entries: EventLogEntry[];
  /** The position to read after next time (the last entry's cursor, or the one read after when nothing came). */
  next: string;
}

export interface EventLog {
  /** Appends an event; resolves with its cursor (strictly greater than every earlier cursor of this user). */
  append(userKey: string, event: OutboundRecordEventModel): Promise<string>;
  /** Records an upstream interruption (see EventLogEntry 'gap'). */
  markGap(userKey: string, reason: string): Promise<void>;
  /** The position of the end of the log now: reading after it returns only what is appended later. */
  head(userKey: string): Promise<string>;
  /**
   * At most `limit` entries strictly after `after`, in order.
   * @throws CursorExpiredError when the log can no longer vouch for what
   *   follows `after` (trimmed by age or count, another process lifetime).
   * @throws InvalidCursorError when `after` is not a cursor at all.
   */
  read(userKey: string, after: string, limit: number): Promise<EventLogRead>;
  /** Calls `listener` (no arguments, must not throw) whenever entries are appended to this user's log. Returns the unsubscribe function. */
  watch(userKey: string, listener: () => void): () => void;
  /** Releases timers and connections. */
  dispose(): Promise<void>;
}
