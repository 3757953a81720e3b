/**
 * The HTTP stream transports on `/graphql`, chosen by the Accept header:
 * `text/event-stream` (server-sent events, graphql-sse's distinct-connections
 * mode) and `multipart/mixed;subscriptionSpec="1.0"` (Apollo's multipart
 * subscriptions). One Express middleware, mounted after CORS and the JSON
 * body parser (so their limits hold) and before Apollo Server, which keeps
 * every other request.
 */
import type { RequestHandler } from 'express';
import type { GraphQLPipeline } from '../pipeline/index.js';
import type { GatewayServices } from '../server/services.js';
import { streamTransportOf } from './accept.js';
import { HttpStreams, type StreamCounts } from './http-streams.js';
import { multipartFraming } from './multipart.js';
import { sseFraming } from './sse.js';

export interface HttpTransportsOptions {
  /** The one request pipeline (src/pipeline): prepare and formatErrors. */
  pipeline: GraphQLPipeline;
  services: GatewayServices;
}

export interface HttpTransports {
  /** Serves SSE and multipart requests; passes every other request on. */
  readonly middleware: RequestHandler;
  /** Open streams and subscriptions per transport. */
  counts(): StreamCounts;
  /** Closes every open stream (shutdown). */
  dispose(): void;
}

export function createHttpTransports(options: HttpTransportsOptions): HttpTransports {
  const { services, pipeline } = options;
  const streams = new HttpStreams({
    services,
    prepare: (request, context) => pipeline.prepare(request, context),
    formatErrors: (errors) => pipeline.formatErrors(errors),
    keepAliveMs: { sse: services.config.httpStreams.sseKeepAliveMs, multipart: services.config.httpStreams.multipartHeartbeatMs },
    maxStreamsPerCredential: services.config.httpStreams.maxStreamsPerCredential,
  });
  return {
    middleware: (req, res, next) => {
      const transport = req.method === 'GET' || req.method === 'POST' ? streamTransportOf(req.headers.accept) : undefined;
      if (!transport) {
        next();
        return;
      }
      void streams.serve(req, res, transport === 'sse' ? sseFraming : multipartFraming);
    },
    counts: () => streams.counts(),
    dispose: () => streams.dispose(),
  };
}
