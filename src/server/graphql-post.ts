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
 * and the same error answers (create-gateway.ts passes them in), Apollo
 * for everything GraphQL (CSRF prevention included). A test sends the same
 * requests down both paths and compares the answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { streamTransportOf } from '../transports/accept.js';

/** A connect-style middleware, such as the `cors` package's, run on the raw request. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Why a body could not be used, as body-parser reports it (status and type), for the shared error answer. */
export interface BodyFailure {
  status: number;
  type: 'entity.parse.failed';
}

export interface GraphqlPostOptions<C extends BaseContext> {
  apollo: ApolloServer<C>;
  /** The path Apollo serves, e.g. /graphql. */
  path: string;
  maxBodyBytes: number;
  /** The CORS middleware the Express route runs first. */
  cors: NodeMiddleware;
  /** The context the Express route builds for the same request. */
  context: (req: IncomingMessage, res: ServerResponse) => Promise<C>;
  /** Answers a body that is not JSON, as the Express route's error handler does. */
  bodyFailed: (res: ServerResponse, failure: BodyFailure) => void;
  /** Answers an error outside GraphQL (500), as the Express route's error handler does. */
  internalError: (res: ServerResponse, error: unknown) => void;
}

const STREAM_HINT = /event-stream|multipart/i;
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);
/** body-parser's strict mode: the first character that is not JSON whitespace. */
const FIRST_CHAR = /^[ \t\n\r]*([^ \t\n\r])/;

/**
 * Returns a handler that serves the request and returns true when it is a
 * plain JSON POST to `path`, and returns false without touching it otherwise.
 */
export function graphqlPostHandler<C extends BaseContext>(o: GraphqlPostOptions<C>): (req: IncomingMessage, res: ServerResponse) => boolean {
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
      if (error) o.internalError(res, error);
      else readBody(req, res, o);
    });
    return true;
  };
}

function readBody<C extends BaseContext>(req: IncomingMessage, res: ServerResponse, o: GraphqlPostOptions<C>): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A client gone mid-body: nothing to answer; the socket is closed by Node.
  req.on('error', () => undefined);
  req.on('end', () => {
    const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const body = parseJson(raw);
    if (body === undefined) {
      o.bodyFailed(res, { status: 400, type: 'entity.parse.failed' });
      return;
    }
    execute(req, res, body, o).catch((error: unknown) => {
      if (res.headersSent) res.destroy(error instanceof Error ? error : undefined);
      else o.internalError(res, error);
    });
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

async function execute<C extends BaseContext>(req: IncomingMessage, res: ServerResponse, body: unknown, o: GraphqlPostOptions<C>): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const response = await o.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: '', body },
    context: () => o.context(req, res),
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
