/**
 * One WebSocket URL, two subprotocols: an upgrade goes to the
 * `graphql-transport-ws` server (graphql-ws, the default) unless the client
 * offers only the legacy `graphql-ws` (subscriptions-transport-ws). Also
 * counts the open subscriptions of each, for the metrics by transport.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerOptions } from 'graphql-ws';
import type { WebSocketServer } from 'ws';
import { LEGACY_PROTOCOL } from './legacy-ws.js';

const MODERN_PROTOCOL = 'graphql-transport-ws';

/** Which server takes an upgrade that offers these subprotocols. */
export function chooseSubprotocolServer(offered: string | undefined): 'modern' | 'legacy' {
  const protocols = (offered ?? '').split(',').map((p) => p.trim());
  return !protocols.includes(MODERN_PROTOCOL) && protocols.includes(LEGACY_PROTOCOL) ? 'legacy' : 'modern';
}

/** Routes the http.Server's upgrades to the two servers (both `noServer`); returns the undo. */
export function dispatchUpgrades(httpServer: Server, servers: { modern: WebSocketServer; legacy: WebSocketServer }): () => void {
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const target = servers[chooseSubprotocolServer(request.headers['sec-websocket-protocol'])];
    // handleUpgrade answers 400 itself for another path, as ws does in `server` mode.
    target.handleUpgrade(request, socket, head, (ws) => target.emit('connection', ws, request));
  };
  httpServer.on('upgrade', onUpgrade);
  return () => httpServer.off('upgrade', onUpgrade);
}

/** Counts the subscriptions (operations whose result is a stream) served with some graphql-ws options. */
export class SubscriptionCounter {
  #open = 0;
  readonly #byContext = new WeakMap<object, Set<string>>();

  get open(): number {
    return this.#open;
  }

  /** The same options, counting each subscription from its start to its completion. */
  wrap<P extends Record<string, unknown> | undefined, E>(options: ServerOptions<P, E>): ServerOptions<P, E> {
    return {
      ...options,
      onOperation: async (ctx, id, payload, args, result) => {
        if (typeof result === 'object' && result !== null && Symbol.asyncIterator in result) {
          let ids = this.#byContext.get(ctx);
          if (!ids) this.#byContext.set(ctx, (ids = new Set()));
          ids.add(id);
          this.#open += 1;
        }
        return options.onOperation?.(ctx, id, payload, args, result);
      },
      onComplete: async (ctx, id, payload) => {
        if (this.#byContext.get(ctx)?.delete(id)) this.#open -= 1;
        return options.onComplete?.(ctx, id, payload);
      },
    };
  }
}
