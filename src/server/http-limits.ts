/**
 * The HTTP edge of the gateway, apart from GraphQL: the Node server's own
 * limits (time to send headers and the whole request, idle keep-alive, open
 * connections), an early 413 on a declared body over MAX_BODY_BYTES, and JSON
 * answers for unknown paths, wrong methods and errors outside GraphQL, so no
 * client ever gets Express's HTML page and nothing is printed outside the logger.
 */
import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { GatewayConfig } from '../config/config.js';
import type { Logger } from '../logger.js';

/** How often Node checks its connections against headersTimeout/requestTimeout (its default, 30 s, would make a 10 s limit 40 s). */
const checkingIntervalFor = (headersTimeoutMs: number): number => Math.max(50, Math.min(1_000, Math.floor(headersTimeoutMs / 4)));

/**
 * An http.Server with the configured limits. `requestTimeout` bounds receiving
 * the request (headers and body) only: once the request is in, the response
 * may stream as long as it likes (SSE, multipart, a WebSocket after upgrade).
 */
export function createLimitedHttpServer(listener: RequestListener, http: GatewayConfig['http'], logger: Logger): Server {
  const options: ServerOptions = {
    headersTimeout: http.headersTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    connectionsCheckingInterval: checkingIntervalFor(http.headersTimeoutMs),
  };
  const server = createServer(options, listener);
  server.keepAliveTimeout = http.keepAliveTimeoutMs;
  server.maxConnections = http.maxConnections;
  logDroppedConnections(server, http.maxConnections, logger);
  return server;
}

/** Connections refused at the cap, logged at most once per 10 s with how many (an attack must not flood the log). */
function logDroppedConnections(server: Server, maxConnections: number, logger: Logger): void {
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  server.on('drop', () => {
    dropped++;
    timer ??= setTimeout(() => {
      logger.warn({ dropped, maxConnections }, 'connections refused: HTTP_MAX_CONNECTIONS reached');
      dropped = 0;
      timer = undefined;
    }, 10_000).unref();
  });
  server.on('close', () => clearTimeout(timer));
}

/** The JSON error body the gateway answers outside GraphQL execution. */
export const errorBody = (message: string, code: string, extensions: Record<string, unknown> = {}) => ({
  errors: [{ message, extensions: { ...extensions, code } }],
});

/**
 * 413 at once for a `Content-Length` over the limit, before any of the body
 * is read (body-parser would read it all to the end first); the connection is
 * closed after the answer so the rest of the body is never waited for.
 */
export function rejectOversizeBody(maxBodyBytes: number): RequestHandler {
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    if (declared === undefined || !(Number(declared) > maxBodyBytes)) {
      next();
      return;
    }
    res.setHeader('connection', 'close');
    res.status(413).json(errorBody('Request body too large', 'BAD_REQUEST', { maxBodyBytes }));
  };
}

/** 405 with `Allow` for a known path asked with another method. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req, res) => {
    res.setHeader('allow', allowed.join(', '));
    res.status(405).json(errorBody(`Method ${req.method} not allowed here; use ${allowed.join(' or ')}`, 'BAD_REQUEST'));
  };
}

/** JSON 404 for every path nothing answered. */
export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(errorBody(`Not found: ${req.method} ${req.path}`, 'NOT_FOUND'));
};

/**
 * The last error handler: logged through the logger (Express's own would
 * print the stack to stderr), answered as JSON 500, or the socket closed when
 * the answer had begun.
 */
export function lastResortErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    logger.error({ err: error, method: req.method, path: req.path }, 'unexpected error outside GraphQL');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(500).json(errorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
  };
}
