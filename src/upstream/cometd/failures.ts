/**
 * How to read a failed `/meta/*` reply: whether GWS refused it as
 * unauthorised, and a short description that is safe to log (no headers,
 * no cookies, no message data).
 */
import type { MetaMessage } from './adapter.js';

// An HTTP session that GWS does not know (expired, logged out, never made)
// is refused before CometD sees the request; CSRF refusals are 403 as well.
const UNAUTHORISED_HTTP = new Set([401, 403]);
// CometD-Java's SecurityPolicy refuses with "403::Handshake denied"; other
// servers use 401. Only read on handshakes: on other channels faye uses
// "401::Unknown client" for a client it lost, which asks for a re-handshake.
const UNAUTHORISED_BAYEUX = /^40[13]:/;

/** The HTTP status of the response a failed reply was made up from, if any. */
export function httpStatusOf(message: MetaMessage): number | undefined {
  const status = message.failure?.httpCode;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

/** Whether the HTTP response to this request said "unauthorised" (401/403). */
export function isUnauthorisedHttp(message: MetaMessage): boolean {
  const status = httpStatusOf(message);
  return status !== undefined && UNAUTHORISED_HTTP.has(status);
}

/** Whether a failed `/meta/handshake` reply refuses the user's session. */
export function isRefusedHandshake(message: MetaMessage): boolean {
  if (message.channel !== '/meta/handshake' || message.successful === true) return false;
  if (isUnauthorisedHttp(message)) return true;
  return typeof message.error === 'string' && UNAUTHORISED_BAYEUX.test(message.error);
}

/** A one-line account of a failed reply, for logs and error messages. */
export function describeFailure(message: MetaMessage): string {
  // A Bayeux error is "code:args:message"; the args can hold the client id.
  if (typeof message.error === 'string') return `Bayeux error ${message.error.replace(/^(\d{3}):[^:]*:/, '$1::')}`;
  const status = httpStatusOf(message);
  if (status !== undefined) return `HTTP ${status}`;
  const failure = message.failure;
  if (failure?.exception instanceof Error) return failure.exception.message;
  return failure?.reason ?? 'unknown failure';
}
