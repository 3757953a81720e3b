/**
 * Every error code a client can see (CONTRACT.md "Errors"), declared once, and
 * the constructors the gateway uses to raise them. formatError (graphql/format-error.ts)
 * is the one place that decides what of an error reaches the client.
 */
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  UPSTREAM_REJECTED: 'UPSTREAM_REJECTED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  ACKNOWLEDGEMENT_TIMEOUT: 'ACKNOWLEDGEMENT_TIMEOUT',
  RATE_LIMITED: 'RATE_LIMITED',
  SUBSCRIBER_TOO_SLOW: 'SUBSCRIBER_TOO_SLOW',
  CURSOR_EXPIRED: 'CURSOR_EXPIRED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A problem with one input field; BAD_USER_INPUT lists them all in extensions.invalidFields. */
export interface InvalidField {
  field: string;
  message: string;
}

/**
 * A domain error (thrown by event or upstream code that knows nothing of
 * GraphQL) with the code a client sees; formatError turns it into a GraphQL
 * error with `extensions.code` and these extensions.
 */
export class GatewayDomainError extends Error {
  readonly code: ErrorCode;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.extensions = extensions;
  }
}

export function gatewayError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export function badUserInput(invalidFields: InvalidField[]): GraphQLError {
  const summary = invalidFields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return gatewayError(ErrorCode.BAD_USER_INPUT, `Invalid input: ${summary}`, { invalidFields });
}

export function unauthenticated(message = 'Missing or invalid credentials'): GraphQLError {
  return gatewayError(ErrorCode.UNAUTHENTICATED, message);
}

export function upstreamRejected(upstreamStatusCode: number, upstreamMessage: string | undefined): GraphQLError {
  return gatewayError(
    ErrorCode.UPSTREAM_REJECTED,
    `GWS rejected the request (statusCode ${upstreamStatusCode}${upstreamMessage ? `: ${upstreamMessage}` : ''})`,
    { upstreamStatusCode, upstreamMessage: upstreamMessage ?? null },
  );
}

export function errorCodeOf(error: unknown): string | undefined {
  if (error instanceof GatewayDomainError) return error.code;
  if (error instanceof GraphQLError) {
    if (error.originalError instanceof GatewayDomainError) return error.originalError.code;
    const code = error.extensions['code'];
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
