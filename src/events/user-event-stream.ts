/**
 * One user's live outbound events in this gateway instance: opens the user's
 * upstream CometD session on first need (a subscriber or an awaited
 * acknowledgement), pairs its messages, publishes them on the event bus, and
 * closes the session a grace period after the last need ends.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode, gatewayError, unauthenticated } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EventBus, BusMessage } from './event-bus.js';
import { matchesFilter, type OutboundRecordEventFilter } from './event-filter.js';
import { EventPairer } from './event-pairing.js';
import type { OutboundRecordEventModel } from './outbound-record-event.js';
import { SubscriberQueue } from './subscriber-queue.js';

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
  bus: EventBus;
  openSource: UpstreamSourceFactory;
  pairingWindowMs: number;
  idleGraceMs: number;
  subscriberQueueMax: number;
  logger: Logger;
  observer?: EventStreamObserver;
}

export interface AcknowledgementWaiter {
  /** Settles once the upstream session is subscribed, has failed, or took longer than the wait allows. */
  ready: Promise<void>;
  promise: Promise<OutboundRecordEventModel>;
  cancel(): void;
}

export interface EventStreamStatus {
  state: 'IDLE' | 'CONNECTING' | 'CONNECTED' | 'RECONNECTING' | 'UNAUTHENTICATED' | 'CLOSED';
  subscribers: number;
  lastEventAt: Date | null;
}

export class UserEventStream {
  readonly #o: UserEventStreamOptions;
  readonly #pairer: EventPairer;
  readonly #queues = new Set<SubscriberQueue<OutboundRecordEventModel>>();
  #needs = 0;
  #source: UpstreamEventSource | undefined;
  #starting: Promise<void> | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #lastEventAt: Date | null = null;
  #lastState: UpstreamState | undefined;
  #disposed = false;

  constructor(options: UserEventStreamOptions) {
    this.#o = options;
    this.#pairer = new EventPairer({
      windowMs: options.pairingWindowMs,
      emit: (event) => {
        this.#lastEventAt = event.receivedAt;
        this.#o.observer?.received?.();
        this.#o.bus.publish(this.#o.userKey, { kind: 'event', event });
      },
    });
  }

  /** A subscriber's bounded stream of the user's events that pass the filter. */
  async subscribe(filter?: OutboundRecordEventFilter | null): Promise<SubscriberQueue<OutboundRecordEventModel>> {
    const release = await this.#acquire();
    let unsubscribe: () => void = () => undefined;
    const queue = new SubscriberQueue<OutboundRecordEventModel>(this.#o.subscriberQueueMax, () => {
      unsubscribe();
      this.#queues.delete(queue);
      release();
    });
    unsubscribe = this.#o.bus.subscribe(this.#o.userKey, (message: BusMessage) => {
      if (message.kind === 'end') queue.end({ end: true, code: message.code, message: message.message });
      else if (matchesFilter(message.event, filter)) {
        const backlog = queue.size;
        if (queue.push(message.event)) this.#o.observer?.delivered?.();
        else if (!queue.closed) {
          this.#o.observer?.dropped?.(backlog + 1);
          this.#o.logger.warn({ session: this.#o.userKey, backlog }, 'subscriber too slow: ended');
        }
      }
    });
    this.#queues.add(queue);
    return queue;
  }

  /**
   * Registers a waiter for the acknowledgement with this referenceId, before
   * the operation is sent, and opens the upstream session if needed.
   */
  waitForAcknowledgement(referenceId: string, timeoutMs: number): AcknowledgementWaiter {
    let settle: ((error: Error | undefined, event?: OutboundRecordEventModel) => void) | undefined;
    const promise = new Promise<OutboundRecordEventModel>((resolve, reject) => {
      settle = (error, event) => (error ? reject(error) : resolve(event!));
    });
    promise.catch(() => undefined); // a cancelled waiter's rejection is nobody's concern
    let release: (() => void) | undefined;
    let done = false;
    const started = performance.now();
    const finish = (error: Error | undefined, event?: OutboundRecordEventModel): void => {
      if (done) return;
      done = true;
      const code = (error as { extensions?: { code?: unknown } } | undefined)?.extensions?.code;
      const outcome = !error ? 'ok' : code === ErrorCode.ACKNOWLEDGEMENT_TIMEOUT ? 'timeout' : error.message === 'cancelled' ? 'cancelled' : 'error';
      this.#o.observer?.acknowledgement?.(outcome, (performance.now() - started) / 1000);
      clearTimeout(timer);
      unsubscribe();
      release?.();
      settle!(error, event);
    };
    const unsubscribe = this.#o.bus.subscribe(this.#o.userKey, (message) => {
      if (message.kind === 'event' && message.event.referenceId === referenceId) finish(undefined, message.event);
      else if (message.kind === 'end') finish(gatewayError(message.code as ErrorCode, message.message));
    });
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
    const ready = Promise.race([acquired, promise.then(() => undefined, () => undefined)]);
    return { ready, promise, cancel: () => finish(new Error('cancelled')) };
  }

  /** True while a subscriber or waiter needs the upstream session. */
  isBusy(): boolean {
    return this.#needs > 0;
  }

  status(): EventStreamStatus {
    return { state: this.#publicState(), subscribers: this.#queues.size, lastEventAt: this.#lastEventAt };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    // Tell subscribers why their stream ends (shutdown, or the session store's limit), so they subscribe again.
    for (const queue of [...this.#queues]) {
      queue.end({ end: true, code: ErrorCode.UPSTREAM_UNAVAILABLE, message: 'The gateway closed this live event stream; subscribe again' });
    }
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
    });
    this.#source = source;
    this.#lastState = 'connecting';
    this.#starting = source.start().catch(async (error: unknown) => {
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
    if (state === 'unauthenticated') {
      // The CometD client would retry forever; end everyone waiting on this user instead.
      this.#o.bus.publish(this.#o.userKey, {
        kind: 'end',
        code: ErrorCode.UNAUTHENTICATED,
        message: 'GWS rejected the credentials of the live event session',
      });
      this.#source = undefined;
      this.#starting = undefined;
      void source.dispose().catch(() => undefined);
    }
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
    const source = this.#source;
    this.#source = undefined;
    this.#starting = undefined;
    if (source) await source.dispose().catch(() => undefined);
  }
}

function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'UNAUTHENTICATED') return unauthenticated('GWS rejected the credentials of the live event session');
  return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, `Cannot open the live event session: ${(error as Error)?.message ?? String(error)}`);
}
