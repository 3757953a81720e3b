/**
 * GraphiQL's fetcher: HTTP through @graphiql/toolkit, subscriptions through a
 * graphql-ws client whose `connection_init` payload carries the headers
 * editor's headers with lower-cased names (`authorization`).
 *
 * toolkit's own `subscriptionUrl` mode would send the headers as typed
 * (`Authorization`) and open a new client per subscription. Here there is one
 * lazy client per distinct set of headers: a subscription always runs on a
 * socket initialised with the headers it was started with, so changing the
 * Authorization header never reuses another user's socket. A lazy client
 * holds no socket while it has no subscription.
 */
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { createClient, type Client } from 'graphql-ws';
import { connectionParamsFromHeaders, connectionParamsKey } from './connection-params.js';
import { documentOf, withKnownOperationName } from './operation-name.js';

export interface PlaygroundFetcherOptions {
  /** HTTP endpoint (absolute URL). */
  url: string;
  /** graphql-ws endpoint (absolute ws:// or wss:// URL). */
  subscriptionUrl: string;
}

export interface PlaygroundFetcher {
  fetcher: Fetcher;
  /** Closes every WebSocket client. */
  dispose(): void;
}

export function createPlaygroundFetcher({ url, subscriptionUrl }: PlaygroundFetcherOptions): PlaygroundFetcher {
  const clients = new Map<string, Client>();

  const wsClientFor = (headers: Readonly<Record<string, unknown>> | undefined): Client => {
    const params = connectionParamsFromHeaders(headers);
    const key = connectionParamsKey(params);
    let client = clients.get(key);
    if (!client) {
      client = createClient({
        url: subscriptionUrl,
        lazy: true,
        // Read on every (re)connect; the params of this client never change.
        connectionParams: () => params,
      });
      clients.set(key, client);
    }
    return client;
  };

  const fetcher: Fetcher = (params, opts) => {
    const known = withKnownOperationName(params);
    const documentAST = documentOf(known.query) ?? opts?.documentAST;
    return createGraphiQLFetcher({ url, wsClient: wsClientFor(opts?.headers) })(known, { ...opts, ...(documentAST ? { documentAST } : {}) });
  };

  return {
    fetcher,
    dispose() {
      for (const client of clients.values()) void client.dispose();
      clients.clear();
    },
  };
}
