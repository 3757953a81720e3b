/**
 * A bounded async iterator: one per subscriber. Pushing never blocks the
 * producer; a consumer that falls `capacity` events behind is ended with an
 * error item instead of growing memory or stalling the other subscribers.
 * return() (client completed or disconnected) runs the cleanup exactly once.
 */

/** The last item of a queue that ended abnormally. */
export interface QueueEnd {
  readonly end: true;
  readonly code: string;
  readonly message: string;
}

export type QueueItem<T> = T | QueueEnd;

export function isQueueEnd(item: unknown): item is QueueEnd {
  return typeof item === 'object' && item !== null && (item as { end?: unknown }).end === true;
}

export class SubscriberQueue<T> implements AsyncIterableIterator<QueueItem<T>> {
  readonly #capacity: number;
  readonly #items: QueueItem<T>[] = [];
  #waiting: ((result: IteratorResult<QueueItem<T>>) => void) | undefined;
  #closing = false; // no more pushes; drain what is queued, then done
  #done = false;
  #onClose: (() => void) | undefined;

  constructor(capacity: number, onClose?: () => void) {
    this.#capacity = capacity;
    this.#onClose = onClose;
  }

  /** Queues an item; false when the queue overflowed (it is then ending with an error). */
  push(item: T): boolean {
    if (this.#closing || this.#done) return false;
    if (this.#items.length >= this.#capacity) {
      this.#items.length = 0; // what it did not read is dropped; the client learns why
      this.end({ end: true, code: 'SUBSCRIBER_TOO_SLOW', message: `Subscriber fell more than ${this.#capacity} events behind` });
      return false;
    }
    this.#deliver(item);
    return true;
  }

  /** Ends the stream: with a final error item, or cleanly. */
  end(final?: QueueEnd): void {
    if (this.#closing || this.#done) return;
    if (final) this.#deliver(final);
    this.#closing = true;
    this.#release();
    if (this.#items.length === 0) this.#finish();
  }

  get size(): number {
    return this.#items.length;
  }

  get closed(): boolean {
    return this.#done;
  }

  next(): Promise<IteratorResult<QueueItem<T>>> {
    const item = this.#items.shift();
    if (item !== undefined) {
      if (this.#closing && this.#items.length === 0) this.#finish();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.#done || this.#closing) {
      this.#finish();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<QueueItem<T>>> {
    this.#items.length = 0;
    this.#closing = true;
    this.#release();
    this.#finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<QueueItem<T>>> {
    void this.return();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #deliver(item: QueueItem<T>): void {
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  #release(): void {
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.();
  }

  #finish(): void {
    this.#done = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }
}
