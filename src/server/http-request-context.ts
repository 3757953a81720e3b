/**
 * The GatewayContext of one HTTP request, for every HTTP transport (Apollo's
 * POST/GET and the SSE/multipart streams): request id, lazy child logger,
 * credential, client peer, and a signal aborted when the client goes away.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAuthorization, type GatewayContext } from '../graphql/context.js';
import type { Logger } from '../logger.js';
import { forwardedForHeader } from './client-address.js';
import type { GatewayServices } from './services.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the context and echoes its request id in `x-request-id`. `controller`
 * aborts the context's signal (a stream closed by the server aborts it too).
 */
export function httpRequestContext(
  req: IncomingMessage,
  res: ServerResponse,
  services: GatewayServices,
): { context: GatewayContext; controller: AbortController } {
  const requestId = requestIdOf(req);
  res.setHeader('x-request-id', requestId);
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const { logger } = services;
  // The request's child logger is made on first use, and not at all when logging is off.
  let child: Logger | undefined;
  const context: GatewayContext = {
    requestId,
    get logger() {
      return (child ??= logger.isLevelEnabled('fatal') ? logger.child({ requestId }) : logger);
    },
    authorization: parseAuthorization(req.headers.authorization),
    services,
    client: { remoteAddress: req.socket.remoteAddress ?? '', forwardedFor: forwardedForHeader(req.headers['x-forwarded-for']) },
    signal: controller.signal,
  };
  return { context, controller };
}

/** The client's `x-request-id` when it is sane, else a new one. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}
