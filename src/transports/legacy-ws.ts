/**
 * The legacy WebSocket subprotocol `graphql-ws` (subscriptions-transport-ws's
 * messages: connection_init, connection_ack, ka, start, data, error,
 * complete, stop, connection_terminate), which Apollo Kotlin's classic
 * WebSocket transport and older clients still default to.
 *
 * A translation, not a second server: each legacy socket is handed to
 * graphql-ws's own `makeServer` with the very options of the
 * `graphql-transport-ws` path (authentication from connection_init, the
 * pipeline in onSubscribe, limits, formatting, logging), through a socket
 * that rewrites messages both ways. Only what the old protocol needs is
 * here: its message names, `ka` keep-alives, and holding a `start` that
 * arrives before the acknowledgement (legacy clients do not wait for it).
 */
import type { IncomingMessage } from 'node:http';
import { CloseCode, makeServer, MessageType, type ServerOptions, type WebSocket as GraphqlWsSocket } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';

export const LEGACY_PROTOCOL = 'graphql-ws';

/** Messages of subscriptions-transport-ws. */
const Legacy = {
  ConnectionInit: 'connection_init',
  ConnectionAck: 'connection_ack',
  ConnectionError: 'connection_error',
  KeepAlive: 'ka',
  ConnectionTerminate: 'connection_terminate',
  Start: 'start',
  Data: 'data',
  Error: 'error',
  Complete: 'complete',
  Stop: 'stop',
} as const;

interface Message {
  type?: unknown;
  id?: unknown;
  payload?: unknown;
}

/** What `useServer` (graphql-ws/use/ws) puts in `ctx.extra`: the same here, so the shared hooks read the same fields. */
export interface LegacyExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

export interface LegacyWsOptions<P extends Record<string, unknown> | undefined, E> {
  /** The graphql-transport-ws path's options, shared as they are. */
  serverOptions: ServerOptions<P, E & LegacyExtra>;
  path: string;
  maxPayloadBytes: number;
  /** Interval of `ka` messages (and of the WebSocket pings that find dead peers); 0: none. */
  keepAliveMs: number;
  /** Called for each accepted socket (e.g. to coalesce its writes). */
  onSocket?: (wsServer: WebSocketServer) => void;
  /** A socket error other than an oversized frame (for the log). */
  onError?: (error: Error) => void;
}

/** ws's error for a frame over `maxPayload`; ws then closes the socket with 1009 itself. */
const MESSAGE_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

export interface LegacyWsServer {
  /** Takes the upgrades of clients that chose the `graphql-ws` subprotocol. */
  readonly wsServer: WebSocketServer;
  connectionCount(): number;
  /** Closes every legacy socket with 1001 (Going away). */
  dispose(): Promise<void>;
}

const parse = (data: string): Message | undefined => {
  try {
    const message = JSON.parse(data) as unknown;
    return typeof message === 'object' && message !== null ? (message as Message) : undefined;
  } catch {
    return undefined;
  }
};

/** A legacy client message as graphql-transport-ws (undefined: not for graphql-ws; the raw text otherwise). */
function toModern(message: Message | undefined, raw: string): string | undefined {
  switch (message?.type) {
    case Legacy.ConnectionInit:
      return JSON.stringify({ type: MessageType.ConnectionInit, ...(message.payload !== undefined ? { payload: message.payload } : {}) });
    case Legacy.Start:
      return JSON.stringify({ type: MessageType.Subscribe, id: message.id, payload: message.payload });
    case Legacy.Stop:
      return JSON.stringify({ type: MessageType.Complete, id: message.id });
    default:
      // Anything else is no message of either protocol: graphql-ws refuses it (4400), as on the other path.
      return raw;
  }
}

/** A graphql-transport-ws server message as legacy (undefined: nothing to send). */
function toLegacy(data: string): string | undefined {
  const message = parse(data);
  switch (message?.type) {
    case MessageType.ConnectionAck:
      return JSON.stringify({ type: Legacy.ConnectionAck, ...(message.payload !== undefined ? { payload: message.payload } : {}) });
    case MessageType.Next:
      return JSON.stringify({ type: Legacy.Data, id: message.id, payload: message.payload });
    case MessageType.Error:
      return JSON.stringify({ type: Legacy.Error, id: message.id, payload: message.payload });
    case MessageType.Complete:
      return JSON.stringify({ type: Legacy.Complete, id: message.id });
    default:
      return undefined; // pong: the legacy protocol has no ping
  }
}

/** Serves the legacy subprotocol with graphql-ws's server and the given options. */
export function attachLegacyWs<P extends Record<string, unknown> | undefined, E>(options: LegacyWsOptions<P, E>): LegacyWsServer {
  const wsServer = new WebSocketServer({
    noServer: true,
    path: options.path,
    maxPayload: options.maxPayloadBytes,
    handleProtocols: (protocols) => (protocols.has(LEGACY_PROTOCOL) ? LEGACY_PROTOCOL : false),
  });
  options.onSocket?.(wsServer);
  const server = makeServer<P, E & LegacyExtra>(options.serverOptions);

  wsServer.on('connection', (socket, request) => {
    // A socket's errors must have a listener (an unhandled 'error' would end the process). ws closes the
    // socket itself after a frame over maxPayload (1009); anything else closes it as an internal error.
    socket.on('error', (error) => {
      if ((error as { code?: unknown }).code === MESSAGE_TOO_BIG) return;
      options.onError?.(error);
      if (socket.readyState === socket.OPEN) socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    let acknowledged = false;
    let keepAlive: NodeJS.Timeout | undefined;
    let pongWait: NodeJS.Timeout | undefined;
    const held: string[] = [];
    let deliver: ((data: string) => void) | undefined;

    const sendRaw = (text: string): Promise<void> =>
      new Promise((resolve, reject) => {
        if (socket.readyState !== socket.OPEN) return resolve();
        socket.send(text, (error) => (error ? reject(error) : resolve()));
      });

    const translated: GraphqlWsSocket = {
      // graphql-ws checks the protocol it speaks; the translation makes the socket speak it.
      protocol: 'graphql-transport-ws',
      send: async (data) => {
        const legacy = toLegacy(data);
        if (legacy === undefined) return;
        await sendRaw(legacy);
        if (!acknowledged && legacy.includes(`"${Legacy.ConnectionAck}"`)) {
          acknowledged = true;
          await sendRaw(JSON.stringify({ type: Legacy.KeepAlive }));
          if (options.keepAliveMs > 0) {
            keepAlive = setInterval(() => {
              void sendRaw(JSON.stringify({ type: Legacy.KeepAlive })).catch(() => undefined);
              // A peer that answers no WebSocket ping within the interval is gone: free what it held.
              pongWait = setTimeout(() => socket.terminate(), options.keepAliveMs);
              socket.once('pong', () => clearTimeout(pongWait));
              socket.ping();
            }, options.keepAliveMs);
          }
          for (const message of held.splice(0)) deliver?.(message);
        }
      },
      close: (code, reason) => socket.close(code, reason),
      onMessage: (cb) => {
        deliver = (data) => {
          cb(data).catch(() => socket.close(CloseCode.InternalServerError, 'Internal server error'));
        };
      },
    };
    const closed = server.opened(translated, { socket, request } as E & LegacyExtra);

    socket.on('message', (raw) => {
      const text = String(raw);
      const message = parse(text);
      if (message?.type === Legacy.ConnectionTerminate) {
        socket.close(1000, 'Normal Closure');
        return;
      }
      const modern = toModern(message, text);
      if (modern === undefined) return;
      // Legacy clients send `start` right after `connection_init`: hold it until the acknowledgement.
      if (!acknowledged && message?.type !== Legacy.ConnectionInit) held.push(modern);
      else deliver?.(modern);
    });
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      clearTimeout(pongWait);
      held.length = 0;
      void closed(code, String(reason));
    });
  });

  return {
    wsServer,
    connectionCount: () => wsServer.clients.size,
    dispose: async () => {
      for (const client of wsServer.clients) client.close(1001, 'Going away');
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
