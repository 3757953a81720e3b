/**
 * The HTTP stream transports on `/graphql`, chosen by the Accept header:
 * `text/event-stream` (server-sent events, graphql-sse's distinct-connections
 * mode) and `multipart/mixed;subscriptionSpec="1.0"` (Apollo's multipart
 * subscriptions). One Express middleware, mounted after CORS and the JSON
 * body parser (so their limits hold) and before Apollo Server, which keeps
 * every other request.
 */
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { RequestHandler } from 'express';
import type { GatewayServices } from '../server/services.js';
import type { CheckedDocument, PersistedDocuments } from '../server/trusted-documents.js';
import { streamTransportOf } from './accept.js';
import { HttpStreams, type StreamCounts } from './http-streams.js';
import { multipartFraming } from './multipart.js';
import { createPrepareOperation } from './prepare-operation.js';
import { sseFraming } from './sse.js';

export interface HttpTransportsOptions {
  schema: GraphQLSchema;
  services: GatewayServices;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  checkDocument: (schema: GraphQLSchema, query: string) => CheckedDocument;
  persistedDocuments: PersistedDocuments;
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
  const { services, formatError } = options;
  const streams = new HttpStreams({
    services,
    prepare: createPrepareOperation(options),
    formatErrors: (errors: readonly GraphQLError[]) => errors.map((e) => formatError(e.toJSON(), e.originalError ?? e)),
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
