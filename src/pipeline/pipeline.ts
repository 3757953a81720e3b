/**
 * The one request pipeline every transport calls: document in (text, APQ
 * hash, or trusted id) → parse (MAX_TOKENS) → validate with every rule
 * (document-rules.ts) → trusted-documents check → the operation → execution
 * arguments, or the refusal with its HTTP status (request-errors.ts). Errors
 * are formatted once, by `formatErrors`. It knows no transport: HTTP (Apollo
 * Server, server/apollo-pipeline.ts), graphql-ws (server/graphql-ws-server.ts)
 * and any later one are adapters that call `prepare`, then execute or
 * subscribe with what it returns.
 */
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import {
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationTypeNode,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import type { GatewayContext } from '../graphql/context.js';
import { ByteLruCache } from './byte-lru-cache.js';
import { documentBytes } from './document-bytes.js';
import type { DocumentRules } from './document-rules.js';
import { resolveSource } from './document-source.js';
import { refusal, requestError } from './request-errors.js';
import type { TrustedDocuments } from './trusted-documents.js';

export type OperationType = 'query' | 'mutation' | 'subscription';

/**
 * One GraphQL request as any transport receives it, unchecked (a JSON body,
 * a query string, a WebSocket message): `prepare` checks each field's type
 * and refuses with BAD_REQUEST what is not a string or an object as it should be.
 */
export interface PipelineRequest {
  /** The document's text; empty or absent when it comes by hash or id. */
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  /** `persistedQuery` (APQ) is read here. */
  extensions?: unknown;
  /** A trusted document's id (GraphQL over HTTP persisted documents). */
  documentId?: unknown;
  /**
   * The operation types the calling transport serves. Others are refused
   * with BAD_REQUEST naming where they are served. @default all three
   */
  operationTypes?: readonly OperationType[];
}

/** What `prepare` gives: what to execute, or why not (with the HTTP status from request-errors.ts). */
export type Prepared =
  | { ok: true; args: ExecutionArgs & { contextValue: GatewayContext }; operationType: OperationType; operationName: string | null }
  | { ok: false; errors: GraphQLError[]; status: number };

export interface GraphQLPipeline {
  /** Resolves, parses, validates and checks a request; never throws for a client's mistake. */
  prepare(request: PipelineRequest, context: GatewayContext): Promise<Prepared>;
  /** Executes (query, mutation) or subscribes (subscription) what `prepare` accepted. */
  run(prepared: Extract<Prepared, { ok: true }>): Promise<ExecutionResult | AsyncIterableIterator<ExecutionResult>>;
  /** Formats errors once: codes, masking of internal errors, suggestion stripping, no stacks outside development. */
  formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[];
  /** The one error formatter (Apollo's `formatError` option is this). */
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly schema: GraphQLSchema;
  /** Parse options and validation rules (after graphql's own), for Apollo Server to use the same. */
  readonly parseOptions: ParseOptions;
  readonly validationRules: readonly ValidationRule[];
  /** Valid documents by the sha256 of their text, bounded by bytes; Apollo's `documentStore` reads the same entries. */
  readonly documents: ByteLruCache<DocumentNode>;
}

export interface PipelineOptions {
  schema: GraphQLSchema;
  rules: DocumentRules;
  /** Longest document text (MAX_DOCUMENT_BYTES). */
  maxDocumentBytes: number;
  /** Bytes the cache of parsed, valid documents may hold (DOCUMENT_CACHE_BYTES). */
  documentCacheBytes: number;
  /** The APQ cache (text by sha256); undefined: APQ off. Should be bounded by bytes (see ByteLruCache). */
  apqCache: KeyValueCache<string> | undefined;
  trusted: TrustedDocuments | undefined;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

const ALL_OPERATION_TYPES: readonly OperationType[] = ['query', 'mutation', 'subscription'];

/** Where each operation type is served, for the refusal of a transport that does not serve it. */
const SERVED_AT: Record<OperationType, string> = {
  query: 'Queries are served over HTTP (POST or GET) and graphql-ws on this same URL',
  mutation: 'Mutations are served over HTTP POST and graphql-ws on this same URL',
  subscription: 'Subscriptions are not served over a plain HTTP request: subscribe over WebSocket (graphql-ws, subprotocol graphql-transport-ws) on this same URL',
};

export function createPipeline(options: PipelineOptions): GraphQLPipeline {
  const { schema, rules, formatError, trusted } = options;
  const allRules = [...specifiedRules, ...rules.validationRules];
  const documents = new ByteLruCache<DocumentNode>({ maxBytes: options.documentCacheBytes, sizeOf: documentBytes });
  const source = { apqCache: options.apqCache, trusted, maxDocumentBytes: options.maxDocumentBytes };

  /** Parses and validates a text, or takes the valid document cached under its hash. Only valid documents are kept. */
  function checkedDocument(query: string, hash: string): { ok: true; document: DocumentNode } | { ok: false; errors: GraphQLError[]; status: number } {
    const known = documents.peek(hash);
    if (known) return { ok: true, document: known };
    let document: DocumentNode;
    try {
      document = parse(query, rules.parseOptions);
    } catch (error) {
      const e = error instanceof GraphQLError ? error : new GraphQLError(String(error));
      return refusal('PARSE_FAILED', [requestError('PARSE_FAILED', e.message, { ...(e.source ? { source: e.source } : {}), ...(e.positions ? { positions: e.positions } : {}) })]);
    }
    const errors = validate(schema, document, allRules);
    if (errors.length > 0) {
      return refusal(
        'VALIDATION_FAILED',
        errors.map((e) => requestError('VALIDATION_FAILED', e.message, { ...(e.nodes ? { nodes: e.nodes } : {}), extensions: e.extensions })),
      );
    }
    documents.store(hash, document);
    return { ok: true, document };
  }

  // As Apollo does for HTTP: `extensions.http` (a status for HTTP) is not part of what a client sees.
  const formatErrors = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) => {
      const json = e.toJSON();
      if (json.extensions && 'http' in json.extensions) {
        const { http: _http, ...extensions } = json.extensions;
        return formatError({ ...json, extensions }, e.originalError ?? e);
      }
      return formatError(json, e.originalError ?? e);
    });

  return {
    schema,
    formatError,
    formatErrors,
    parseOptions: rules.parseOptions,
    validationRules: rules.validationRules,
    documents,
    async prepare(request, context) {
      const malformed = malformedField(request);
      if (malformed) return refusal('MALFORMED_REQUEST', [requestError('MALFORMED_REQUEST', malformed)]);
      const pending = resolveSource(request as { query?: string | null; extensions?: Record<string, unknown> | null; documentId?: string | null }, source);
      // Awaited only for a lookup: a text reaches the APQ registration below in this same turn (see resolveSource).
      const resolved = pending instanceof Promise ? await pending : pending;
      if (!resolved.ok) return resolved;
      const checked = checkedDocument(resolved.query, resolved.hash);
      if (!checked.ok) return checked;
      const { document } = checked;
      if (trusted && !trusted.allows(document)) {
        return refusal('UNTRUSTED_DOCUMENT', [requestError('UNTRUSTED_DOCUMENT', 'This gateway runs trusted documents only, and this document is not one of them')]);
      }
      const operationName = typeof request.operationName === 'string' && request.operationName !== '' ? request.operationName : undefined;
      const operation = getOperationAST(document, operationName);
      if (!operation) {
        const message = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
        return refusal('OPERATION_NOT_FOUND', [requestError('OPERATION_NOT_FOUND', message)]);
      }
      const operationType = operation.operation as `${OperationTypeNode}`;
      if (!(request.operationTypes ?? ALL_OPERATION_TYPES).includes(operationType)) {
        return refusal('OPERATION_TYPE_NOT_SERVED', [requestError('OPERATION_TYPE_NOT_SERVED', SERVED_AT[operationType])]);
      }
      // Registered only once valid and trusted: the APQ cache never holds a document that would be refused.
      if (resolved.registerAsApq) await options.apqCache?.set(resolved.hash, resolved.query);
      return {
        ok: true,
        operationType,
        operationName: operation.name?.value ?? null,
        args: {
          schema,
          document,
          ...(operationName !== undefined ? { operationName } : {}),
          ...(request.variables ? { variableValues: request.variables as Record<string, unknown> } : {}),
          contextValue: context,
        },
      };
    },
    async run(prepared) {
      return prepared.operationType === 'subscription' ? subscribe(prepared.args) : execute(prepared.args);
    },
  };
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
const absent = (value: unknown): boolean => value === undefined || value === null;

/** Why a request's fields do not have the types GraphQL over HTTP gives them, or undefined. */
function malformedField(request: PipelineRequest): string | undefined {
  for (const name of ['query', 'operationName', 'documentId'] as const) {
    if (!absent(request[name]) && typeof request[name] !== 'string') return `"${name}" must be a string`;
  }
  for (const name of ['variables', 'extensions'] as const) {
    if (!absent(request[name]) && !isObject(request[name])) return `"${name}" must be an object`;
  }
  return undefined;
}
