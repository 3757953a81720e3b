/**
 * GWS response envelopes and the HTTP status the simulator pairs with each
 * statusCode. GWS does not document the HTTP statuses (gws-notes.md, except
 * 403 for CSRF): clients must trust the body, so a wrong guess here is one
 * line to change.
 */
import type { ServerResponse } from 'node:http';

/** GWS statusCode values the simulator answers with. */
export const GWS_STATUS = {
  OK: 0,
  REQUIRED_PARAMETER_MISSING: 1,
  INVALID_STATE: 2,
  FORBIDDEN: 3,
  INTERNAL_ERROR: 4,
  NOT_FOUND: 6,
  VALIDATION_ERROR: 10,
  NOT_AUTHENTICATED: 20,
} as const;

/** One of the statusCode values above. */
export type GwsStatusCode = (typeof GWS_STATUS)[keyof typeof GWS_STATUS];

const HTTP_STATUS_OF: Readonly<Record<GwsStatusCode, number>> = {
  0: 200,
  1: 400,
  2: 400,
  3: 403,
  4: 500,
  6: 404,
  10: 400,
  20: 401,
};

/** A refused request: the envelope's statusCode and statusMessage, and the HTTP status to send. */
export class GwsError extends Error {
  readonly statusCode: GwsStatusCode;
  readonly httpStatus: number;

  constructor(statusCode: GwsStatusCode, statusMessage: string, httpStatus = HTTP_STATUS_OF[statusCode]) {
    super(statusMessage);
    this.name = 'GwsError';
    this.statusCode = statusCode;
    this.httpStatus = httpStatus;
  }

  /** The GWS body: `{ statusCode, statusMessage }`. */
  toBody(): { statusCode: number; statusMessage: string } {
    return { statusCode: this.statusCode, statusMessage: this.message };
  }
}

/** No or bad credentials: HTTP 401, statusCode 20. */
export const accessDenied = (): GwsError => new GwsError(GWS_STATUS.NOT_AUTHENTICATED, 'Access denied');
/** Missing or wrong X-CSRF-TOKEN: HTTP 403, statusCode 3. */
export const csrfRefused = (): GwsError => new GwsError(GWS_STATUS.FORBIDDEN, 'Missing or invalid Csrf token');
/** Unknown path or record: HTTP 404, statusCode 6. */
export const notFound = (what = 'Resource'): GwsError => new GwsError(GWS_STATUS.NOT_FOUND, `${what} not found`);

/** Writes a JSON body; `done` runs once the response has been handed to the socket. */
export function sendJson(res: ServerResponse, httpStatus: number, body: unknown, done?: () => void): void {
  const text = JSON.stringify(body);
  res.statusCode = httpStatus;
  res.setHeader('Content-Type', 'application/json;charset=UTF-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('Cache-Control', 'no-cache, no-store');
  res.end(text, done);
}

/** Sends a GwsError as its envelope. */
export function sendGwsError(res: ServerResponse, error: GwsError): void {
  sendJson(res, error.httpStatus, error.toBody());
}
