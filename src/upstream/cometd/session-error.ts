/**
 * The errors a CometdSession rejects `start()` with. `code` follows the
 * gateway's error codes where one fits (UNAUTHENTICATED).
 */

/** Why a session stopped for good. */
export type CometdSessionErrorCode = 'UNAUTHENTICATED' | 'CLOSED';

/** A session that will not connect: GWS refused the user, or the session was disposed first. */
export class CometdSessionError extends Error {
  readonly code: CometdSessionErrorCode;

  constructor(code: CometdSessionErrorCode, message: string) {
    super(message);
    this.name = 'CometdSessionError';
    this.code = code;
  }
}
