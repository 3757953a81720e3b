/** What every resolver receives, over HTTP and over graphql-ws alike. */
import { unauthenticated } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GatewayServices } from '../server/services.js';
import type { UserSession } from '../upstream/user-session.js';

export interface GatewayContext {
  requestId: string;
  logger: Logger;
  /** The client's credential exactly as sent (Authorization header or connection_init). */
  authorization: string | undefined;
  services: GatewayServices;
  /** Aborted when the client goes away, so upstream calls stop too. */
  signal?: AbortSignal;
}

const MAX_CREDENTIAL_LENGTH = 8192;
const CREDENTIAL = /^(Basic|Bearer) [A-Za-z0-9+/=._~-]+$/i;

/** Reads a credential from a header or connection_init value; undefined when absent or malformed. */
export function parseAuthorization(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_CREDENTIAL_LENGTH || !CREDENTIAL.test(trimmed)) return undefined;
  return trimmed;
}

/**
 * The user session of this request's credential, after the rate limit:
 * UNAUTHENTICATED or RATE_LIMITED before anything goes upstream.
 */
export async function authorize(context: GatewayContext): Promise<UserSession> {
  const authorization = requireAuthorization(context);
  const user = context.services.sessions.get(authorization);
  await context.services.rateLimit.consume(user.key);
  return user;
}

/** The credential of this request, or UNAUTHENTICATED before anything goes upstream. */
export function requireAuthorization(context: GatewayContext): string {
  if (!context.authorization) {
    throw unauthenticated('Send your GWS credentials: Authorization: Basic … (or Bearer …)');
  }
  return context.authorization;
}
