/**
 * One user's live outbound events in this gateway instance: opens the user's
 * upstream CometD session on first need (a subscriber or an awaited
 * acknowledgement), pairs its messages and appends each event once to the
 * user's event log, where subscribers and acknowledgement waiters read it.
 * The session stays open `idleGraceMs` (by default EVENT_RETENTION_SECONDS)
 * after the last need ends, so that a client away for less can resume.
 *
 * Whenever the upstream session may have missed events (opened, closed,
 * re-handshaken, refused), a gap is marked in the log: a resume across it
 * ends with CURSOR_EXPIRED rather than silently skipping what GWS sent then.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode, gatewayError, unauthenticated } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OutboundRecordEventFilter } from './event-filter.js';
import type { EventLog } from './event-log.js';
import { EventPairer } from './event-pairing.js';
import { loggedEvent, type LoggedOutboundRecordEvent } from './logged-event.js';
import { LogSubscriber } from './log-subscriber.js';
import type { OutboundRecordEventModel } from './outbound-record-event.js';
import type { QueueEnd } from './stream-end.js';

export type UpstreamState = 'connecting' | 'connected' | 'reconnecting' | 'unauthenticated' | 'closed';

/** What the stream needs of an upstream event source (the user's CometD session). */
export interface UpstreamEventSource {
  readonly state: UpstreamState;
  /** Resolves once connected and subscribed; rejects (code UNAUTHENTICATED) when credentials fail. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export interface UpstreamHandlers {
  onMessage: (channel: string, data: unknown) => void;
  onStateChange: (state: UpstreamState, error?: Error) => void;
  /** The upstream session was re-established (a re-handshake): what GWS sent in between may be lost. */
  onInterrupted?: (reason: string) => void;
}

export type UpstreamSourceFactory = (handlers: UpstreamHandlers) => UpstreamEventSource;

/** Counts what happens to events, for metrics; every member optional. */
export interface EventStreamObserver {
  received?(): void;
  delivered?(): void;
  dropped?(count: number): void;
  acknowledgement?(outcome: 'ok' | 'timeout' | 'error' | 'cancelled', seconds: number): void;
}

export interface UserEventStreamOptions {
  userKey: string;
  /** The user's event log: every paired event is appended there once. */
  log: EventLog;
  openSource: UpstreamSourceFactory;
  pairingWindowMs: number;
  /** How long the upstream session stays open after the last need (EVENT_RETENTION_SECONDS unless COMETD_IDLE_GRACE_MS). */
  idleGraceMs: number;
  /**
   * A subscriber whose upstream session has not been connected for this long
   * is told: its subscription ends with UPSTREAM_UNAVAILABLE (and a waiting
   * subscribe or acknowledgement fails with it), and the upstream session is
   * closed; subscribing again starts a new one. @default 30_000
   */
  stallNoticeMs?: number;
  subscriberQueueMax: number;
  logger: Logger;
  observer?: EventStreamObserver;
}

export interface AcknowledgementWaiter {
  /** Settles once the upstream session is subscribed, has failed, or took longer than the wait allows. */
  ready: Promise<void>;
  promise: Promise<LoggedOutboundRecordEvent>;
  cancel(): void;
}

export interface EventStreamStatus {
  state: 'IDLE' | 'CONNECTING' | 'CONNECTED' | 'RECONNECTING' | 'UNAUTHENTICATED' | 'CLOSED';
  subscribers: number;
  lastEventAt: Date | null;
  /** Since when the upstream session has not been connected (CONNECTING or RECONNECTING), if it is failing. */
  failingSince: Date | null;
}

export class UserEventStream {
  readonly #o: UserEventStreamOptions;
  readonly #pairer: EventPairer;
  readonly #subscribers = new Set<LogSubscriber>();
  /** Who hears the end of the whole stream (credentials refused, disposal): subscribers and waiters. */
  readonly #endListeners = new Set<(end: QueueEnd) => void>();
  #needs = 0;
  #source: UpstreamEventSource | undefined;
  #starting: Promise<void> | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #lastEventAt: Date | null = null;
  #lastState: UpstreamState | undefined;
  #disposed = false;
  /** While the source is not connected: since when, and the timer of the stall notice. */
  #failing: { since: Date; timer: NodeJS.Timeout; stalled: (error: GraphQLError) => void } | undefined;

  constructor(options: UserEventStreamOptions) {
    this.#o = options;
    this.#pairer = new EventPairer({
      windowMs: options.pairingWindowMs,
      emit: (event) => {
        this.#lastEventAt = event.receivedAt;
        this.#o.observer?.received?.();
        this.#append(event);
      },
    });
  }

  /**
   * A subscriber's stream of the user's events that pass the filter: after
   * the client's cursor when `after` is given (replay, then live), else from now.
   * @throws InvalidCursorError (BAD_USER_INPUT) or CursorExpiredError before anything is opened upstream
   */
  async subscribe(filter?: OutboundRecordEventFilter | null, after?: string | null): Promise<LogSubscriber> {
    const { log, userKey } = this.#o;
    // A string that is not a cursor, or one already expired, fails before the upstream session is opened.
    if (after) await log.read(userKey, after, 0);
    const release = await this.#acquire();
    let start: string;
    try {
      start = after ?? (await log.head(userKey));
    } catch (error) {
      release();
      throw error;
    }
    const subscriber: LogSubscriber = new LogSubscriber({
      log,
      userKey,
      after: start,
      resuming: Boolean(after),
      filter: filter ?? null,
      queueMax: this.#o.subscriberQueueMax,
      logger: this.#o.logger,
      onDelivered: () => this.#o.observer?.delivered?.(),
      onDropped: (n) => this.#o.observer?.dropped?.(n),
      onClose: () => {
        this.#subscribers.delete(subscriber);
        this.#endListeners.delete(onEnd);
        release();
      },
    });
    const onEnd = (end: QueueEnd): void => subscriber.end(end);
    if (!subscriber.closed) {
      this.#subscribers.add(subscriber);
      this.#endListeners.add(onEnd);
    }
    return subscriber;
  }

  /**
   * Registers a waiter for the acknowledgement with this referenceId, before
   * the operation is sent, and opens the upstream session if needed. It reads
   * the user's log from its head at registration.
   */
  waitForAcknowledgement(referenceId: string, timeoutMs: number): AcknowledgementWaiter {
    const { log, userKey } = this.#o;
    let settle: ((error: Error | undefined, event?: LoggedOutboundRecordEvent) => void) | undefined;
    const promise = new Promise<LoggedOutboundRecordEvent>((resolve, reject) => {
      settle = (error, event) => (error ? reject(error) : resolve(event!));
    });
    promise.catch(() => undefined); // a cancelled waiter's rejection is nobody's concern
    let release: (() => void) | undefined;
    let done = false;
    const started = performance.now();
    const finish = (error: Error | undefined, event?: LoggedOutboundRecordEvent): void => {
      if (done) return;
      done = true;
      const code = (error as { extensions?: { code?: unknown } } | undefined)?.extensions?.code;
      const outcome = !error ? 'ok' : code === ErrorCode.ACKNOWLEDGEMENT_TIMEOUT ? 'timeout' : error.message === 'cancelled' ? 'cancelled' : 'error';
      this.#o.observer?.acknowledgement?.(outcome, (performance.now() - started) / 1000);
      clearTimeout(timer);
      unwatch();
      this.#endListeners.delete(onEnd);
      release?.();
      settle!(error, event);
    };
    // Reads after `position` on every append, one read at a time.
    let position: string | undefined;
    let reading = false;
    let dirty = false;
    const check = async (): Promise<void> => {
      if (position === undefined || reading) {
        dirty = true;
        return;
      }
      reading = true;
      try {
        do {
          dirty = false;
          const read = await log.read(userKey, position, 1_000);
          position = read.next;
          for (const entry of read.entries) {
            if (entry.kind === 'event' && entry.event.referenceId === referenceId) return finish(undefined, loggedEvent(entry));
          }
        } while (dirty && !done);
      } catch (error) {
        // Trimmed under a waiter (a flood of events): read on from the head.
        this.#o.logger.warn({ err: error, session: userKey }, 'acknowledgement waiter lost its place in the event log');
        position = await log.head(userKey).catch(() => position);
      } finally {
        reading = false;
      }
    };
    const unwatch = log.watch(userKey, () => void check());
    const onEnd = (end: QueueEnd): void => finish(gatewayError(end.code as ErrorCode, end.message));
    this.#endListeners.add(onEnd);
    const positioned = log.head(userKey).then(
      (head) => {
        position = head;
        if (dirty) void check();
      },
      (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
    );
    const timer = setTimeout(() => {
      finish(
        gatewayError(ErrorCode.ACKNOWLEDGEMENT_TIMEOUT, `No acknowledgement for referenceId ${referenceId} within ${timeoutMs} ms`, {
          referenceId,
          timeoutMs,
        }),
      );
    }, timeoutMs);
    timer.unref();
    const acquired = this.#acquire().then(
      (r) => {
        if (done) r();
        else release = r;
      },
      (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
    );
    // Do not hold the operation back for longer than the wait itself may last.
    const ready = Promise.race([Promise.all([acquired, positioned]).then(() => undefined), promise.then(() => undefined, () => undefined)]);
    return { ready, promise, cancel: () => finish(new Error('cancelled')) };
  }

  /**
   * True while a subscriber or waiter needs the upstream session, and while
   * the session is kept open after the last one left (the retention window,
   * so that a returning client can resume): the session store keeps it then.
   */
  isBusy(): boolean {
    return this.#needs > 0 || this.#source !== undefined;
  }

  status(): EventStreamStatus {
    return {
      state: this.#publicState(),
      subscribers: this.#subscribers.size,
      lastEventAt: this.#lastEventAt,
      failingSince: this.#source && this.#failing ? this.#failing.since : null,
    };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    // Tell subscribers (and waiters) why their stream ends (shutdown, or the session store's limit), so they subscribe again.
    this.#signalEnd({ end: true, code: ErrorCode.UPSTREAM_UNAVAILABLE, message: 'The gateway closed this live event stream; subscribe again' });
    clearTimeout(this.#graceTimer);
    this.#pairer.dispose();
    await this.#closeSource();
  }

  #publicState(): EventStreamStatus['state'] {
    if (this.#disposed) return 'CLOSED';
    if (!this.#source) return this.#lastState === 'unauthenticated' ? 'UNAUTHENTICATED' : 'IDLE';
    return this.#source.state.toUpperCase() as EventStreamStatus['state'];
  }

  /** Counts one need; opens the source if it is the first. Resolves with the release function. */
  async #acquire(): Promise<() => void> {
    if (this.#disposed) throw gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The gateway is shutting down');
    this.#needs++;
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#needs--;
      if (this.#needs === 0) this.#scheduleClose();
    };
    try {
      await this.#ensureSource();
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  #ensureSource(): Promise<void> {
    if (this.#source && this.#starting) return this.#starting;
    const source = this.#o.openSource({
      onMessage: (channel, data) => this.#pairer.add(channel, data),
      onStateChange: (state, error) => this.#onStateChange(source, state, error),
      onInterrupted: (reason) => {
        if (this.#source === source) this.#markGap(`upstream session interrupted: ${reason}`);
      },
    });
    this.#source = source;
    // Nothing was listening upstream before this: a cursor from then cannot be vouched for.
    this.#markGap('upstream session opened');
    this.#lastState = 'connecting';
    let stalled!: (error: GraphQLError) => void;
    const stall = new Promise<never>((_, reject) => (stalled = reject));
    this.#startFailing(source, stalled);
    this.#starting = Promise.race([source.start(), stall]).catch(async (error: unknown) => {
      if (this.#source === source) this.#recovered();
      if (this.#source === source) {
        this.#source = undefined;
        this.#starting = undefined;
      }
      await source.dispose().catch(() => undefined);
      throw toGraphQLError(error);
    });
    return this.#starting;
  }

  #onStateChange(source: UpstreamEventSource, state: UpstreamState, error?: Error): void {
    if (this.#source !== source) return;
    this.#lastState = state;
    this.#o.logger.info({ session: this.#o.userKey, state, error: error?.message }, 'upstream event session state');
    if (state === 'connected') this.#recovered();
    else if (state === 'reconnecting' || state === 'connecting') this.#startFailing(source);
    if (state === 'unauthenticated') {
      // The CometD client would retry forever; end everyone waiting on this user instead.
      this.#signalEnd({ end: true, code: ErrorCode.UNAUTHENTICATED, message: 'GWS rejected the credentials of the live event session' });
      this.#recovered();
      this.#source = undefined;
      this.#starting = undefined;
      this.#markGap('upstream session refused');
      void source.dispose().catch(() => undefined);
    }
  }

  /** Starts the stall clock of this source unless it runs already. */
  #startFailing(source: UpstreamEventSource, stalled?: (error: GraphQLError) => void): void {
    if (this.#failing) return;
    const since = new Date();
    const timer = setTimeout(() => this.#onStalled(source), this.#o.stallNoticeMs ?? 30_000);
    timer.unref();
    this.#failing = { since, timer, stalled: stalled ?? (() => undefined) };
  }

  #recovered(): void {
    if (!this.#failing) return;
    clearTimeout(this.#failing.timer);
    this.#failing = undefined;
  }

  /** The source has not been connected for stallNoticeMs: tell everyone who waits on it, and close it. */
  #onStalled(source: UpstreamEventSource): void {
    const failing = this.#failing;
    if (!failing || this.#source !== source) return;
    this.#failing = undefined;
    const message = `GWS's live event session has been failing since ${failing.since.toISOString()}; events may have been missed: subscribe again`;
    this.#o.logger.warn({ session: this.#o.userKey, failingSince: failing.since }, 'upstream event session stalled: subscribers told');
    failing.stalled(
      gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, message, { upstreamErrorCode: 'EVENTS_INTERRUPTED', failingSince: failing.since.toISOString() }),
    );
    this.#signalEnd({ end: true, code: ErrorCode.UPSTREAM_UNAVAILABLE, message });
    void this.#closeSource();
  }

  #scheduleClose(): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      if (this.#needs === 0) void this.#closeSource();
    }, this.#o.idleGraceMs);
    this.#graceTimer.unref();
  }

  async #closeSource(): Promise<void> {
    this.#recovered();
    const source = this.#source;
    this.#source = undefined;
    this.#starting = undefined;
    if (!source) return;
    // From here on nothing listens upstream for this user.
    this.#markGap('upstream session closed');
    await source.dispose().catch(() => undefined);
  }

  #signalEnd(end: QueueEnd): void {
    // Copy: each listener removes itself.
    for (const listener of [...this.#endListeners]) listener(end);
  }

  #append(event: OutboundRecordEventModel): void {
    this.#o.log.append(this.#o.userKey, event).catch((error: unknown) => {
      this.#o.logger.error({ err: error, session: this.#o.userKey }, 'event could not be appended to the event log');
    });
  }

  #markGap(reason: string): void {
    this.#o.log.markGap(this.#o.userKey, reason).catch((error: unknown) => {
      this.#o.logger.error({ err: error, session: this.#o.userKey }, 'gap could not be marked in the event log');
    });
  }
}

function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UNAUTHENTICATED') return unauthenticated('GWS rejected the credentials of the live event session');
  return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, `Cannot open the live event session: ${(error as Error)?.message ?? String(error)}`);
}
