/**
 * The plain request of a JSON POST /graphql (a text, maybe an operation name
 * and variables), accepted by the pipeline, executed and answered here as
 * Apollo Server answers it, without Apollo's per-request machinery: its
 * request context and clone of ours, eight plugin hooks and their promises,
 * a second SHA-256 of the text and a document-store lookup, two Negotiator
 * parses of Accept, MIME parsing for CSRF prevention (a JSON content type
 * always passes it), a header map. That was most of what the gateway costs
 * per mutation above the bare got hop (bench/RESULTS.md).
 *
 * Only what is certain to be answered alike is taken: anything else
 * (a refusal of the pipeline, an APQ hash, a documentId, an unknown body
 * field, an empty operationName, an Accept header outside the table below,
 * Apollo not serving) is handed to Apollo with the same context.
 * What this does as Apollo does, step by step: variable coercion errors as
 * BAD_USER_INPUT with 400 when nothing executed, every error through
 * Apollo's `normalizeAndFormatErrors` steps (code, `extensions.http` to the
 * response's status and headers, stack traces in development, then the
 * gateway's formatError), the body as `JSON.stringify({ errors, data,
 * extensions }) + '\n'`, `cache-control: no-store`, the content type by
 * Accept, and the request's log line. test/integration/graphql-post.test.ts
 * sends each case down both paths and compares the answers.
 */
import type { ServerResponse } from 'node:http';
import { execute, GraphQLError, Kind, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../graphql/context.js';
import { logGraphqlRequest } from '../observability/request-logging.js';
import type { GraphQLPipeline, PipelineRequest } from '../pipeline/index.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';

/**
 * What Apollo's Negotiator picks for the Accept values clients send (checked
 * against Apollo by the parity test); any other value goes to Apollo.
 */
const CONTENT_TYPE_BY_ACCEPT = new Map<string, string>([
  ['', JSON_TYPE],
  ['*/*', JSON_TYPE],
  ['application/json', JSON_TYPE],
  ['application/json; charset=utf-8', JSON_TYPE],
  ['application/json, */*', JSON_TYPE],
  ['application/graphql-response+json', GRAPHQL_RESPONSE_TYPE],
  ['application/graphql-response+json; charset=utf-8', GRAPHQL_RESPONSE_TYPE],
  ['application/graphql-response+json, application/json', GRAPHQL_RESPONSE_TYPE],
  ['application/graphql-response+json,application/json;q=0.9', GRAPHQL_RESPONSE_TYPE],
  ['application/graphql-response+json, application/json;q=0.9', GRAPHQL_RESPONSE_TYPE],
]);

/** The response content type for this Accept header, or undefined: Apollo decides. */
export function directContentType(accept: string | undefined): string | undefined {
  return CONTENT_TYPE_BY_ACCEPT.get(accept ?? '');
}

const FIELDS = new Set(['query', 'operationName', 'variables', 'extensions']);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The body as the pipeline's request when it is plain: a non-empty `query`,
 * an `operationName` absent or non-empty, `variables` absent or an object,
 * `extensions` absent or an object without `persistedQuery`, nothing else.
 */
export function plainRequest(body: unknown): PipelineRequest | undefined {
  if (!isRecord(body)) return undefined;
  for (const key in body) if (!FIELDS.has(key)) return undefined;
  const { query, operationName, variables, extensions } = body;
  if (typeof query !== 'string' || query.length === 0) return undefined;
  if (operationName != null && (typeof operationName !== 'string' || operationName.length === 0)) return undefined;
  if (variables != null && !isRecord(variables)) return undefined;
  if (extensions != null && (!isRecord(extensions) || 'persistedQuery' in extensions)) return undefined;
  // A GET mutation is Apollo's to refuse; a POST serves both.
  return { query, operationName, variables, operationTypes: ['query', 'mutation'] };
}

export interface DirectOptions {
  pipeline: GraphQLPipeline;
  /** Apollo's includeStacktraceInErrorResponses (development). */
  includeStacktrace: boolean;
}

/**
 * Prepares, executes and answers a plain request; resolves false without
 * answering when the pipeline refused it (Apollo answers refusals).
 */
export async function answerDirectly(
  res: ServerResponse,
  request: PipelineRequest,
  contentType: string,
  context: GatewayContext,
  o: DirectOptions,
): Promise<boolean> {
  const logged = context.logger.isLevelEnabled('info');
  const started = logged ? performance.now() : 0;
  const prepared = await o.pipeline.prepare(request, context);
  if (!prepared.ok) return false;
  let result: ExecutionResult;
  let status: number | undefined;
  try {
    result = await execute(prepared.args);
  } catch (error) {
    // As Apollo's sendErrorResponse: the error alone, 500 unless it names a status.
    result = { errors: [ensureGraphQLError(error)] };
    status = 500;
  }
  const head: Head = { status: undefined, headers: undefined };
  const errors = result.errors?.map(asUserInputError);
  const formatted = errors ? formatErrors(errors, head, o) : undefined;
  // Apollo 5's status400ForVariableCoercionErrors: errors and nothing executed.
  if (errors && errors.length > 0 && result.data === undefined && head.status === undefined) head.status = status ?? 400;
  const text = `${JSON.stringify({ errors: formatted, data: result.data, extensions: result.extensions })}\n`;
  res.statusCode = head.status ?? 200;
  if (head.headers) for (const [name, value] of head.headers) res.setHeader(name, value);
  if (!head.headers?.has('cache-control')) res.setHeader('cache-control', 'no-store');
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
  if (logged) {
    logGraphqlRequest(context.logger, {
      operationName: prepared.operationName,
      operationType: prepared.operationType,
      started,
      errorCodes: errors?.map((e) => e.extensions['code'] ?? 'INTERNAL_SERVER_ERROR'),
    });
  }
  return true;
}

/** The response's status and headers as errors' `extensions.http` set them. */
interface Head {
  status: number | undefined;
  headers: Map<string, string> | undefined;
}

/** Apollo's isBadUserInputGraphQLError: a variable's coercion error. */
function asUserInputError(error: GraphQLError): GraphQLError {
  const node = error.nodes?.length === 1 ? error.nodes[0] : undefined;
  if (node?.kind !== Kind.VARIABLE_DEFINITION || error.extensions['code'] != null) return error;
  const name = `Variable "$${node.variable.name.value}"`;
  const m = error.message;
  if (!(m.startsWith(`${name} has invalid value`) || m.startsWith(`${name} got invalid value `) || m.startsWith(`${name} of required type `) || m.startsWith(`${name} of non-null type `))) {
    return error;
  }
  // Apollo's UserInputError: the message and nodes, code BAD_USER_INPUT.
  return new GraphQLError(m, { nodes: error.nodes, originalError: error.originalError ?? error, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } });
}

/** Apollo's normalizeAndFormatErrors, with the gateway's formatError. */
function formatErrors(errors: readonly GraphQLError[], head: Head, o: DirectOptions): GraphQLFormattedError[] {
  const enrich = (error: GraphQLError): GraphQLFormattedError => {
    const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions['code'] ?? 'INTERNAL_SERVER_ERROR' };
    const http = extensions['http'];
    if (isHttpHead(http)) {
      if (http.status) head.status = http.status;
      if (http.headers) for (const [name, value] of http.headers) (head.headers ??= new Map()).set(name, value);
      delete extensions['http'];
    }
    if (o.includeStacktrace) extensions['stacktrace'] = error.stack?.split('\n');
    return { ...error.toJSON(), extensions };
  };
  return errors.map((error) => {
    try {
      return o.pipeline.formatError(enrich(error), error);
    } catch (formattingError) {
      if (o.includeStacktrace) return enrich(ensureGraphQLError(formattingError));
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  });
}

/** Apollo's ensureGraphQLError. */
function ensureGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof Error) return new GraphQLError(error.message, { originalError: error });
  return new GraphQLError(`Unexpected error value: ${String(error)}`);
}

/** Apollo's isPartialHTTPGraphQLHead. */
function isHttpHead(x: unknown): x is { status?: number; headers?: Map<string, string> } {
  return (
    typeof x === 'object' &&
    x !== null &&
    (!('status' in x) || typeof x.status === 'number') &&
    (!('headers' in x) || x.headers instanceof Map)
  );
}
