/**
 * The one place that decides what of an error reaches a client: known codes
 * pass with their message and extensions; anything else becomes
 * INTERNAL_SERVER_ERROR with a generic message (logged in full server-side).
 * Stack traces only in development.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, GatewayDomainError } from '../errors.js';
import type { Logger } from '../logger.js';

const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  // GraphQL's and Apollo's own request errors.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function createFormatError(options: { development: boolean; logger: Logger }) {
  return (given: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Domain errors (e.g. the event log's cursor errors) carry their code themselves.
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const formatted =
      original instanceof GatewayDomainError
        ? { ...given, extensions: { ...given.extensions, ...original.extensions, code: original.code } }
        : given;
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      if (options.development) return formatted;
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    options.logger.error({ err: error, path: formatted.path }, 'unexpected error in a GraphQL operation');
    if (options.development) return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.INTERNAL_SERVER_ERROR } };
    return {
      message: 'Internal server error',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
