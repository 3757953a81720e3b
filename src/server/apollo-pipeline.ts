/**
 * Apollo Server (HTTP) as an adapter of the request pipeline. Apollo keeps the
 * HTTP protocol (body and GET parsing, CSRF prevention, execution, the
 * response); what a document must be is decided by `pipeline.prepare`, called
 * first for every request:
 * - accepted: Apollo runs the very text the pipeline accepted (a `documentId`
 *   or an APQ hash already resolved), and finds its document in the shared
 *   store (`documentStore` below) instead of parsing it again; if the store
 *   dropped it meanwhile, Apollo parses and validates with the same options
 *   and rules.
 * - refused: Apollo is handed a placeholder that executes nothing, and the
 *   pipeline's errors and HTTP status are sent instead of an execution
 *   (`responseForOperation`).
 * Apollo's own APQ and introspection switch are off: both are the pipeline's.
 */
import { HeaderMap, type ApolloServerOptions, type ApolloServerPlugin, type GraphQLRequest } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import type { GatewayContext } from '../graphql/context.js';
import type { GraphQLPipeline, Prepared } from '../pipeline/index.js';

/** Executes nothing; stands in for a refused request's document. */
const REFUSED_PLACEHOLDER = '{ __typename }';

/** The options of `new ApolloServer` that make Apollo follow the pipeline. */
export function apolloPipelineOptions(
  pipeline: GraphQLPipeline,
): Pick<ApolloServerOptions<GatewayContext>, 'formatError' | 'introspection' | 'validationRules' | 'parseOptions' | 'documentStore' | 'persistedQueries'> & {
  plugin: ApolloServerPlugin<GatewayContext>;
} {
  // Apollo keys documents `<schema hash>:<sha256 of the text>`; the pipeline by the sha256 alone. One schema: share them.
  const hashOf = (key: string): string => key.slice(key.lastIndexOf(':') + 1);
  return {
    formatError: pipeline.formatError,
    // The pipeline's rules include the introspection switch (document-rules.ts).
    introspection: true,
    validationRules: [...pipeline.validationRules],
    parseOptions: pipeline.parseOptions,
    documentStore: {
      get: (key) => pipeline.documents.get(hashOf(key)),
      set: async (key, document: DocumentNode) => {
        if (!pipeline.documents.has(hashOf(key))) pipeline.documents.store(hashOf(key), document);
      },
      delete: (key) => pipeline.documents.delete(hashOf(key)),
    },
    persistedQueries: false,
    plugin: pipelinePlugin(pipeline),
  };
}

function pipelinePlugin(pipeline: GraphQLPipeline): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const prepared: Prepared = await pipeline.prepare(
        {
          query: request.query,
          operationName: request.operationName,
          variables: request.variables,
          extensions: request.extensions,
          documentId: documentIdOf(request),
          // A GET mutation is Apollo's to refuse (405 with Allow: POST).
          operationTypes: ['query', 'mutation'],
        },
        contextValue,
      );
      request.extensions = withoutPersistedQuery(request.extensions);
      if (prepared.ok) {
        request.query = prepared.args.document.loc?.source.body ?? request.query;
        return {};
      }
      request.query = REFUSED_PLACEHOLDER;
      return {
        async responseForOperation() {
          return {
            http: { status: prepared.status, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { errors: pipeline.formatErrors(prepared.errors) } },
          };
        },
      };
    },
  };
}

function withoutPersistedQuery(extensions: GraphQLRequest['extensions']): GraphQLRequest['extensions'] {
  if (!extensions || !('persistedQuery' in extensions)) return extensions;
  const { persistedQuery: _resolved, ...rest } = extensions;
  return rest;
}

/** `documentId` of the POST body or the GET query string (GraphQL over HTTP persisted documents). */
function documentIdOf(request: GraphQLRequest): string | undefined {
  const http = request.http;
  if (!http) return undefined;
  const id =
    http.method === 'GET'
      ? new URLSearchParams(http.search).get('documentId')
      : typeof http.body === 'object' && http.body !== null
        ? (http.body as Record<string, unknown>)['documentId']
        : undefined;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
