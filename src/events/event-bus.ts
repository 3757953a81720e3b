/**
 * Where a user's paired outbound events go once received from GWS, and where
 * subscribers and acknowledgement waiters listen. In-memory now; the interface
 * is what a Redis pub/sub implementation will provide so that several gateway
 * instances can serve one user.
 */
import type { OutboundRecordEventModel } from './outbound-record-event.js';

/** A bus message: an event, or the end of the user's stream (credentials refused upstream). */
export type BusMessage =
  | { kind: 'event'; event: OutboundRecordEventModel }
  | { kind: 'end'; code: string; message: string };

export type BusListener = (message: BusMessage) => void;

export interface EventBus {
  publish(userKey: string, message: BusMessage): void;
  /** Returns the unsubscribe function. Listeners must not throw and must not block. */
  subscribe(userKey: string, listener: BusListener): () => void;
  listenerCount(userKey?: string): number;
}

export class InMemoryEventBus implements EventBus {
  readonly #listeners = new Map<string, Set<BusListener>>();

  publish(userKey: string, message: BusMessage): void {
    const set = this.#listeners.get(userKey);
    if (!set) return;
    // Copy: a listener may unsubscribe (overflow, end) while we iterate.
    for (const listener of [...set]) listener(message);
  }

  subscribe(userKey: string, listener: BusListener): () => void {
    let set = this.#listeners.get(userKey);
    if (!set) {
      set = new Set();
      this.#listeners.set(userKey, set);
    }
    set.add(listener);
    return () => {
      const current = this.#listeners.get(userKey);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.#listeners.delete(userKey);
    };
  }

  listenerCount(userKey?: string): number {
    if (userKey !== undefined) return this.#listeners.get(userKey)?.size ?? 0;
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }
}
