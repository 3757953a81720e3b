/**
 * GraphQL over WebSocket on the gateway's http.Server, at the same path as
 * HTTP GraphQL: a thin adapter of the request pipeline. graphql-ws's
 * `makeServer` speaks the protocol; every document goes through
 * `pipeline.prepare` (the same rules, caches, persisted and trusted documents
 * as HTTP), and every error through `pipeline.formatErrors`. Upgrades are
 * dispatched by subprotocol (src/transports/ws-subprotocols.ts): this server
 * takes graphql-transport-ws, and the legacy `graphql-ws` subprotocol
 * (src/transports/legacy-ws.ts) is served with the very same options.
 *
 * The socket binding is ours rather than `graphql-ws/use/ws`, so that socket
 * errors (a message over MAX_BODY_BYTES: ws closes it with 1009) go to the
 * logger, not to stderr with a stack.
 *
 * The credential comes from the connection_init payload ({ authorization });
 * a connection without one is accepted, and each of its operations fails
 * with UNAUTHENTICATED (the same answer HTTP gives), which a client shows
 * instead of a reconnect loop.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type Disposable, type ServerOptions } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorCode } from '../errors.js';
import { parseAuthorization, type GatewayContext } from '../graphql/context.js';
import { forwardedForHeader } from './client-address.js';
import type { Logger } from '../logger.js';
import type { GraphQLPipeline } from '../pipeline/index.js';
import { attachLegacyWs } from '../transports/legacy-ws.js';
import { dispatchUpgrades, SubscriptionCounter } from '../transports/ws-subprotocols.js';
import { directFrames, sharedFrames } from '../fanout/shared-frames.js';
import { coalesceWrites } from './coalesce-ws-writes.js';
import type { GatewayServices } from './services.js';

export interface GraphqlWsOptions {
  httpServer: Server;
  pipeline: GraphQLPipeline;
  services: GatewayServices;
  /** Largest WebSocket message (then close 1009): MAX_BODY_BYTES, as for an HTTP body. */
  maxPayloadBytes: number;
  path?: string;
}

export interface GraphqlWsServer extends Disposable {
  readonly wsServer: WebSocketServer;
  /** Open sockets, both subprotocols. */
  connectionCount(): number;
  /** Open sockets and subscriptions per subprotocol. */
  transports(): Record<'graphql-transport-ws' | 'graphql-ws', { connections: number; subscriptions: number }>;
}

/** What both subprotocols put in `ctx.extra` (the legacy one gives `socket` and `request`; `onConnect` names the connection). */
interface ConnectionExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  connectionId?: string;
}

/** ws's error for a message over `maxPayload`; ws closes the socket with 1009 itself. */
const MESSAGE_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

export function attachGraphqlWs(options: GraphqlWsOptions): GraphqlWsServer {
  const { services, pipeline } = options;
  const { config, logger } = services;
  const path = options.path ?? '/graphql';
  const maxPayload = options.maxPayloadBytes;
  const wsServer = new WebSocketServer({ noServer: true, path, maxPayload, handleProtocols: (protocols) => handleProtocols(protocols) });
  coalesceWrites(wsServer);
  // One execution and one payload JSON per event for a user's subscribers of the same operation (src/fanout/).
  const frames = sharedFrames(services.fanout);
  frames.attach(wsServer);

  const serverOptions: ServerOptions<Record<string, unknown> | undefined, ConnectionExtra> = {
    schema: pipeline.schema,
    subscribe: services.fanout.subscribe,
    connectionInitWaitTimeout: config.ws.connectionInitTimeoutMs,
    onConnect: (ctx) => {
      ctx.extra.connectionId = randomUUID();
      logger.debug({ connectionId: ctx.extra.connectionId }, 'graphql-ws connection');
      return true;
    },
    onSubscribe: async (ctx, id, payload) => {
      // ctx.subscriptions already holds the new id here.
      if (Object.keys(ctx.subscriptions).length > config.ws.maxSubscriptionsPerConnection) {
        return [
          new GraphQLError(`At most ${config.ws.maxSubscriptionsPerConnection} operations per connection`, {
            extensions: { code: ErrorCode.RATE_LIMITED },
          }),
        ];
      }
      const params = ctx.connectionParams ?? {};
      const connectionId = ctx.extra.connectionId ?? 'unknown';
      // A subscription lives long and mostly logs nothing: make its child logger only when used.
      let child: Logger | undefined;
      const context: GatewayContext = {
        requestId: `${connectionId}:${id}`,
        get logger() {
          return (child ??= logger.child({ connectionId, operationId: id }));
        },
        authorization: parseAuthorization(params['authorization'] ?? params['Authorization']),
        services,
        client: { remoteAddress: ctx.extra.request.socket.remoteAddress ?? '', forwardedFor: forwardedForHeader(ctx.extra.request.headers['x-forwarded-for']) },
      };
      const prepared = await pipeline.prepare(
        { query: payload.query, operationName: payload.operationName, variables: payload.variables, extensions: payload.extensions },
        context,
      );
      return prepared.ok ? prepared.args : prepared.errors;
    },
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: pipeline.formatErrors(result.errors) } : services.fanout.isShareable(result) ? result : undefined,
    onError: (_ctx, _id, _payload, errors) => pipeline.formatErrors(errors),
  };

  // The same options serve the legacy `graphql-ws` subprotocol: every rule is shared.
  const counted = { modern: new SubscriptionCounter(), legacy: new SubscriptionCounter() };
  const server = makeServer(
    counted.modern.wrap({
      ...serverOptions,
      jsonMessageReplacer: frames.replacer,
      // graphql-transport-ws only: shared results of a subscription go straight to its socket as `next` frames (src/fanout/).
      onSubscribe: async (ctx, id, payload) => {
        const prepared = await serverOptions.onSubscribe!(ctx, id, payload);
        if (prepared && isExecutionArgs(prepared)) services.fanout.deliverDirectly(prepared, directFrames(ctx.extra.socket, id));
        return prepared;
      },
    }),
  );
  wsServer.on('connection', (socket: WebSocket, request: IncomingMessage) => serve(socket, request));
  const legacy = attachLegacyWs({
    serverOptions: counted.legacy.wrap(serverOptions),
    path,
    maxPayloadBytes: maxPayload,
    keepAliveMs: config.ws.keepAliveMs,
    onSocket: coalesceWrites,
    onError: (err) => logger.warn({ err }, 'legacy graphql-ws socket error'),
  });
  const undispatch = dispatchUpgrades(options.httpServer, { modern: wsServer, legacy: legacy.wsServer });

  function serve(socket: WebSocket, request: IncomingMessage): void {
    socket.once('error', (error) => {
      if ((error as { code?: unknown }).code === MESSAGE_TOO_BIG) {
        logger.debug('graphql-ws message over MAX_BODY_BYTES: closed with 1009');
        return;
      }
      logger.warn({ err: error }, 'graphql-ws socket error');
      if (socket.readyState === socket.OPEN) socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    const keepAlive = keepAlivePings(socket, config.ws.keepAliveMs);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch (error) {
              logger.error({ err: error }, 'graphql-ws message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      keepAlive.stop();
      void closed(code, String(reason));
    });
  }

  return {
    wsServer,
    connectionCount: () => wsServer.clients.size + legacy.connectionCount(),
    transports: () => ({
      'graphql-transport-ws': { connections: wsServer.clients.size, subscriptions: counted.modern.open },
      'graphql-ws': { connections: legacy.connectionCount(), subscriptions: counted.legacy.open },
    }),
    dispose: async () => {
      undispatch();
      for (const client of wsServer.clients) client.close(1001, 'Going away');
      // Both close every client with 1001 Going away.
      await Promise.all([
        new Promise<void>((resolve, reject) => wsServer.close((error) => (error ? reject(error) : resolve()))),
        legacy.dispose(),
      ]);
    },
  };
}

const isExecutionArgs = (value: ExecutionArgs | readonly GraphQLError[]): value is ExecutionArgs => !Array.isArray(value);

/** Pings every `intervalMs` (0: never); a socket that does not answer within the next interval is terminated. */
function keepAlivePings(socket: WebSocket, intervalMs: number): { stop(): void } {
  if (!(intervalMs > 0)) return { stop: () => undefined };
  let pongWait: NodeJS.Timeout | undefined;
  const interval = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return;
    pongWait = setTimeout(() => socket.terminate(), intervalMs);
    socket.once('pong', () => {
      clearTimeout(pongWait);
      pongWait = undefined;
    });
    socket.ping();
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(interval);
      clearTimeout(pongWait);
    },
  };
}
