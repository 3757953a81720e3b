/**
 * POST /graphql with a JSON body on plain node:http, straight into Apollo's
 * `executeHTTPGraphQLRequest`: the path every mutation and query takes.
 * Express (router, request/response prototypes, body-parser, res.send with
 * its ETag) cost about a quarter of the gateway's CPU per mutation
 * (bench/RESULTS.md), for nothing this request needs.
 *
 * Only the plain case is taken here; anything else returns false and goes
 * to the Express app as before, which keeps every other behaviour in one
 * place: a body without a declared length or over the limit (the 413 is
 * Express's), another content type or charset (415, CSRF prevention), a
 * content encoding, a query string, SSE or multipart in Accept (the stream
 * transports), GET, OPTIONS (CORS preflight). What this path does itself, it
 * does as the Express route does: the same CORS middleware, the same
 * context (request id, abort on disconnect), body-parser's strict JSON rules
 * and the same error answers as the route's error handler, Apollo for
 * everything GraphQL (CSRF prevention included), except a plain request the
 * pipeline accepts: that one is executed and answered as Apollo would,
 * without Apollo's per-request machinery (graphql-post-direct.ts). A test
 * sends the same requests down both paths and compares the answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { GatewayContext } from '../graphql/context.js';
import type { Logger } from '../logger.js';
import { streamTransportOf } from '../transports/accept.js';
import { answerDirectly, directContentType, plainRequest, type DirectOptions } from './graphql-post-direct.js';
import { errorBody } from './http-limits.js';

/** A connect-style middleware, such as the `cors` package's, run on the raw request. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface GraphqlPostOptions {
  apollo: ApolloServer<GatewayContext>;
  /** The path Apollo serves, e.g. /graphql. */
  path: string;
  maxBodyBytes: number;
  /** The CORS middleware the Express route runs first. */
  cors: NodeMiddleware;
  /** The context the Express route builds for the same request. */
  context: (req: IncomingMessage, res: ServerResponse) => Promise<GatewayContext>;
  logger: Logger;
  /** A plain request is executed without Apollo's per-request machinery, answered as Apollo would (graphql-post-direct.ts). */
  direct?: DirectOptions;
}

/** What the Express route's body error handler answers (create-gateway.ts; the test compares the two paths). */
const MALFORMED = errorBody('Malformed request body: send JSON { "query": "...", "variables": {...} }', 'BAD_REQUEST');
const INTERNAL = errorBody('Internal server error', 'INTERNAL_SERVER_ERROR');

/** What Express's res.status(status).json(body) writes, on a plain response. */
function writeJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

function internalError(res: ServerResponse, logger: Logger, error: unknown): void {
  logger.error({ err: error }, 'unexpected error outside GraphQL');
  if (res.headersSent) res.destroy();
  else writeJson(res, 500, INTERNAL);
}

const STREAM_HINT = /event-stream|multipart/i;
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);
/** body-parser's strict mode: the first character that is not JSON whitespace. */
const FIRST_CHAR = /^[ \t\n\r]*([^ \t\n\r])/;

/**
 * Returns a handler that serves the request and returns true when it is a
 * plain JSON POST to `path`, and returns false without touching it otherwise.
 */
export function graphqlPostHandler(o: GraphqlPostOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== o.path) return false;
    const h = req.headers;
    const type = h['content-type'];
    if (type === undefined || !JSON_TYPES.has(type.toLowerCase())) return false;
    if (h['content-encoding'] !== undefined && h['content-encoding'].toLowerCase() !== 'identity') return false;
    const declared = h['content-length'];
    if (declared === undefined || h['transfer-encoding'] !== undefined) return false;
    const length = Number(declared);
    if (!Number.isSafeInteger(length) || length > o.maxBodyBytes) return false;
    // Only text/event-stream and multipart/mixed can name a stream transport: parse Accept only when one appears.
    const accept = h.accept;
    if (accept !== undefined && STREAM_HINT.test(accept) && streamTransportOf(accept) !== undefined) return false;
    o.cors(req, res, (error) => {
      if (error) internalError(res, o.logger, error);
      else readBody(req, res, o);
    });
    return true;
  };
}

function readBody(req: IncomingMessage, res: ServerResponse, o: GraphqlPostOptions): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A client gone mid-body: nothing to answer; the socket is closed by Node.
  req.on('error', () => undefined);
  req.on('end', () => {
    const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const body = parseJson(raw);
    if (body === undefined) {
      writeJson(res, 400, MALFORMED);
      return;
    }
    execute(req, res, body, o).catch((error: unknown) => internalError(res, o.logger, error));
  });
}

/** body-parser's json() in strict mode: an empty body is {}, otherwise an object or array; undefined when malformed. */
function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  let text = raw.toString('utf8');
  // iconv-lite (body-parser's decoder) drops a byte order mark.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = FIRST_CHAR.exec(text)?.[1];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function execute(req: IncomingMessage, res: ServerResponse, body: unknown, o: GraphqlPostOptions): Promise<void> {
  let context: GatewayContext | undefined;
  if (o.direct) {
    const plain = plainRequest(body);
    const contentType = plain ? directContentType(req.headers.accept) : undefined;
    if (plain && contentType && serving(o.apollo)) {
      context = await o.context(req, res);
      if (await answerDirectly(res, plain, contentType, context, o.direct)) return;
    }
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const response = await o.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: '', body },
    // A request the direct path gave up on (a refusal) keeps its context: one request id.
    context: () => (context ? Promise.resolve(context) : o.context(req, res)),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/** Started and not stopping: Apollo answers anything else itself (e.g. "the server is stopping"). */
function serving(apollo: ApolloServer<GatewayContext>): boolean {
  try {
    apollo.assertStarted('graphqlPostHandler');
    return true;
  } catch {
    return false;
  }
}
