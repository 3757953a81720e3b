/**
 * Every way the pipeline refuses a request before anything executes, declared
 * once: its `extensions.code`, its HTTP status, and its message. Every
 * transport answers from this table (HTTP sends the status; graphql-ws and the
 * streaming transports send the same errors), so one request gets one answer
 * everywhere.
 */
import { GraphQLError, type GraphQLErrorOptions } from 'graphql';
import { ErrorCode } from '../errors.js';

/** A refusal of the pipeline: code and HTTP status. */
export interface RequestFailure {
  readonly code: string;
  readonly status: number;
}

export const RequestFailures = {
  /** A field of the request of the wrong type (`query` not a string, `variables` not an object, ...). */
  MALFORMED_REQUEST: { code: 'BAD_REQUEST', status: 400 },
  /** Neither `query`, nor a persisted-query hash, nor a `documentId`. */
  NO_DOCUMENT: { code: 'BAD_REQUEST', status: 400 },
  /** Both `query` and `documentId`. */
  AMBIGUOUS_DOCUMENT: { code: 'BAD_REQUEST', status: 400 },
  /** A document longer than MAX_DOCUMENT_BYTES. */
  DOCUMENT_TOO_LARGE: { code: 'BAD_REQUEST', status: 413 },
  /** A request body (or WebSocket message) over MAX_BODY_BYTES. */
  BODY_TOO_LARGE: { code: 'BAD_REQUEST', status: 413 },
  /** The document does not parse (including over MAX_TOKENS). */
  PARSE_FAILED: { code: 'GRAPHQL_PARSE_FAILED', status: 400 },
  /** A validation rule refused it: the schema, depth, aliases, cost, directives, introspection. */
  VALIDATION_FAILED: { code: 'GRAPHQL_VALIDATION_FAILED', status: 400 },
  /** No operation of that name, or several operations and no name. */
  OPERATION_NOT_FOUND: { code: 'BAD_REQUEST', status: 400 },
  /** An operation type this transport does not serve (a subscription over plain POST). */
  OPERATION_TYPE_NOT_SERVED: { code: 'BAD_REQUEST', status: 400 },
  /** An APQ hash the cache does not hold. 200 as in Apollo's protocol: the client then sends the text. */
  PERSISTED_QUERY_NOT_FOUND: { code: 'PERSISTED_QUERY_NOT_FOUND', status: 200 },
  /** An APQ hash while APQ is off (and no manifest): the client falls back to the text. */
  PERSISTED_QUERY_NOT_SUPPORTED: { code: 'PERSISTED_QUERY_NOT_SUPPORTED', status: 200 },
  /** `extensions.persistedQuery.version` other than 1. */
  PERSISTED_QUERY_VERSION: { code: 'BAD_REQUEST', status: 400 },
  /** An APQ hash sent with a text whose sha256 it is not. */
  PERSISTED_QUERY_MISMATCH: { code: 'BAD_REQUEST', status: 400 },
  /** A `documentId` the trusted-documents manifest does not hold. */
  DOCUMENT_ID_NOT_FOUND: { code: 'PERSISTED_QUERY_NOT_FOUND', status: 404 },
  /** TRUSTED_DOCUMENTS is set and the document is not one of them. */
  UNTRUSTED_DOCUMENT: { code: ErrorCode.FORBIDDEN, status: 403 },
} as const satisfies Record<string, RequestFailure>;

export type RequestFailureKind = keyof typeof RequestFailures;

/** The error clients see for a refusal; `extensions.code` from the table. */
export function requestError(kind: RequestFailureKind, message: string, options: Omit<GraphQLErrorOptions, 'extensions'> & { extensions?: Record<string, unknown> } = {}): GraphQLError {
  return new GraphQLError(message, { ...options, extensions: { ...options.extensions, code: RequestFailures[kind].code } });
}

/** A refusal as the pipeline returns it: the errors and the HTTP status of the first. */
export function refusal(kind: RequestFailureKind, errors: readonly GraphQLError[]): { ok: false; errors: GraphQLError[]; status: number } {
  return { ok: false, errors: [...errors], status: RequestFailures[kind].status };
}
