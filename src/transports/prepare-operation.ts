/**
 * The request pipeline as the HTTP stream transports see it: a GraphQL
 * request (text, APQ hash or trusted document id) in, ExecutionArgs or the
 * errors to send out. It holds no rule of its own: it calls what graphql-ws's
 * onSubscribe calls (the query limits' checkDocument, the persisted and
 * trusted documents' prepareWs), so every transport answers alike.
 *
 * A stand-in until the one pipeline (src/pipeline/) lands; then the
 * transports call pipeline.prepare instead and this file goes.
 */
import { GraphQLError, getOperationAST, type DocumentNode, type ExecutionArgs, type GraphQLSchema, type OperationTypeNode } from 'graphql';
import type { GatewayContext } from '../graphql/context.js';
import type { CheckedDocument, PersistedDocuments } from '../server/trusted-documents.js';

/** The parameters of a GraphQL request, wherever the transport found them (body, query string, message). */
export interface OperationRequest {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
  documentId?: unknown;
}

export type PreparedOperation =
  | { ok: true; args: ExecutionArgs; operationType: OperationTypeNode }
  | { ok: false; errors: readonly GraphQLError[]; status: number };

export interface PrepareDependencies {
  schema: GraphQLSchema;
  checkDocument: (schema: GraphQLSchema, query: string) => CheckedDocument;
  persistedDocuments: PersistedDocuments;
}

export type PrepareOperation = (request: OperationRequest, context: GatewayContext) => Promise<PreparedOperation>;

const badRequest = (message: string): PreparedOperation => ({
  ok: false,
  status: 400,
  errors: [new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } })],
});

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Builds the transports' prepare step on the same checks graphql-ws uses. */
export function createPrepareOperation(deps: PrepareDependencies): PrepareOperation {
  const { schema, persistedDocuments } = deps;
  const check = (query: string): CheckedDocument => deps.checkDocument(schema, query);
  return async (request, context) => {
    const { query, operationName, variables, extensions, documentId } = request;
    if (query !== undefined && query !== null && typeof query !== 'string') return badRequest('"query" must be a string');
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return badRequest('"operationName" must be a string');
    if (variables !== undefined && variables !== null && !isPlainObject(variables)) return badRequest('"variables" must be an object');
    if (extensions !== undefined && extensions !== null && !isPlainObject(extensions)) return badRequest('"extensions" must be an object');
    if (documentId !== undefined && typeof documentId !== 'string') return badRequest('"documentId" must be a string');

    let text = typeof query === 'string' ? query : '';
    if (text === '' && typeof documentId === 'string' && documentId !== '') {
      const found = persistedDocuments.trusted?.lookup(documentId);
      if (found === undefined) {
        return { ok: false, status: 404, errors: [new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } })] };
      }
      text = found;
    }
    const hashOnly = text === '' && isPlainObject(extensions) && 'persistedQuery' in extensions;
    if (text === '' && !hashOnly) return badRequest('GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension.');
    const checked = await persistedDocuments.prepareWs(
      {
        query: text,
        ...(typeof operationName === 'string' ? { operationName } : {}),
        ...(isPlainObject(variables) ? { variables } : {}),
        ...(isPlainObject(extensions) ? { extensions } : {}),
      },
      check,
    );
    if ('errors' in checked) return { ok: false, status: statusOf(checked.errors), errors: checked.errors };
    const document: DocumentNode = checked.document;
    const operation = getOperationAST(document, typeof operationName === 'string' ? operationName : undefined);
    if (!operation) {
      return {
        ok: false,
        status: 400,
        errors: [new GraphQLError('Could not determine which operation to run: send its `operationName`', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })],
      };
    }
    return {
      ok: true,
      operationType: operation.operation,
      args: {
        schema,
        document,
        ...(typeof operationName === 'string' ? { operationName } : {}),
        ...(isPlainObject(variables) ? { variableValues: variables } : {}),
        contextValue: context,
      },
    };
  };
}

function statusOf(errors: readonly GraphQLError[]): number {
  const code = errors[0]?.extensions['code'];
  if (code === 'FORBIDDEN') return 403;
  if (code === 'PERSISTED_QUERY_NOT_FOUND' || code === 'PERSISTED_QUERY_NOT_SUPPORTED') return 200;
  return 400;
}
