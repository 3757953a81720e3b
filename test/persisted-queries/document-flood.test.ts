/**
 * Memory is bounded by bytes: a flood of distinct, valid, padded documents
 * sent without credentials (comments cost no tokens against MAX_TOKENS but
 * are kept by a parsed document), half of them as APQ registrations, over
 * HTTP and graphql-ws, then large ones, leaves the heap within a few tens of
 * MiB of where it started: what the caches hold (documents, APQ) is bounded
 * by DOCUMENT_CACHE_BYTES and PERSISTED_QUERIES_CACHE_BYTES, whatever the
 * count. Before the pipeline, Apollo's document store sized a document by its
 * AST alone and the same flood grew the heap by hundreds of MiB.
 *
 * In-process, with the real collector: this file runs with --expose-gc
 * (vitest.config.ts, project "expose-gc").
 */
import { createHash } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const MiB = 1024 * 1024;
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const gc = (globalThis as { gc?: () => void }).gc;
/**
 * Many times what the caches can hold (about 800 such 6 KB documents in
 * DOCUMENT_CACHE_BYTES, 1,600 in PERSISTED_QUERIES_CACHE_BYTES). The issue's
 * own figures (20,000 and 1,000) measured the same growth; they take minutes
 * on a loaded machine.
 */
const SMALL = 10_000;
const LARGE = 500;

/** A valid document of about `bytes` characters, distinct by `i`: comment lines of 60 characters, then a query. */
function paddedDocument(i: number, bytes: number): string {
  const line = `# ${'x'.repeat(57)}\n`;
  return `# flood ${i}\n${line.repeat(Math.ceil(bytes / line.length))}query Flood${i} { devices { id } }`;
}

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc!();
  }
  return process.memoryUsage().heapUsed;
}

/** Runs `send(i)` for i in [from, to), `concurrency` at a time. */
async function inParallel(from: number, to: number, concurrency: number, send: (i: number) => Promise<void>): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < to) await send(next++);
    }),
  );
}

describe('a flood of distinct padded documents without credentials', () => {
  let stack: Stack;
  let ws: Client;
  beforeAll(async () => {
    // Large documents allowed, so that the 90 KB ones are parsed and cached rather than refused by size.
    stack = await startStack({ env: { MAX_DOCUMENT_BYTES: '100000' } });
    ws = createClient({ url: stack.gateway.wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
  });
  afterAll(async () => {
    await ws?.dispose();
    await stack?.stop();
  });

  /** One request over HTTP; expects the execution to fail with UNAUTHENTICATED (the document was accepted). */
  async function overHttp(query: string, apq: boolean): Promise<void> {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, ...(apq ? { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } } : {}) }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  }

  /** The same over the graphql-ws connection. */
  function overWs(query: string, apq: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      let code: string | undefined;
      ws.subscribe(
        { query, ...(apq ? { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } } : {}) },
        {
          next: (result) => void (code = (result.errors?.[0]?.extensions as { code?: string } | undefined)?.code),
          error: (error) => reject(new Error(JSON.stringify(error))),
          complete: () => (code === 'UNAUTHENTICATED' ? resolve() : reject(new Error(`answered ${code}`))),
        },
      );
    });
  }

  it(`leaves the heap within a few tens of MiB: ${SMALL} documents of 6 KB (half APQ registrations), then ${LARGE} of 90 KB`, { timeout: 600_000 }, async () => {
    expect(gc, 'run with --expose-gc (vitest.config.ts)').toBeTypeOf('function');
    // Warm up: connections, JIT, Apollo's and the pipeline's first allocations.
    await inParallel(0, 200, 8, (i) => overHttp(paddedDocument(1_000_000 + i, 6_000), i % 2 === 0));
    const before = await heapAfterGc();

    await inParallel(0, SMALL * 0.8, 16, (i) => overHttp(paddedDocument(i, 6_000), i % 2 === 0));
    await inParallel(SMALL * 0.8, SMALL, 16, (i) => overWs(paddedDocument(i, 6_000), i % 2 === 0));
    const afterSmall = await heapAfterGc();

    await inParallel(SMALL, SMALL + LARGE, 8, (i) => (i % 4 === 0 ? overWs : overHttp)(paddedDocument(i, 90_000), i % 2 === 0));
    const afterLarge = await heapAfterGc();

    const grown = { small: (afterSmall - before) / MiB, large: (afterLarge - before) / MiB };
    console.info(`heap growth: ${grown.small.toFixed(1)} MiB after the 6 KB flood, ${grown.large.toFixed(1)} MiB after the 90 KB one`);
    // The caches may hold DOCUMENT_CACHE_BYTES (16 MiB) + PERSISTED_QUERIES_CACHE_BYTES (10 MiB) by their estimates.
    expect(grown.small).toBeLessThan(40);
    expect(grown.large).toBeLessThan(40);

    // The most recent documents are still served from the caches: a hash alone finds its text.
    const last = paddedDocument(SMALL + LARGE - 2, 90_000);
    const byHash = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(last) } } }),
    });
    expect(((await byHash.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
