/**
 * graphql-ws on the gateway's http.Server, at the same path as HTTP GraphQL.
 * The credential comes from the connection_init payload ({ authorization });
 * a connection without one is accepted, and each of its operations fails with
 * UNAUTHENTICATED (the same answer HTTP gives), which a client shows instead
 * of a reconnect loop.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Disposable, ServerOptions } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { ErrorCode } from '../errors.js';
import { parseAuthorization, type GatewayContext } from '../graphql/context.js';
import { forwardedForHeader } from './client-address.js';
import type { Logger } from '../logger.js';
import { coalesceWrites } from './coalesce-ws-writes.js';
import type { GatewayServices } from './services.js';
import type { PersistedDocuments } from './trusted-documents.js';
import { attachLegacyWs } from '../transports/legacy-ws.js';
import { dispatchUpgrades, SubscriptionCounter } from '../transports/ws-subprotocols.js';

export interface GraphqlWsOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  services: GatewayServices;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Parses and validates with the same limits as HTTP. */
  checkDocument: (schema: GraphQLSchema, query: string) => { document: DocumentNode } | { errors: readonly GraphQLError[] };
  /** Persisted queries (a hash with an empty `query`) and the trusted-documents check, as over HTTP. */
  persistedDocuments?: PersistedDocuments;
  path?: string;
  /** Largest WebSocket message (then 1009), like HTTP's body limit. */
  maxPayloadBytes?: number;
}

export interface GraphqlWsServer extends Disposable {
  readonly wsServer: WebSocketServer;
  /** Open sockets, both subprotocols. */
  connectionCount(): number;
  /** Open sockets and subscriptions per subprotocol. */
  transports(): Record<'graphql-transport-ws' | 'graphql-ws', { connections: number; subscriptions: number }>;
}

export function attachGraphqlWs(options: GraphqlWsOptions): GraphqlWsServer {
  const { services, formatError } = options;
  const { config, logger } = services;
  const path = options.path ?? '/graphql';
  const maxPayload = options.maxPayloadBytes ?? 100 * 1024;
  // Upgrades are dispatched by subprotocol (src/transports/ws-subprotocols.ts): this server takes graphql-transport-ws.
  const wsServer = new WebSocketServer({ noServer: true, path, maxPayload });
  coalesceWrites(wsServer);
  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) => formatError(e.toJSON(), e.originalError ?? e));

  const serverOptions: ServerOptions<Record<string, unknown> | undefined, Partial<{ connectionId: string }> & Extra> = {
      schema: options.schema,
      connectionInitWaitTimeout: config.ws.connectionInitTimeoutMs,
      onConnect: (ctx) => {
        ctx.extra.connectionId = randomUUID();
        logger.debug({ connectionId: ctx.extra.connectionId }, 'graphql-ws connection');
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // ctx.subscriptions already holds the new id here.
        if (Object.keys(ctx.subscriptions).length > config.ws.maxSubscriptionsPerConnection) {
          return [
            new GraphQLError(`At most ${config.ws.maxSubscriptionsPerConnection} operations per connection`, {
              extensions: { code: ErrorCode.RATE_LIMITED },
            }),
          ];
        }
        const check = (query: string) => options.checkDocument(options.schema, query);
        const checked = options.persistedDocuments ? await options.persistedDocuments.prepareWs(payload, check) : check(payload.query);
        if ('errors' in checked) return checked.errors;
        return {
          schema: options.schema,
          document: checked.document,
          ...(payload.operationName ? { operationName: payload.operationName } : {}),
          ...(payload.variables ? { variableValues: payload.variables } : {}),
        };
      },
      context: (ctx, id): GatewayContext => {
        const params = ctx.connectionParams ?? {};
        const connectionId = ctx.extra.connectionId ?? 'unknown';
        // A subscription lives long and mostly logs nothing: make its child logger only when used.
        let child: Logger | undefined;
        return {
          requestId: `${connectionId}:${id}`,
          get logger() {
            return (child ??= logger.child({ connectionId, operationId: id }));
          },
          authorization: parseAuthorization(params['authorization'] ?? params['Authorization']),
          services,
          client: { remoteAddress: ctx.extra.request.socket.remoteAddress ?? '', forwardedFor: forwardedForHeader(ctx.extra.request.headers['x-forwarded-for']) },
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
      onError: (_ctx, _id, _payload, errors) => format(errors),
  };
  // The same options serve the legacy `graphql-ws` subprotocol: every rule is shared.
  const counted = { modern: new SubscriptionCounter(), legacy: new SubscriptionCounter() };
  const disposable = useServer(counted.modern.wrap(serverOptions), wsServer, config.ws.keepAliveMs);
  const legacy = attachLegacyWs({ serverOptions: counted.legacy.wrap(serverOptions), path, maxPayloadBytes: maxPayload, keepAliveMs: config.ws.keepAliveMs, onSocket: coalesceWrites, onError: (err) => logger.warn({ err }, 'legacy graphql-ws socket error') });
  const undispatch = dispatchUpgrades(options.httpServer, { modern: wsServer, legacy: legacy.wsServer });
  return {
    wsServer,
    connectionCount: () => wsServer.clients.size + legacy.connectionCount(),
    transports: () => ({
      'graphql-transport-ws': { connections: wsServer.clients.size, subscriptions: counted.modern.open },
      'graphql-ws': { connections: legacy.connectionCount(), subscriptions: counted.legacy.open },
    }),
    dispose: async () => {
      undispatch();
      // Both close every client with 1001 Going away.
      await Promise.all([disposable.dispose(), legacy.dispose()]);
    },
  };
}
