/**
 * The shared fan-out of subscriptions: one GraphQL execution per (user,
 * subscription document, operation name, variables, event) however many
 * subscribers of that user run that operation.
 *
 * Each subscriber keeps its own stream of the user's event log (its own
 * position, replay after `after`, SUBSCRIBER_TOO_SLOW, CURSOR_EXPIRED, the
 * UNAUTHENTICATED end: src/events/log-subscriber.ts), so every per-subscriber
 * rule stays as it was. What is shared is only the mapping of one event to
 * its result: the first subscriber to reach an event executes the operation
 * with the event as root value, and every other subscriber of the same group
 * that reaches the same event (by its cursor, which names it in the user's
 * log) gets that very result object. A replaying subscriber reaches old
 * events on its own and joins the live ones at its own position: no seam.
 *
 * The result of a group is keyed by the user, so one user's events never
 * reach another user's subscribers even with identical documents. The final
 * item of an abnormal end (QueueEnd) is executed per subscriber, as before.
 *
 * Over graphql-transport-ws a shared result does not go through graphql-ws
 * at all: the subscriber's stream takes it from its log reader in the same
 * step as the read and writes the subscriber's frame (its id around the
 * shared JSON) to the socket ({@link SubscriptionFanout.deliverDirectly}).
 */
import { createSourceEventStream, execute, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { LogSubscriber } from '../events/log-subscriber.js';
import { isQueueEnd } from '../events/stream-end.js';
import type { DirectFrames } from './shared-frames.js';

type PromiseOrValue<T> = T | Promise<T>;

/** Counts, for tests and the bench. */
export interface FanoutStats {
  /** Executions of an event for a group (one per event per group when sharing works). */
  executions: number;
  /** Deliveries that reused a group's result instead of executing. */
  reused: number;
  /** Executions outside any group (a final error item, a stream that is not a user's log). */
  unshared: number;
  /** Groups (user, operation) with at least one open subscriber. */
  groups: number;
}

/** Settings of a {@link SubscriptionFanout}. */
export interface SubscriptionFanoutOptions {
  /**
   * Results kept per group (the most recent events): a subscriber further
   * behind than this executes on its own, which is correct, only slower.
   * Subscribers of a group read the same appends at once, so a few suffice.
   * @default 16
   */
  resultsPerGroup?: number;
}

interface Group {
  subscribers: number;
  /** By event cursor, oldest first (a Map keeps insertion order). */
  readonly results: Map<string, PromiseOrValue<ExecutionResult>>;
}

/** Executes subscriptions once per event for every subscriber of the same user and operation. */
export class SubscriptionFanout {
  readonly #groups = new Map<string, Group>();
  readonly #resultsPerGroup: number;
  /** Results that went to (or may go to) more than one subscriber, without errors: their JSON is shared. */
  readonly #shareable = new WeakSet<ExecutionResult>();
  readonly #json = new WeakMap<ExecutionResult, string>();
  /** The printed text of each document object (documents come from the pipeline's cache: one print each). */
  readonly #documentText = new WeakMap<DocumentNode, string>();
  /** Subscriptions whose shared results are written straight to their socket, by their execution args. */
  readonly #direct = new WeakMap<ExecutionArgs, DirectFrames>();
  readonly #bytes = new WeakMap<ExecutionResult, Buffer>();
  readonly #sharedBytes = (result: ExecutionResult): Buffer | undefined => (this.isShareable(result) ? this.#payloadBytes(result) : undefined);
  #executions = 0;
  #reused = 0;
  #unshared = 0;
  #sharing = true;

  constructor(options: SubscriptionFanoutOptions = {}) {
    this.#resultsPerGroup = Math.max(1, options.resultsPerGroup ?? 16);
  }

  /**
   * graphql-js's `subscribe`, with the per-event execution shared within the
   * subscriber's group. Pass it as graphql-ws's (or an HTTP stream's) subscribe.
   */
  readonly subscribe = async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const iterator = source[Symbol.asyncIterator]();
    if (!(source instanceof LogSubscriber)) {
      return new MappedStream(iterator, (item) => this.#executeAlone(args, item), () => undefined);
    }
    const key = `${source.userKey}\0${this.#operationKey(args)}`;
    let group = this.#groups.get(key);
    if (!group) this.#groups.set(key, (group = { subscribers: 0, results: new Map() }));
    group.subscribers++;
    const joined = group;
    const frames = this.#direct.get(args);
    return new LogStream(
      source,
      (item) => this.#executeShared(args, joined, item),
      () => {
        joined.subscribers--;
        if (joined.subscribers === 0 && this.#groups.get(key) === joined) this.#groups.delete(key);
      },
      frames ? { frames, bytes: this.#sharedBytes } : undefined,
    );
  };

  /**
   * Sends this subscription's shared results (no errors) as frames of its
   * own straight to its graphql-transport-ws socket (src/fanout/shared-frames.ts),
   * instead of yielding them to graphql-ws; everything else still goes
   * through graphql-ws. Call before `subscribe` with the same args object.
   */
  deliverDirectly(args: ExecutionArgs, frames: DirectFrames): void {
    this.#direct.set(args, frames);
  }

  /**
   * Off: every subscriber executes and serializes each event on its own, as
   * before the fan-out (the bench's old path, measured next to the new one in
   * the same run). Takes effect from the next event.
   */
  get sharing(): boolean {
    return this.#sharing;
  }

  set sharing(on: boolean) {
    this.#sharing = on;
  }

  /** True when `result` is a shared result whose JSON can be sent as is ({@link payloadJson}). */
  isShareable(result: unknown): result is ExecutionResult {
    return typeof result === 'object' && result !== null && this.#shareable.has(result as ExecutionResult);
  }

  /** The JSON of a shareable result, serialized once for every subscriber. */
  payloadJson(result: ExecutionResult): string {
    let json = this.#json.get(result);
    if (json === undefined) {
      json = JSON.stringify(result);
      this.#json.set(result, json);
    }
    return json;
  }

  /** The UTF-8 bytes of {@link payloadJson}, encoded once for every direct frame. */
  #payloadBytes(result: ExecutionResult): Buffer {
    let bytes = this.#bytes.get(result);
    if (bytes === undefined) {
      bytes = Buffer.from(this.payloadJson(result));
      this.#bytes.set(result, bytes);
    }
    return bytes;
  }

  stats(): FanoutStats {
    return { executions: this.#executions, reused: this.#reused, unshared: this.#unshared, groups: this.#groups.size };
  }

  #executeShared(args: ExecutionArgs, group: Group, item: unknown): PromiseOrValue<ExecutionResult> {
    const cursor = isQueueEnd(item) ? undefined : (item as { cursor?: unknown }).cursor;
    if (typeof cursor !== 'string' || !this.#sharing) return this.#executeAlone(args, item);
    const known = group.results.get(cursor);
    if (known !== undefined) {
      this.#reused++;
      return known;
    }
    this.#executions++;
    const result = execute({ ...args, rootValue: item });
    const settled = (value: ExecutionResult): ExecutionResult => {
      if (!value.errors) this.#shareable.add(value);
      return value;
    };
    const shared = result instanceof Promise ? result.then(settled) : settled(result);
    group.results.set(cursor, shared);
    if (shared instanceof Promise) shared.catch(() => group.results.delete(cursor));
    if (group.results.size > this.#resultsPerGroup) group.results.delete(group.results.keys().next().value!);
    return shared;
  }

  #executeAlone(args: ExecutionArgs, item: unknown): PromiseOrValue<ExecutionResult> {
    this.#unshared++;
    return execute({ ...args, rootValue: item });
  }

  /** What makes two subscriptions of one user the same operation: document text, operation name, variables. */
  #operationKey(args: ExecutionArgs): string {
    let text = this.#documentText.get(args.document);
    if (text === undefined) {
      text = print(args.document);
      this.#documentText.set(args.document, text);
    }
    // Raw variables as the client sent them: equal JSON, equal coerced values (another key order only shares less).
    return `${text}\0${args.operationName ?? ''}\0${JSON.stringify(args.variableValues ?? null)}`;
  }
}

const DONE: IteratorResult<ExecutionResult> = Object.freeze({ value: undefined, done: true });

/** A subscription's direct frames, and the shared payload's bytes of a result (undefined: not shared, send through graphql-ws). */
interface DirectTarget {
  frames: DirectFrames;
  bytes: (result: ExecutionResult) => Buffer | undefined;
}

/**
 * A subscriber's stream of the user's log mapped item by item, like
 * {@link MappedStream}, but taking the items synchronously as they are read
 * (no promise per item). With direct frames, every shared result is written
 * to the socket as it is taken, for as long as the consumer (graphql-ws)
 * waits in next() and the socket keeps up; anything else (an error result,
 * a result that is not shared) is handed to the consumer, which sends it in
 * order since nothing is written directly until it asks again.
 */
class LogStream implements AsyncIterableIterator<ExecutionResult> {
  readonly #source: LogSubscriber;
  readonly #map: (item: unknown) => PromiseOrValue<ExecutionResult>;
  readonly #direct: DirectTarget | undefined;
  #onClose: (() => void) | undefined;
  #closed = false;
  #waiting: { resolve: (result: IteratorResult<ExecutionResult>) => void; reject: (error: unknown) => void } | undefined;
  /** Bound once: the wake-up handed to the source and the socket. */
  readonly #wake = (): void => this.#drain();

  constructor(
    source: LogSubscriber,
    map: (item: unknown) => PromiseOrValue<ExecutionResult>,
    onClose: () => void,
    direct: DirectTarget | undefined,
  ) {
    this.#source = source;
    this.#map = map;
    this.#onClose = onClose;
    this.#direct = direct;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.#closed) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#drain();
    });
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    this.#close();
    await this.#source.return();
    waiting?.resolve(DONE);
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.return();
    throw error instanceof Error ? error : new Error(String(error));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #drain(): void {
    while (this.#waiting && !this.#closed) {
      const direct = this.#direct;
      // Hold back, as an awaited send would: the source's queue fills meanwhile (and bounds it).
      if (direct && !direct.frames.sink.ready) return direct.frames.sink.whenReady(this.#wake);
      const item = this.#source.poll();
      if (!item) return this.#source.whenReadable(this.#wake);
      const waiting = this.#waiting;
      if (item.done) {
        this.#waiting = undefined;
        this.#close();
        return waiting.resolve(DONE);
      }
      let result: PromiseOrValue<ExecutionResult>;
      try {
        result = this.#map(item.value);
      } catch (error) {
        this.#waiting = undefined;
        void this.return().then(() => waiting.reject(error));
        return;
      }
      if (direct && !(result instanceof Promise)) {
        const bytes = direct.bytes(result);
        if (bytes !== undefined) {
          direct.frames.sink.send(direct.frames.prefix, bytes);
          continue;
        }
      }
      this.#waiting = undefined;
      if (!(result instanceof Promise)) return waiting.resolve({ value: result, done: false });
      result.then(
        (value) => waiting.resolve({ value, done: false }),
        (error: unknown) => void this.return().then(() => waiting.reject(error)),
      );
      return;
    }
  }

  #close(): void {
    this.#closed = true;
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.();
  }
}

/** A source stream mapped item by item, closing the source when it is closed (graphql-js's mapAsyncIterator, plus a close hook). */
class MappedStream implements AsyncIterableIterator<ExecutionResult> {
  readonly #source: AsyncIterator<unknown>;
  readonly #map: (item: unknown) => PromiseOrValue<ExecutionResult>;
  #onClose: (() => void) | undefined;

  constructor(source: AsyncIterator<unknown>, map: (item: unknown) => PromiseOrValue<ExecutionResult>, onClose: () => void) {
    this.#source = source;
    this.#map = map;
    this.#onClose = onClose;
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    const item = await this.#source.next();
    if (item.done) {
      this.#close();
      return { value: undefined, done: true };
    }
    try {
      return { value: await this.#map(item.value), done: false };
    } catch (error) {
      await this.return();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.#close();
    await this.#source.return?.();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.return();
    throw error instanceof Error ? error : new Error(String(error));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #close(): void {
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.();
  }
}
