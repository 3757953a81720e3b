/** What every resolver receives, over HTTP and over graphql-ws alike. */
import { ErrorCode, errorCodeOf, unauthenticated } from '../errors.js';
import type { Logger } from '../logger.js';
import { clientAddress } from '../server/client-address.js';
import type { GatewayServices } from '../server/services.js';
import { credentialKey } from '../upstream/gws-session.js';
import { raceSignal } from '../upstream/race-signal.js';
import type { UserSession } from '../upstream/user-session.js';

export interface GatewayContext {
  requestId: string;
  logger: Logger;
  /** The client's credential exactly as sent (Authorization header or connection_init). */
  authorization: string | undefined;
  services: GatewayServices;
  /** The socket peer and the raw X-Forwarded-For header (believed only from TRUSTED_PROXIES). */
  client: { remoteAddress: string; forwardedFor: string | undefined };
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
 * The user session of this request's credential. A credential with a cached
 * (verified) session only passes the per-credential rate limit. Any other
 * first passes the client's refused-credentials limit (RATE_LIMITED before
 * anything goes upstream), then is verified with GWS (GET /api/v2/me) before
 * it gets a session; a refusal counts against the client's address.
 */
export async function authorize(context: GatewayContext): Promise<UserSession> {
  const authorization = requireAuthorization(context);
  const { sessions, rateLimit, authFailures, trustedProxies } = context.services;
  const cached = sessions.get(authorization);
  if (cached) {
    await rateLimit.consume(cached.key);
    return cached;
  }
  const client = clientAddress(context.client, trustedProxies);
  await authFailures.check(client);
  await rateLimit.consume(credentialKey(authorization));
  // Counted whether or not this request still waits: a client that hangs up at once is counted too.
  const admitted = sessions.admit(authorization).catch(async (error: unknown) => {
    if (errorCodeOf(error) === ErrorCode.UNAUTHENTICATED) await authFailures.fail(client);
    throw error;
  });
  // The verification is shared by every request of this credential: this one only stops waiting.
  return raceSignal(admitted, context.signal);
}

/** The credential of this request, or UNAUTHENTICATED before anything goes upstream. */
export function requireAuthorization(context: GatewayContext): string {
  if (!context.authorization) {
    throw unauthenticated('Send your GWS credentials: Authorization: Basic … (or Bearer …)');
  }
  return context.authorization;
}
