/**
 * A least-recently-used cache bounded by the bytes its entries hold, for
 * anything a client chooses (document text, parsed documents). Counting
 * entries is not a bound: 1,000 entries of 90 KB documents are 90 MB, and a
 * million tiny ones are a million keys. Each entry is sized by its key, its
 * value (a caller-given estimate) and a fixed per-entry overhead.
 *
 * It is an Apollo `KeyValueCache`, so Apollo Server can use the same cache
 * (its `documentStore`, its `persistedQueries.cache`).
 */
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { LRUCache } from 'lru-cache';

/** What one lru-cache entry costs besides its key and value (node, maps, arrays), measured roughly. */
export const ENTRY_OVERHEAD_BYTES = 200;

/** Bytes of a JavaScript string in V8: one per character when every character is Latin-1, else two. */
export function stringBytes(text: string): number {
  // eslint-disable-next-line no-control-regex -- the test is exactly "outside Latin-1"
  return /[^\u0000-\u00ff]/.test(text) ? 2 * text.length : text.length;
}

export interface ByteLruCacheOptions<V> {
  /** Most bytes the entries may hold together. */
  maxBytes: number;
  /** Estimated bytes of one value (the key and the overhead are added). */
  sizeOf(value: V): number;
}

export class ByteLruCache<V extends object | string> implements KeyValueCache<V> {
  readonly #lru: LRUCache<string, V>;

  constructor(options: ByteLruCacheOptions<V>) {
    this.#lru = new LRUCache<string, V>({
      maxSize: options.maxBytes,
      // An entry larger than the whole cache is simply not kept (lru-cache refuses it).
      sizeCalculation: (value, key) => Math.max(1, options.sizeOf(value) + stringBytes(key) + ENTRY_OVERHEAD_BYTES),
    });
  }

  /** Bytes held now (by the estimate). */
  get bytes(): number {
    return this.#lru.calculatedSize;
  }

  get size(): number {
    return this.#lru.size;
  }

  peek(key: string): V | undefined {
    return this.#lru.get(key);
  }

  has(key: string): boolean {
    return this.#lru.has(key);
  }

  store(key: string, value: V): void {
    this.#lru.set(key, value);
  }

  async get(key: string): Promise<V | undefined> {
    return this.#lru.get(key);
  }

  async set(key: string, value: V): Promise<void> {
    this.#lru.set(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return this.#lru.delete(key);
  }
}
