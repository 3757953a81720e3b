/**
 * The one place that decides what of an error reaches a client: known codes
 * pass with their message and extensions; anything else becomes
 * INTERNAL_SERVER_ERROR with a generic message (logged in full server-side).
 * Stack traces only in development. Every transport formats through here
 * (Apollo's formatError, and pipeline.formatErrors for the others), so field
 * suggestions ("Did you mean …?", which map the schema for an attacker) are
 * stripped here, once, in every environment.
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

// graphql-js appends ` Did you mean "a", "b", or "c"?` (or `the enum value "X"?`); names hold no `?`.
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** A message without graphql-js's suggestions of names from the schema. */
export function withoutSuggestions(message: string): string {
  return message.includes('Did you mean') ? message.replace(SUGGESTION, '') : message;
}

export function createFormatError(options: { development: boolean; logger: Logger }) {
  return (given: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Domain errors (e.g. the event log's cursor errors) carry their code themselves.
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    let formatted =
      original instanceof GatewayDomainError
        ? { ...given, extensions: { ...given.extensions, ...original.extensions, code: original.code } }
        : given;
    if (formatted.message.includes('Did you mean')) formatted = { ...formatted, message: withoutSuggestions(formatted.message) };
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
