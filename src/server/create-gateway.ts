/**
 * Assembles the gateway on one Node http.Server: Express 5 with Apollo Server
 * (POST/GET /graphql), graphql-ws on the same path, health endpoints, and an
 * explicit shutdown order: stop accepting, drain HTTP, close graphql-ws
 * clients (1001), then close every upstream session.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import cors from 'cors';
import express, { type ErrorRequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { GatewayConfig } from '../config/config.js';
import type { GatewayContext } from '../graphql/context.js';
import { httpRequestContext } from './http-request-context.js';
import { createSchema } from '../graphql/schema.js';
import type { Logger } from '../logger.js';
import { createServices, disposeServices, type EventSourceFactory, type GatewayServices } from './services.js';
import { attachGraphqlWs } from './graphql-ws-server.js';
import { createReadiness } from './readiness.js';
import { createLimitedHttpServer, lastResortErrorHandler, methodNotAllowed, notFound, rejectOversizeBody } from './http-limits.js';
import { createGatewayPipeline, RequestFailures } from '../pipeline/index.js';
import { apolloPipelineOptions } from './apollo-pipeline.js';
import { requestLoggingPlugin } from '../observability/request-logging.js';
import { graphqlPostHandler, type NodeMiddleware } from './graphql-post.js';
import type { GwsHttpClient } from '../upstream/gws-http-client.js';
import type { RequestHandler } from 'express';
import { createHttpTransports } from '../transports/http-transports.js';

export interface GatewayOptions {
  config: GatewayConfig;
  /** The GWS origin to use (the simulator's when GWS_BASE_URL is unset). */
  gwsBaseUrl: string;
  logger: Logger;
  openEventSource: (gws: GwsHttpClient, logger: Logger) => EventSourceFactory;
  /** Mounted before Apollo: serves the playground page and assets to browsers, passes the rest on. */
  playground?: RequestHandler;
}

export interface Gateway {
  readonly url: string;
  readonly wsUrl: string;
  readonly httpServer: Server;
  readonly services: GatewayServices;
  readonly schema: GraphQLSchema;
  /** Idempotent; resolves when everything is closed. */
  stop(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger } = options;
  const services = createServices(config, options.gwsBaseUrl, logger, options.openEventSource);
  const schema = createSchema();
  const app = express();
  app.disable('x-powered-by');
  app.use(rejectOversizeBody(config.limits.maxBodyBytes));
  // A plain JSON POST to /graphql (every mutation) skips Express (graphql-post.ts); everything else is Express's.
  // Set once Apollo has started (below): Apollo's drain plugin needs the server first.
  const direct: { graphqlPost?: (req: IncomingMessage, res: ServerResponse) => boolean } = {};
  const httpServer = createLimitedHttpServer((req, res) => {
    if (!direct.graphqlPost?.(req, res)) app(req, res);
  }, config.http, logger);
  // One pipeline for every transport: Apollo (HTTP) and graphql-ws are adapters of it.
  // With REDIS_URL the persisted-query cache is shared: a document registered through one instance runs on every other.
  const apqCache = services.cluster?.apqCache({ ttlSeconds: config.persistedDocuments.apqTtlSeconds, maxValueBytes: config.limits.maxDocumentBytes });
  const pipeline = createGatewayPipeline({ config, schema, logger, ...(apqCache ? { apqCache } : {}) });
  const { plugin: pipelinePlugin, ...apolloPipeline } = apolloPipelineOptions(pipeline);
  const ws = attachGraphqlWs({ httpServer, pipeline, services, maxPayloadBytes: config.limits.maxBodyBytes });
  services.metrics.attach({ wsConnections: () => ws.connectionCount() });
  // Server-sent events and multipart subscriptions, chosen by Accept before Apollo sees the request.
  const httpStreams = createHttpTransports({ pipeline, services });
  services.metrics.attach({ transports: () => ({ ...ws.transports(), ...httpStreams.counts() }) });

  const wsDrain: ApolloServerPlugin = {
    async serverWillStart() {
      return { drainServer: async () => { await ws.dispose(); } };
    },
  };
  const httpStreamsDrain: ApolloServerPlugin = {
    async serverWillStart() {
      return { drainServer: async () => httpStreams.dispose() };
    },
  };
  const noStore: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    ...apolloPipeline,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: config.env === 'development',
    // We own SIGINT/SIGTERM (main.ts) so the shutdown order stays ours.
    stopOnTerminationSignals: false,
    plugins: [
      // Cache control hooks every field of every operation; with no hints in the schema its one effect was
      // `cache-control: no-store` on every answer, which noStore keeps at one header per response.
      ApolloServerPluginCacheControlDisabled(),
      noStore,
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      wsDrain,
      httpStreamsDrain,
      ApolloServerPluginLandingPageDisabled(),
      pipelinePlugin,
      requestLoggingPlugin(),
    ],
  });
  await apollo.start();

  const readiness = createReadiness(options.gwsBaseUrl, config.upstream.connectTimeoutMs, config.upstream.maxResponseBytes);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const circuit = services.gws.circuitState;
    const [upstream, redis] = await Promise.all([
      circuit === 'open' ? { reachable: false, checkedAt: new Date().toISOString(), error: 'circuit open' } : readiness(),
      services.cluster?.health(),
    ]);
    // With REDIS_URL, an instance that cannot reach Redis is not ready either (live events need it).
    const ready = upstream.reachable && (redis === undefined || redis.reachable);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', upstream, circuit, ...(redis ? { redis } : {}) });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(services.metrics.contentType()).send(await services.metrics.render());
  });
  app.all(['/healthz', '/readyz', '/metrics'], methodNotAllowed(['GET', 'HEAD']));
  if (options.playground) app.use(options.playground);
  const corsHandler = cors<cors.CorsRequest>({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false, credentials: false });
  const contextOf = async (req: IncomingMessage, res: ServerResponse): Promise<GatewayContext> => httpRequestContext(req, res, services).context;
  app.use(
    '/graphql',
    corsHandler,
    express.json({ limit: config.limits.maxBodyBytes }),
    httpStreams.middleware,
    expressMiddleware(apollo, { context: ({ req, res }) => contextOf(req, res) }),
  );
  // Body-parser failures (malformed JSON, too large) as GraphQL errors: never Express's HTML page with a stack.
  app.use(bodyErrorHandler(logger, config.limits.maxBodyBytes));
  direct.graphqlPost = graphqlPostHandler({
    apollo,
    path: '/graphql',
    maxBodyBytes: config.limits.maxBodyBytes,
    cors: corsHandler as NodeMiddleware,
    context: contextOf,
    logger,
    direct: { pipeline, includeStacktrace: config.env === 'development' },
  });
  app.use(notFound);
  app.use(lastResortErrorHandler(logger));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${address.port}/graphql`;

  let stopping: Promise<void> | undefined;
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    httpServer,
    services,
    schema,
    stop: () =>
      (stopping ??= (async () => {
        await apollo.stop(); // drains HTTP, then disposes graphql-ws (1001 Going away)
        await disposeServices(services); // disconnects every upstream CometD session
      })()),
  };
}

function bodyErrorHandler(logger: Logger, maxBodyBytes: number): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = (error as { status?: unknown }).status;
    const clientError = typeof status === 'number' && status >= 400 && status < 500;
    if (!clientError) logger.error({ err: error }, 'unexpected error outside GraphQL');
    const tooLarge = clientError && (error as { type?: unknown }).type === 'entity.too.large';
    const message = tooLarge
      ? `Request body too large: at most ${maxBodyBytes} bytes (MAX_BODY_BYTES)`
      : clientError
        ? 'Malformed request body: send JSON { "query": "...", "variables": {...} }'
        : 'Internal server error';
    res.status(tooLarge ? RequestFailures.BODY_TOO_LARGE.status : clientError ? status : 500).json({
      errors: [{ message, extensions: { code: tooLarge ? RequestFailures.BODY_TOO_LARGE.code : clientError ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }],
    });
  };
}

