/**
 * GraphQL over an HTTP response that stays open: the part the server-sent
 * events and multipart transports share. A request's parameters (POST body
 * or GET query string) go through the pipeline's prepare step; the prepared
 * operation is executed or subscribed, and each result is framed by the
 * transport (sse.ts, multipart.ts). This module owns only what an open HTTP
 * response needs: back-pressure (a slow reader stops the reads from the
 * subscriber's bounded queue, which then ends it with SUBSCRIBER_TOO_SLOW),
 * keep-alive, the bound on open streams per credential, metrics, one log
 * line per operation, and shutdown (every open stream is closed; clients
 * reconnect, as after a WebSocket's 1001).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  execute,
  GraphQLError,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { ErrorCode } from '../errors.js';
import type { GatewayContext } from '../graphql/context.js';
import type { Logger } from '../logger.js';
import { httpRequestContext } from '../server/http-request-context.js';
import type { GatewayServices } from '../server/services.js';
import { credentialKey } from '../upstream/gws-session.js';
import type { StreamTransport } from './accept.js';
import type { PipelineRequest, Prepared } from '../pipeline/index.js';
import type { StreamFraming } from './stream-framing.js';

export interface HttpStreamsOptions {
  services: GatewayServices;
  /** The pipeline's `prepare`. */
  prepare: (request: PipelineRequest, context: GatewayContext) => Promise<Prepared>;
  /** The gateway's one error formatter, applied to every error that leaves. */
  formatErrors: (errors: readonly GraphQLError[]) => GraphQLFormattedError[];
  /** Keep-alive interval per transport. */
  keepAliveMs: Readonly<Record<StreamTransport, number>>;
  /** Open streams one credential may hold at once. */
  maxStreamsPerCredential: number;
}

/** Open streams and the subscriptions among them, per transport. */
export type StreamCounts = Record<StreamTransport, { connections: number; subscriptions: number }>;

interface OpenStream {
  readonly transport: StreamTransport;
  subscription: boolean;
  /** Ends the stream now (shutdown): the operation is stopped, the response ended without completion. */
  close(): void;
}


/** Express request fields this module reads (the body is parsed by express.json before it). */
export type StreamRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

export class HttpStreams {
  readonly #options: HttpStreamsOptions;
  readonly #open = new Set<OpenStream>();
  readonly #perCredential = new Map<string, number>();
  #closed = false;

  constructor(options: HttpStreamsOptions) {
    this.#options = options;
  }

  /** Open streams and subscriptions by transport (for /metrics). */
  counts(): StreamCounts {
    const counts: StreamCounts = { sse: { connections: 0, subscriptions: 0 }, multipart: { connections: 0, subscriptions: 0 } };
    for (const stream of this.#open) {
      counts[stream.transport].connections += 1;
      if (stream.subscription) counts[stream.transport].subscriptions += 1;
    }
    return counts;
  }

  /** Closes every open stream (shutdown) and refuses new ones. */
  dispose(): void {
    this.#closed = true;
    for (const stream of [...this.#open]) stream.close();
  }

  /** Serves one GraphQL request as a stream in `framing`. Never rejects: every failure is answered. */
  async serve(req: StreamRequest, res: ServerResponse, framing: StreamFraming): Promise<void> {
    const { services, formatErrors } = this.#options;
    const started = performance.now();
    const { context, controller } = httpRequestContext(req, res, services);
    const logger = (): Logger => context.logger;
    const errorCodes: string[] = [];
    const format = (result: ExecutionResult): FormattedExecutionResult => {
      if (!result.errors) return result as FormattedExecutionResult;
      const errors = formatErrors(result.errors);
      for (const e of errors) errorCodes.push(String(e.extensions?.['code'] ?? ErrorCode.INTERNAL_SERVER_ERROR));
      return { ...result, errors } as FormattedExecutionResult;
    };
    let operationName: string | null = null;
    let operationType: string | null = null;
    const log = (): void =>
      logger().info(
        {
          transport: framing.transport,
          operationName,
          operationType,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          ...(errorCodes.length > 0 ? { errorCodes } : {}),
        },
        'graphql request',
      );

    const params = requestParams(req);
    const prepared = 'errors' in params ? { ok: false as const, errors: params.errors, status: 400 } : await this.#options.prepare(params, context);
    if (!prepared.ok) {
      this.#answerOnce(res, framing, framing.result(format({ errors: prepared.errors })));
      log();
      return;
    }
    operationType = prepared.operationType;
    operationName = prepared.args.operationName ?? null;
    if (req.method === 'GET' && prepared.operationType === 'mutation') {
      // GraphQL over HTTP: a GET must not change anything.
      res.writeHead(405, { allow: 'POST', 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(format({ errors: [new GraphQLError('Mutations are sent with POST', { extensions: { code: 'BAD_REQUEST' } })] })));
      log();
      return;
    }
    if (this.#closed) {
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      res.end(JSON.stringify({ errors: [{ message: 'The gateway is shutting down', extensions: { code: ErrorCode.UPSTREAM_UNAVAILABLE } }] }));
      log();
      return;
    }
    const key = context.authorization === undefined ? undefined : credentialKey(context.authorization);
    if (key !== undefined && (this.#perCredential.get(key) ?? 0) >= this.#options.maxStreamsPerCredential) {
      const limit = this.#options.maxStreamsPerCredential;
      // Refused by the transport before anything ran: its fatal form (multipart: `{"payload": null, "errors": [...]}`).
      const refused = format({ errors: [new GraphQLError(`At most ${limit} open HTTP streams per credential`, { extensions: { code: ErrorCode.RATE_LIMITED } })] });
      res.writeHead(200, { 'content-type': framing.contentType, ...framing.headers });
      res.end(framing.start() + framing.fatal(refused.errors ?? []));
      log();
      return;
    }

    // The stream is open from here: counted, bounded, closed on shutdown.
    if (key !== undefined) this.#perCredential.set(key, (this.#perCredential.get(key) ?? 0) + 1);
    let iterator: AsyncIterator<ExecutionResult> | undefined;
    let closedByServer = false;
    const stream: OpenStream = {
      transport: framing.transport,
      subscription: false,
      close: () => {
        closedByServer = true;
        void iterator?.return?.();
        controller.abort();
        if (!res.writableEnded) res.end();
      },
    };
    this.#open.add(stream);
    res.writeHead(200, { 'content-type': framing.contentType, ...framing.headers });
    res.flushHeaders();
    const keepAlive = setInterval(() => {
      if (!res.writableEnded) res.write(framing.keepAlive());
    }, this.#options.keepAliveMs[framing.transport]);
    keepAlive.unref();
    try {
      res.write(framing.start());
      const result = prepared.operationType === 'subscription' ? await services.fanout.subscribe(prepared.args) : await execute(prepared.args);
      if (!isAsyncIterable(result)) {
        if (!res.writableEnded) res.end(framing.result(format(result)) + framing.complete());
        return;
      }
      iterator = result[Symbol.asyncIterator]();
      if (controller.signal.aborted) {
        await iterator.return?.();
        return;
      }
      stream.subscription = true;
      const stop = (): void => void iterator?.return?.();
      controller.signal.addEventListener('abort', stop, { once: true });
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done || res.writableEnded) break;
          // Back-pressure: wait until the client read what is queued before taking the next result.
          // A result shared by the user's subscribers of this operation is serialized once for all of them.
          const frame = services.fanout.isShareable(next.value) ? framing.resultJson(services.fanout.payloadJson(next.value)) : framing.result(format(next.value));
          if (!res.write(frame)) await drained(res);
        }
      } finally {
        controller.signal.removeEventListener('abort', stop);
      }
      if (!closedByServer && !res.writableEnded) res.end(framing.complete());
    } catch (error) {
      // An operation that broke (not a GraphQL result): the transport's fatal form, then the end.
      const errors = formatErrors([error instanceof GraphQLError ? error : new GraphQLError('Internal server error', { originalError: error as Error })]);
      for (const e of errors) errorCodes.push(String(e.extensions?.['code'] ?? ErrorCode.INTERNAL_SERVER_ERROR));
      if (!res.writableEnded) res.end(framing.fatal(errors));
    } finally {
      clearInterval(keepAlive);
      this.#open.delete(stream);
      if (key !== undefined) {
        const left = (this.#perCredential.get(key) ?? 1) - 1;
        if (left > 0) this.#perCredential.set(key, left);
        else this.#perCredential.delete(key);
      }
      log();
    }
  }

  /** A stream that carries one result and ends at once (the request failed before it ran). */
  #answerOnce(res: ServerResponse, framing: StreamFraming, body: string): void {
    res.writeHead(200, { 'content-type': framing.contentType, ...framing.headers });
    res.end(framing.start() + body + framing.complete());
  }
}

/** The request's GraphQL parameters: the JSON body of a POST, the query string of a GET. */
function requestParams(req: StreamRequest): PipelineRequest | { errors: GraphQLError[] } {
  const bad = (message: string) => ({ errors: [new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } })] });
  if (req.method === 'GET') {
    const search = new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost').searchParams;
    const json = (name: string): unknown => {
      const value = search.get(name);
      return value === null || value === '' ? undefined : JSON.parse(value);
    };
    try {
      return {
        query: search.get('query') ?? undefined,
        operationName: search.get('operationName') || undefined,
        variables: json('variables'),
        extensions: json('extensions'),
        documentId: search.get('documentId') ?? undefined,
      };
    } catch {
      return bad('`variables` and `extensions` in the query string must be JSON');
    }
  }
  if (req.method !== 'POST') return bad('Send a POST (or a GET with the parameters in the query string)');
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return bad('Send a JSON object { "query": "...", "variables": {...} } with Content-Type: application/json');
  }
  const { query, operationName, variables, extensions, documentId } = body as Record<string, unknown>;
  return { query, operationName, variables, extensions, documentId };
}

function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** Resolves when the response can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

