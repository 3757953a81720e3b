/**
 * The real clients of the three added transports behind one small interface,
 * so the same cases run on each: graphql-sse's client (server-sent events,
 * distinct connections), Apollo Client's HttpLink (multipart subscriptions)
 * and subscriptions-transport-ws's client (the legacy `graphql-ws`
 * subprotocol). Also a collector of results with deferred waits, and the
 * error codes a subscription ended with, whichever way its client reports them.
 */
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { Kind, parse, type DocumentNode } from 'graphql';
import { meros } from 'meros/browser';
import { createClient as createSseClient } from 'graphql-sse';
import { SubscriptionClient } from 'subscriptions-transport-ws';
import WebSocket from 'ws';
import type { Stack } from '../support/stack.js';

export interface Result<T = Record<string, unknown>> {
  data?: T | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** One subscription's results as they arrive, and how it ended. */
export interface Collected<T> {
  readonly results: Result<T>[];
  /** Resolves when the server completed the operation, or the client reported an error. */
  readonly ended: Promise<{ error?: unknown }>;
  waitFor(count: number, timeoutMs?: number): Promise<Result<T>[]>;
  waitUntil(predicate: (result: Result<T>) => boolean, timeoutMs?: number): Promise<Result<T>>;
  unsubscribe(): void;
}

export interface Sink<T> {
  next(result: Result<T>): void;
  error(error: unknown): void;
  complete(): void;
}

/** A collector and the sink that feeds it. */
export function collector<T>(): { sink: Sink<T>; collected: Omit<Collected<T>, 'unsubscribe'> } {
  const results: Result<T>[] = [];
  const waiters: (() => void)[] = [];
  let endResolve!: (v: { error?: unknown }) => void;
  const ended = new Promise<{ error?: unknown }>((r) => (endResolve = r));
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  const until = <R>(check: () => R | undefined, timeoutMs: number, what: () => string): Promise<R> => {
    const found = check();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(waiter), 1);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(what()));
      }, timeoutMs);
      waiters.push(waiter);
    });
  };
  return {
    sink: {
      next: (result) => {
        results.push(result);
        wake();
      },
      error: (error) => endResolve({ error }),
      complete: () => endResolve({}),
    },
    collected: {
      results,
      ended,
      waitFor: (count, timeoutMs = 5_000) =>
        until(() => (results.length >= count ? results : undefined), timeoutMs, () => `expected ${count} results, got ${JSON.stringify(results)}`),
      waitUntil: (predicate, timeoutMs = 5_000) =>
        until(() => results.find(predicate), timeoutMs, () => `no matching result in ${JSON.stringify(results)}`),
    },
  };
}

/** A client of one transport, for one credential (or none). */
export interface TransportClient {
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>): Collected<T>;
  dispose(): Promise<void>;
}

export type ClientFactory = ((stack: Stack, authorization?: string) => TransportClient) & {
  /** false: the client parses documents, so it cannot send an empty one with a persisted-query hash. */
  documentsAsText?: boolean;
};

/** graphql-sse's own client, distinct connections mode (one event stream per operation). */
export const sseClient: ClientFactory = (stack, authorization) => {
  const client = createSseClient({
    url: stack.gateway.url,
    singleConnection: false,
    retryAttempts: 0,
    headers: authorization ? { authorization } : {},
  });
  return {
    subscribe<T>(query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>) {
      const { sink, collected } = collector<T>();
      const unsubscribe = client.subscribe<T>(
        { query, ...(variables ? { variables } : {}), ...(extensions ? { extensions } : {}) },
        { next: (r) => sink.next(r as Result<T>), error: sink.error, complete: sink.complete },
      );
      return { ...collected, unsubscribe };
    },
    dispose: async () => client.dispose(),
  };
};

/** Apollo Client 4 with its HttpLink only: subscriptions go over multipart HTTP, as Apollo Client does by default. */
export const apolloMultipartClient: ClientFactory = Object.assign((stack: Stack, authorization?: string): TransportClient => {
  const client = new ApolloClient({
    link: new HttpLink({ uri: stack.gateway.url, headers: authorization ? { authorization } : {} }),
    cache: new InMemoryCache(),
    // A process without a browser: no devtools (cometd-nodejs-client's global `window` would make Apollo look for them).
    devtools: { enabled: false },
  });
  return {
    subscribe<T>(query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>) {
      const { sink, collected } = collector<T>();
      let document: DocumentNode | undefined;
      try {
        document = parse(query, { noLocation: true });
      } catch {
        // a document the gateway must refuse: sent as text below
      }
      const operation = document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
      if (!document || operation?.operation !== 'subscription') {
        // Apollo Client sends only subscriptions as multipart: the rest goes as it would over this transport, read with meros.
        const controller = new AbortController();
        void multipartResults(stack.gateway.url, { query, variables, extensions }, authorization, controller.signal, sink);
        return { ...collected, unsubscribe: () => controller.abort() };
      }
      const subscription = client
        .subscribe<T>({ query: document, variables: variables ?? {}, fetchPolicy: 'no-cache', errorPolicy: 'all', ...(extensions ? { extensions } : {}) })
        .subscribe({
          next: (r) => {
            const error = r.error as { errors?: Result['errors'] } | undefined;
            sink.next({ data: withoutTypename(r.data ?? null) as T | null, ...(error?.errors ? { errors: error.errors } : error ? { errors: [{ message: String(error) }] } : {}) });
          },
          error: sink.error,
          complete: sink.complete,
        });
      return { ...collected, unsubscribe: () => subscription.unsubscribe() };
    },
    dispose: async () => client.stop(),
  };
}, { documentsAsText: false });

/** What a multipart client gets for one operation: each `{"payload": ...}` part as a result, `{"payload": null, "errors"}` as the error. */
async function multipartResults<T>(url: string, body: Record<string, unknown>, authorization: string | undefined, signal: AbortSignal, sink: Sink<T>): Promise<void> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      signal,
      headers: { accept: 'multipart/mixed;subscriptionSpec="1.0",application/json', 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
    const parts = await meros<{ payload?: Result<T> | null; errors?: Result['errors'] }>(response);
    if (parts instanceof Response) throw new Error(`not multipart: ${response.status} ${await parts.text()}`);
    for await (const part of parts) {
      const json = part.body as { payload?: Result<T> | null; errors?: Result['errors'] };
      if (json.payload) sink.next(json.payload);
      else if (json.payload === null) throw Object.assign(new Error('fatal'), { errors: json.errors });
    }
    sink.complete();
  } catch (error) {
    sink.error(error);
  }
}

/** Apollo Client adds `__typename` to every selection: the other clients' results have none. */
function withoutTypename(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTypename);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '__typename').map(([k, v]) => [k, withoutTypename(v)]));
}

/** subscriptions-transport-ws's client on the legacy `graphql-ws` subprotocol; credentials in connection_init. */
export const legacyWsClient: ClientFactory = Object.assign((stack: Stack, authorization?: string): TransportClient => {
  const client = new SubscriptionClient(stack.gateway.wsUrl, { reconnect: false, lazy: true, connectionParams: authorization ? { authorization } : {} }, WebSocket);
  return {
    subscribe<T>(query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>) {
      const { sink, collected } = collector<T>();
      const subscription = client
        .request({ query, ...(variables ? { variables } : {}), ...(extensions ? { extensions } : {}) })
        .subscribe({ next: (r) => sink.next(r as Result<T>), error: sink.error, complete: sink.complete });
      return { ...collected, unsubscribe: () => subscription.unsubscribe() };
    },
    dispose: async () => {
      // ws refuses to close a socket still connecting: let it open first.
      const deadline = Date.now() + 2_000;
      while (client.status === WebSocket.CONNECTING && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      client.close();
    },
  };
}, { documentsAsText: false }); // its client refuses an empty `query`: APQ over it is checked with a raw socket

/** Every error code a subscription reported: in its results, or in the error its client ended it with. */
export async function errorCodesOf(collected: Collected<unknown>, timeoutMs = 5_000): Promise<string[]> {
  const ended = await Promise.race([
    collected.ended,
    new Promise<{ error?: unknown }>((_, reject) => setTimeout(() => reject(new Error(`not ended: ${JSON.stringify(collected.results)}`)), timeoutMs)),
  ]);
  const codes = collected.results.flatMap((r) => (r.errors ?? []).map((e) => String(e.extensions?.['code'])));
  // graphql-sse and Apollo Client end with { errors }, subscriptions-transport-ws with the first error itself.
  const error = ended.error as { errors?: unknown[]; extensions?: unknown } | unknown[] | undefined;
  const list = Array.isArray(error) ? error : Array.isArray(error?.errors) ? error.errors : error?.extensions ? [error] : [];
  for (const e of list) codes.push(String((e as { extensions?: { code?: unknown } }).extensions?.code));
  return codes;
}

/** A raw HTTP stream: the bytes as they come, for checking framing, keep-alives and bounds. */
export interface RawStream {
  readonly status: number;
  readonly headers: Headers;
  /** Everything received so far. */
  text(): string;
  /** Resolves with the text once it satisfies the predicate. */
  until(predicate: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves when the server ended the response. */
  readonly ended: Promise<string>;
  abort(): void;
}

export async function rawStream(
  url: string,
  options: { accept: string; method?: 'GET' | 'POST'; body?: unknown; authorization?: string },
): Promise<RawStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: options.method ?? 'POST',
    signal: controller.signal,
    headers: {
      accept: options.accept,
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.authorization ? { authorization: options.authorization } : {}),
    },
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
  });
  let text = '';
  const waiters: (() => void)[] = [];
  const decoder = new TextDecoder();
  const ended = (async () => {
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        for (const w of [...waiters]) w();
      }
    } catch {
      // aborted by the test
    }
    for (const w of [...waiters]) w();
    return text;
  })();
  return {
    status: response.status,
    headers: response.headers,
    text: () => text,
    ended,
    abort: () => controller.abort(),
    until(predicate, timeoutMs = 5_000) {
      if (predicate(text)) return Promise.resolve(text);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not seen in ${JSON.stringify(text)}`)), timeoutMs);
        const waiter = (): void => {
          if (!predicate(text)) return;
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(waiter), 1);
          resolve(text);
        };
        waiters.push(waiter);
      });
    },
  };
}
