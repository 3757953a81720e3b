/**
 * What goes over the wire: a fetch that records every GraphQL request body
 * and response, and raw HTTP / graphql-ws calls that send exactly the
 * payload a test gives (a hash without a query, a documentId, ...).
 */
import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import type { Client } from 'graphql-ws';

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export interface Exchange {
  method: string;
  url: string;
  /** The parsed JSON body (POST). */
  request: Record<string, unknown> | undefined;
  status: number;
  response: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** A fetch that records each exchange in `exchanges`. */
export function recordingFetch(): { fetch: typeof fetch; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    exchanges.push({
      method: init?.method ?? 'GET',
      url: input instanceof Request ? input.url : String(input),
      request: typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined,
      status: response.status,
      response: (await response.clone().json()) as Exchange['response'],
    });
    return response;
  };
  return { fetch: recording, exchanges };
}

/** Apollo Client 4 over HTTP with its PersistedQueryLink (sha256 from node:crypto) in front of HttpLink. */
export function apolloWithPersistedQueries(uri: string, authorization: string, fetchImpl: typeof fetch): ApolloClient {
  const persisted = new PersistedQueryLink({ sha256 });
  return new ApolloClient({
    link: ApolloLink.from([persisted, new HttpLink({ uri, fetch: fetchImpl, headers: { authorization } })]),
    cache: new InMemoryCache(),
    // cometd-nodejs-client defines a global `window` in this process: do not look for browser devtools.
    devtools: { enabled: false },
  });
}

/** Which of hash and query a request carried. */
export function shapeOf(exchange: Exchange): { hash?: string; query: boolean; documentId?: string } {
  const extensions = exchange.request?.['extensions'] as { persistedQuery?: { sha256Hash?: string } } | undefined;
  const documentId = exchange.request?.['documentId'];
  return {
    ...(extensions?.persistedQuery?.sha256Hash ? { hash: extensions.persistedQuery.sha256Hash } : {}),
    query: typeof exchange.request?.['query'] === 'string',
    ...(typeof documentId === 'string' ? { documentId } : {}),
  };
}

/** POST /graphql with exactly this body. */
export async function post(
  url: string,
  body: Record<string, unknown>,
  authorization: string,
): Promise<{ status: number; body: Exchange['response'] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Exchange['response'] };
}

/** The first result of a graphql-ws operation sent with exactly this payload (errors included). */
export function firstResult(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> },
): Promise<Exchange['response']> {
  return new Promise((resolve) => {
    const stop = client.subscribe<unknown, unknown>(payload, {
      next: (result) => {
        stop();
        resolve(result as Exchange['response']);
      },
      error: (error) => resolve({ errors: Array.isArray(error) ? (error as Exchange['response']['errors']) : [{ message: String(error) }] }),
      complete: () => undefined,
    });
  });
}

/** The codes of a response's errors. */
export const codesOf = (response: Exchange['response']): unknown[] => (response.errors ?? []).map((e) => e.extensions?.['code']);

/** A graphql-ws operation sent with exactly this payload; `next()` resolves with its next result. */
export function collect<T>(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> },
): { next(timeoutMs?: number): Promise<{ data?: T | null; errors?: Exchange['response']['errors'] }>; stop(): void } {
  type Result = { data?: T | null; errors?: Exchange['response']['errors'] };
  const queued: Result[] = [];
  let waiting: ((result: Result) => void) | undefined;
  const push = (result: Result) => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(result);
    } else queued.push(result);
  };
  const stop = client.subscribe<T, unknown>(payload, {
    next: (result) => push(result as Result),
    error: (error) => push({ errors: Array.isArray(error) ? (error as Exchange['response']['errors']) : [{ message: String(error) }] }),
    complete: () => undefined,
  });
  return {
    stop,
    next(timeoutMs = 5_000) {
      const result = queued.shift();
      if (result) return Promise.resolve(result);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no result within ${timeoutMs} ms`)), timeoutMs);
        waiting = (r) => {
          clearTimeout(timer);
          resolve(r);
        };
      });
    },
  };
}
