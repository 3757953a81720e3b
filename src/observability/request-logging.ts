/**
 * One log line per GraphQL HTTP request: request id (in the context's child
 * logger), operation name, duration and the error codes it ended with. No
 * variables or headers are logged: they may carry personal data or secrets.
 * Apollo's requests write it from the plugin below; the direct path of a
 * plain POST (server/graphql-post-direct.ts) with `logGraphqlRequest`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../graphql/context.js';
import type { Logger } from '../logger.js';

/** Writes the request's line (the caller checked that `info` is logged). */
export function logGraphqlRequest(
  logger: Logger,
  line: { operationName: string | null; operationType: string | null; started: number; errorCodes: readonly unknown[] | undefined },
): void {
  logger.info(
    {
      operationName: line.operationName,
      operationType: line.operationType,
      durationMs: Math.round((performance.now() - line.started) * 10) / 10,
      ...(line.errorCodes && line.errorCodes.length > 0 ? { errorCodes: line.errorCodes } : {}),
    },
    'graphql request',
  );
}

export function requestLoggingPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      // No hooks at all for a request whose line would not be written.
      if (!contextValue.logger.isLevelEnabled('info')) return;
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors, operation, response }) {
          // A request the pipeline refused has no `errors` of Apollo's: its errors are in the response (server/apollo-pipeline.ts).
          const refused = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const errorCodes = errors
            ? errors.map((e) => e.extensions['code'] ?? 'INTERNAL_SERVER_ERROR')
            : refused?.map((e) => e.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR');
          logGraphqlRequest(contextValue.logger, { operationName: operationName ?? null, operationType: operation?.operation ?? null, started, errorCodes });
        },
      };
    },
  };
}
