/**
 * One subscriber's stream of a user's events, read from the user's event log
 * at the subscriber's own position: replay (after a client's cursor) and live
 * delivery are the same reads of the same log, so there is no seam where an
 * event could be doubled or skipped.
 *
 * - Replay: entries after the position are read in batches when the consumer
 *   pulls, so a replay of any length goes at the subscriber's pace. A gap
 *   entry (upstream interruption) or an expired position ends it with
 *   CURSOR_EXPIRED: the gateway cannot vouch for continuity.
 * - Live (once the replay is drained, or from the start without a cursor):
 *   each append is read at once into a buffer of at most `queueMax` events; a
 *   consumer that falls further behind, or whose position the log trimmed, is
 *   ended with SUBSCRIBER_TOO_SLOW. Gap entries are skipped: a live
 *   subscriber keeps its subscription across upstream interruptions.
 *
 * - Shared live tail: a live subscriber that has caught up with the user's
 *   live tail (its position is the tail's) joins it and stops reading on its
 *   own: the tail reads each append once for all of them and hands every
 *   member the same entries, which each filters and bounds as above. A
 *   subscriber elsewhere in the log (a replay, a head position of its own)
 *   reads on its own until it meets the tail's position, then joins.
 *
 * return() (client completed or disconnected) runs the cleanup exactly once.
 */
import { ErrorCode, GatewayDomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import { matchesFilter, type OutboundRecordEventFilter } from './event-filter.js';
import type { EventLog, EventLogRead } from './event-log.js';
import { loggedEvent, type LoggedOutboundRecordEvent } from './logged-event.js';
import type { QueueEnd, QueueItem } from './stream-end.js';

/** Settings of a {@link LogSubscriber}. */
export interface LogSubscriberOptions {
  log: EventLog;
  userKey: string;
  /** The position to read after: the client's cursor, or the log's head. */
  after: string;
  /** True when `after` is the client's cursor (gaps and expiry then end the subscription with CURSOR_EXPIRED). */
  resuming: boolean;
  filter?: OutboundRecordEventFilter | null;
  /** Live events a subscriber may fall behind before SUBSCRIBER_TOO_SLOW. */
  queueMax: number;
  /** Entries read per replay read. @default 100 */
  replayBatch?: number;
  /** Called once when the subscriber ends (any way). */
  onClose?: () => void;
  onDelivered?: () => void;
  onDropped?: (count: number) => void;
  logger: Logger;
}

type Mode = 'replay' | 'live';

export class LogSubscriber implements AsyncIterableIterator<QueueItem<LoggedOutboundRecordEvent>> {
  readonly #o: LogSubscriberOptions;
  readonly #batch: number;
  readonly #buffer: LoggedOutboundRecordEvent[] = [];
  #position: string;
  #mode: Mode;
  /** A replay read came back short: the replay ends once the buffer is drained. */
  #caughtUp = false;
  #final: QueueEnd | undefined;
  #done = false;
  #waiting: ((result: IteratorResult<QueueItem<LoggedOutboundRecordEvent>>) => void) | undefined;
  /** The synchronous consumer's wake-up ({@link whenReadable}), instead of a pending next(). */
  #readable: (() => void) | undefined;
  #reading = false;
  /** An append came while a read was running: read again after it. */
  #dirty = false;
  #unwatch: (() => void) | undefined;
  #onClose: (() => void) | undefined;
  /** The user's live tail this subscriber is a member of (it reads for us), or waits to join. */
  #tail: LiveTail | undefined;
  #member = false;

  constructor(options: LogSubscriberOptions) {
    this.#o = options;
    this.#batch = options.replayBatch ?? 100;
    this.#position = options.after;
    this.#mode = options.resuming ? 'replay' : 'live';
    this.#onClose = options.onClose;
    // A new tail starts at our position (and reads what came since the head); an existing one elsewhere is joined later.
    if (this.#mode === 'live' && this.#tryJoin()) return;
    this.#unwatch = options.log.watch(options.userKey, () => this.#onAppend());
    // Whatever came between the head and the watch, or the replay's first batch.
    this.#pump();
  }

  /** Ends the stream with a last error item (after the events already read), e.g. UNAUTHENTICATED. */
  end(final: QueueEnd): void {
    if (this.#final || this.#done) return;
    this.#final = final;
    this.#release();
    this.#flushWaiting();
  }

  get closed(): boolean {
    return this.#done;
  }

  /** Whose log this reads: subscribers of one user may share the execution of an event (src/fanout/). */
  get userKey(): string {
    return this.#o.userKey;
  }

  next(): Promise<IteratorResult<QueueItem<LoggedOutboundRecordEvent>>> {
    const item = this.#take();
    if (item) return Promise.resolve(item);
    return new Promise((resolve) => {
      this.#waiting = resolve;
      if (this.#mode === 'replay' || this.#dirty) this.#pump();
    });
  }

  /**
   * What next() would resolve with at once, or undefined when it would wait:
   * with {@link whenReadable}, a consumer that takes items synchronously (the
   * fan-out hands an event to every subscriber of a group in one go) without
   * a promise per item.
   */
  poll(): IteratorResult<QueueItem<LoggedOutboundRecordEvent>> | undefined {
    return this.#take();
  }

  /** Calls `onReadable` once when {@link poll} has something (an event, the final item, the end). One consumer at a time. */
  whenReadable(onReadable: () => void): void {
    this.#readable = onReadable;
    if (this.#mode === 'replay' || this.#dirty) this.#pump();
  }

  return(): Promise<IteratorResult<QueueItem<LoggedOutboundRecordEvent>>> {
    this.#readable = undefined;
    this.#buffer.length = 0;
    this.#done = true;
    this.#release();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<QueueItem<LoggedOutboundRecordEvent>>> {
    void this.return();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next result if one is ready: a buffered event, the final item, or done. */
  #take(): IteratorResult<QueueItem<LoggedOutboundRecordEvent>> | undefined {
    if (this.#done) return { value: undefined, done: true };
    const event = this.#buffer.shift();
    if (event) {
      this.#o.onDelivered?.();
      return { value: event, done: false };
    }
    if (this.#final) {
      this.#done = true;
      return { value: this.#final, done: false };
    }
    if (this.#mode === 'replay' && this.#caughtUp) this.#mode = 'live';
    return undefined;
  }

  #flushWaiting(): void {
    const waiting = this.#waiting;
    if (!waiting) {
      const readable = this.#readable;
      if (readable && (this.#buffer.length > 0 || this.#final || this.#done)) {
        this.#readable = undefined;
        readable();
      }
      return;
    }
    const item = this.#take();
    if (!item) return;
    this.#waiting = undefined;
    waiting(item);
  }

  #onAppend(): void {
    if (this.#done || this.#final || this.#member) return;
    // Live: read at once (that is what makes a slow consumer visible). Replay: the next pull reads.
    if (this.#mode === 'live' || this.#waiting || this.#readable) this.#pump();
    else this.#dirty = true;
  }

  #pump(): void {
    if (this.#reading) {
      this.#dirty = true;
      return;
    }
    this.#reading = true;
    void this.#readLoop();
  }

  async #readLoop(): Promise<void> {
    try {
      do {
        this.#dirty = false;
        if (this.#done || this.#final || this.#member) return;
        try {
          if (this.#mode === 'replay') await this.#readReplay();
          else await this.#readLive();
        } catch (error) {
          this.#fail(error);
        }
        // At the tail's position now: it reads for us from here.
        if (this.#mode === 'live' && !this.#done && !this.#final) this.#tryJoin();
        this.#flushWaiting();
        // A pull that found nothing to read in replay mode has turned live: wait for appends.
      } while (this.#dirty && !this.#done && !this.#final && !this.#member && (this.#mode === 'live' || this.#waiting || this.#readable));
    } finally {
      // Cleared in the same step as the last read's handling (not a microtask later): the tail checks it.
      this.#reading = false;
    }
  }

  /**
   * Joins the user's live tail if it is at our position (creating it at our
   * position if there is none); otherwise waits for it to come by. True when joined.
   */
  #tryJoin(): boolean {
    if (this.#member || this.#done || this.#final) return this.#member;
    const tail = LiveTail.of(this.#o.log, this.#o.userKey, this.#position, this.#o.queueMax);
    if (this.#tail && this.#tail !== tail) this.#tail.leave(this);
    this.#tail = tail;
    if (tail.position !== this.#position) {
      tail.waitFor(this);
      return false;
    }
    tail.admit(this);
    this.#member = true;
    this.#dirty = false; // whatever an append left to read, the tail reads
    this.#unwatch?.();
    this.#unwatch = undefined;
    return true;
  }

  /** @internal The tail came to `position`: join it if we are there too and not reading on our own. */
  offerTail(tail: LiveTail): boolean {
    if (this.#reading || this.#mode !== 'live' || this.#tail !== tail || this.#position !== tail.position) return false;
    return this.#tryJoin();
  }

  /** @internal What the tail read after our position (we are a member), up to `next`. */
  receiveLive(events: readonly LoggedOutboundRecordEvent[], next: string): void {
    if (this.#done || this.#final) return;
    const filter = this.#o.filter;
    for (const event of events) if (matchesFilter(event, filter)) this.#buffer.push(event);
    this.#position = next;
    if (this.#buffer.length > this.#o.queueMax) return this.#tooSlow();
    this.#flushWaiting();
  }

  /** @internal The tail's read failed. */
  failLive(error: unknown): void {
    if (this.#done || this.#final) return;
    this.#fail(error);
    this.#flushWaiting();
  }

  async #readReplay(): Promise<void> {
    while (!this.#done && !this.#final && this.#buffer.length === 0 && !this.#caughtUp) {
      const read = await this.#o.log.read(this.#o.userKey, this.#position, this.#batch);
      if (this.#done) return;
      for (const entry of read.entries) {
        if (entry.kind === 'gap') {
          // What was read before the gap is delivered; what follows cannot be vouched for.
          this.#end({
            end: true,
            code: ErrorCode.CURSOR_EXPIRED,
            message: 'The gateway\'s upstream event session was interrupted after this cursor: refetch what you show, then subscribe without `after`',
          });
          return;
        }
        if (matchesFilter(entry.event, this.#o.filter)) this.#buffer.push(loggedEvent(entry));
      }
      this.#position = read.next;
      if (read.entries.length < this.#batch) this.#caughtUp = true;
    }
    if (this.#buffer.length === 0 && this.#caughtUp) this.#mode = 'live';
  }

  async #readLive(): Promise<void> {
    for (;;) {
      const limit = Math.max(1, this.#o.queueMax - this.#buffer.length + 1);
      const read = await this.#o.log.read(this.#o.userKey, this.#position, limit);
      if (this.#done || this.#final) return;
      for (const entry of read.entries) {
        if (entry.kind === 'event' && matchesFilter(entry.event, this.#o.filter)) this.#buffer.push(loggedEvent(entry));
      }
      this.#position = read.next;
      if (this.#buffer.length > this.#o.queueMax) {
        this.#tooSlow();
        return;
      }
      if (read.entries.length < limit) return;
    }
  }

  #fail(error: unknown): void {
    if (error instanceof GatewayDomainError && error.code === ErrorCode.CURSOR_EXPIRED && this.#mode === 'live') {
      // The log trimmed what this live subscriber had not read yet.
      this.#tooSlow('Subscriber fell behind what the event log keeps');
      return;
    }
    if (error instanceof GatewayDomainError) {
      this.#end({ end: true, code: error.code, message: error.message, error });
      return;
    }
    this.#o.logger.error({ err: error, session: this.#o.userKey }, 'event log read failed');
    this.#end({ end: true, code: ErrorCode.UPSTREAM_UNAVAILABLE, message: 'The event log could not be read; subscribe again' });
  }

  #tooSlow(message = `Subscriber fell more than ${this.#o.queueMax} events behind`): void {
    const dropped = this.#buffer.length;
    this.#buffer.length = 0; // what it did not read is dropped; the client learns why
    this.#o.onDropped?.(dropped + 1);
    this.#o.logger.warn({ session: this.#o.userKey, backlog: dropped }, 'subscriber too slow: ended');
    this.#end({ end: true, code: ErrorCode.SUBSCRIBER_TOO_SLOW, message });
  }

  #end(final: QueueEnd): void {
    this.end(final);
  }

  #release(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#tail?.leave(this);
    this.#tail = undefined;
    this.#member = false;
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.();
  }
}

const tails = new WeakMap<EventLog, Map<string, LiveTail>>();

/**
 * One user's live tail of the log in this process: one read per append for
 * every member (live subscribers at its position), and the entries handed
 * to each. It exists while it has members.
 */
class LiveTail {
  readonly #log: EventLog;
  readonly #userKey: string;
  readonly #limit: number;
  #position: string;
  readonly #members = new Set<LogSubscriber>();
  /** Live subscribers reading on their own until they meet the tail's position. */
  readonly #waiting = new Set<LogSubscriber>();
  readonly #unwatch: () => void;
  #reading = false;
  #dirty = false;
  #disposed = false;

  /** The user's tail, or a new one at `position`. */
  static of(log: EventLog, userKey: string, position: string, queueMax: number): LiveTail {
    let byUser = tails.get(log);
    if (!byUser) tails.set(log, (byUser = new Map()));
    let tail = byUser.get(userKey);
    if (!tail) byUser.set(userKey, (tail = new LiveTail(log, userKey, position, queueMax)));
    return tail;
  }

  private constructor(log: EventLog, userKey: string, position: string, queueMax: number) {
    this.#log = log;
    this.#userKey = userKey;
    this.#position = position;
    // A member whose queue is full goes over its bound with one more: read as much at a time.
    this.#limit = Math.max(1, queueMax + 1);
    this.#unwatch = log.watch(userKey, () => this.#pump());
    // Whatever came between the creating subscriber's position and the watch.
    this.#pump();
  }

  get position(): string {
    return this.#position;
  }

  admit(subscriber: LogSubscriber): void {
    this.#waiting.delete(subscriber);
    this.#members.add(subscriber);
  }

  waitFor(subscriber: LogSubscriber): void {
    this.#waiting.add(subscriber);
  }

  leave(subscriber: LogSubscriber): void {
    this.#waiting.delete(subscriber);
    if (!this.#members.delete(subscriber) || this.#members.size > 0) return;
    this.#disposed = true;
    this.#unwatch();
    const byUser = tails.get(this.#log);
    if (byUser?.get(this.#userKey) === this) byUser.delete(this.#userKey);
  }

  #pump(): void {
    if (this.#reading) {
      this.#dirty = true;
      return;
    }
    this.#reading = true;
    void this.#readLoop();
  }

  async #readLoop(): Promise<void> {
    try {
      do {
        this.#dirty = false;
        for (;;) {
          if (this.#disposed) return;
          let read: EventLogRead;
          try {
            read = await this.#log.read(this.#userKey, this.#position, this.#limit);
          } catch (error) {
            for (const member of [...this.#members]) member.failLive(error);
            break;
          }
          if (this.#disposed) return;
          const events: LoggedOutboundRecordEvent[] = [];
          for (const entry of read.entries) if (entry.kind === 'event') events.push(loggedEvent(entry));
          // Position and hand-out in one step: a subscriber at the tail's position has everything before it.
          this.#position = read.next;
          for (const member of [...this.#members]) member.receiveLive(events, read.next);
          for (const subscriber of [...this.#waiting]) subscriber.offerTail(this);
          if (read.entries.length < this.#limit) break;
        }
      } while (this.#dirty && !this.#disposed);
    } finally {
      this.#reading = false;
    }
  }
}
