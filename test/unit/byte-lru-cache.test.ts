/** The byte bound of the pipeline's caches, and the size estimate of a parsed document. */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ByteLruCache, ENTRY_OVERHEAD_BYTES, stringBytes } from '../../src/pipeline/byte-lru-cache.js';
import { documentBytes } from '../../src/pipeline/document-bytes.js';

describe('ByteLruCache', () => {
  it('holds at most maxBytes of keys, values and overhead, dropping the least recently used', async () => {
    const cache = new ByteLruCache<string>({ maxBytes: 10_000, sizeOf: stringBytes });
    for (let i = 0; i < 100; i++) await cache.set(`k${i}`, 'x'.repeat(1_000));
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
    expect(cache.size).toBe(Math.floor(10_000 / (1_000 + 3 + ENTRY_OVERHEAD_BYTES)));
    expect(await cache.get('k99')).toBeDefined();
    expect(await cache.get('k0')).toBeUndefined();
  });

  it('counts many tiny entries by their overhead, not as free', async () => {
    const cache = new ByteLruCache<string>({ maxBytes: 100_000, sizeOf: stringBytes });
    for (let i = 0; i < 100_000; i++) cache.store(String(i), '');
    expect(cache.size).toBeLessThan(100_000 / ENTRY_OVERHEAD_BYTES + 1);
  });

  it('does not keep an entry larger than the whole cache', async () => {
    const cache = new ByteLruCache<string>({ maxBytes: 1_000, sizeOf: stringBytes });
    await cache.set('big', 'x'.repeat(5_000));
    expect(await cache.get('big')).toBeUndefined();
  });

  it('counts two bytes per character outside Latin-1', () => {
    expect(stringBytes('abc')).toBe(3);
    expect(stringBytes('é')).toBe(1);
    expect(stringBytes('a€')).toBe(4);
  });
});

describe('documentBytes', () => {
  it('counts the source a document keeps, comments included, not only its AST', () => {
    const plain = parse('query A { devices { id } }');
    const padded = parse(`${'# padding\n'.repeat(500)}query A { devices { id } }`);
    expect(documentBytes(padded) - documentBytes(plain)).toBeGreaterThan(5_000);
  });

  it('grows with the tokens of a document', () => {
    const small = parse('{ devices { id } }');
    const large = parse(`{ ${Array.from({ length: 100 }, (_, i) => `a${i}: devices { id }`).join(' ')} }`);
    expect(documentBytes(large)).toBeGreaterThan(50 * documentBytes(small) / 2);
  });
});
