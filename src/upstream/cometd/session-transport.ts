/**
 * The long-polling transport of one user's CometD session. It sends each
 * Bayeux request with `node:http` and that user's own cookie jar and headers,
 * instead of cometd-nodejs-client's XMLHttpRequest, whose cookie store is one
 * per process and leaks sessions between users of the same GWS host
 * (gws-notes.md, "The Node CometD client").
 *
 * Not got (the REST client): a /meta/connect is held open by GWS for 30 s
 * per user, and a request held through got costs about 25 KB of heap against
 * about 10 KB with node:http (got's options, streams, promise and timers),
 * and most of the CPU of a session's set-up (bench/RESULTS.md, phase c). The
 * rules got applied are kept here: the reply size bound, a timeout, no
 * redirects, no retries, cookies from the user's jar only.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CookieJar } from 'tough-cookie';
import { readBoundedBody, RESPONSE_TOO_LARGE } from '../bounded-response.js';
import type { SessionLog } from './session-log.js';
import { LongPollingTransport, XHR_STATE, type XhrLike, type XhrSendPacket } from './adapter.js';
import { BayeuxAgents } from './bayeux-agents.js';
import { loggableError } from './loggable.js';

/** What the transport needs from its session. */
export interface SessionTransportOptions {
  /** The user's jar, read before and written after every request. */
  cookieJar: () => CookieJar;
  /** Extra headers per request (Authorization, CSRF header, ...). */
  headers: () => Record<string, string>;
  /** Largest reply accepted; a larger one is cut off and fails the request (RESPONSE_TOO_LARGE). */
  maxResponseBytes: number;
  /**
   * Keep-alive pools shared with other sessions of the same GWS (sockets
   * only, never cookies); left open by `close()`. @default pools of this
   * transport alone, closed by `close()`
   */
  agents?: BayeuxAgents;
  logger: SessionLog;
}

/** A transport-level failure, stripped of anything the HTTP client keeps (options, headers). */
export class TransportRequestError extends Error {
  /** System or transport error code, e.g. ECONNREFUSED, ETIMEDOUT, ERR_ABORTED, RESPONSE_TOO_LARGE, MALFORMED_REPLY. */
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'TransportRequestError';
    this.code = code;
  }
}

// Keeps CometD's own timer (maxNetworkDelay, plus the long-poll timeout for
// /meta/connect) the one that normally fires; this timeout is the backstop
// that guarantees no request outlives its session by much.
const BACKSTOP_MARGIN_MS = 1_000;

/** Where requests go: parsed once per URL (a session always posts to the same one). */
interface Target {
  url: string;
  https: boolean;
  hostname: string;
  port: string;
  path: string;
}

/** What an exchange hands back to its transport (one pair of functions per transport, not per request). */
interface ExchangeOwner {
  settle: (exchange: Exchange, outcome: () => void) => void;
  receive: (exchange: Exchange, response: IncomingMessage) => void;
}

// The request's listeners and its timer are module functions that find their
// exchange on the request (or get it as the timer's argument): a held
// /meta/connect then carries no closures of its own.
const EXCHANGE = Symbol('cometd-exchange');
type ExchangeRequest = ClientRequest & { [EXCHANGE]?: Exchange };

function onRequestError(this: ExchangeRequest, error: Error): void {
  this[EXCHANGE]?.fail(toTransportError(error));
}

function onRequestResponse(this: ExchangeRequest, response: IncomingMessage): void {
  const exchange = this[EXCHANGE];
  if (exchange) exchange.owner.receive(exchange, response);
  else response.destroy();
}

function onBackstopTimeout(exchange: Exchange, timeoutMs: number): void {
  exchange.fail(new TransportRequestError(`no reply within ${timeoutMs} ms`, 'ETIMEDOUT'));
}

/** One request in flight, shaped as the XMLHttpRequest RequestTransport reads. */
class Exchange implements XhrLike {
  readyState: number = XHR_STATE.OPENED;
  status = 0;
  readonly packet: XhrSendPacket;
  readonly owner: ExchangeOwner;
  /** The jar and target of the request, once sent. */
  jar: CookieJar | undefined;
  target: Target | undefined;
  #request: ClientRequest | undefined;
  #body: { abandon(): void } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #done = false;

  constructor(packet: XhrSendPacket, owner: ExchangeOwner) {
    this.packet = packet;
    this.owner = owner;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Called by the client (its own timeout, or abort()): fails the request, answered asynchronously as a real one. */
  abort(): void {
    if (this.#done) return;
    this.fail(new TransportRequestError('request aborted', 'ERR_ABORTED'), true);
  }

  /** Takes the request sent for this exchange: its listeners, and the backstop timeout. */
  attach(request: ExchangeRequest, timeoutMs: number): void {
    this.#request = request;
    request[EXCHANGE] = this;
    request.on('error', onRequestError);
    request.on('response', onRequestResponse);
    this.#timer = setTimeout(onBackstopTimeout, timeoutMs, this, timeoutMs);
    this.#timer.unref();
  }

  reading(body: { abandon(): void }): void {
    this.#body = body;
  }

  /** Ends the exchange with `outcome` (once); `async` defers the outcome to a microtask. */
  finish(outcome: () => void, isAsync = false): void {
    if (this.#done) return;
    this.#done = true;
    this.readyState = XHR_STATE.DONE;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#request = undefined;
    this.#body = undefined;
    if (isAsync) queueMicrotask(() => this.owner.settle(this, outcome));
    else this.owner.settle(this, outcome);
  }

  /** Ends the exchange as failed and frees its socket (destroyed: it may be mid-reply). */
  fail(error: TransportRequestError, isAsync = false): void {
    if (this.#done) return;
    const request = this.#request;
    this.#body?.abandon();
    const packet = this.packet;
    this.finish(() => packet.onError(error.message, error), isAsync);
    request?.destroy();
  }
}

/** A per-session long-polling transport; register one per CometD instance. */
export class SessionLongPollingTransport extends LongPollingTransport {
  readonly #options: SessionTransportOptions;
  readonly #agents: BayeuxAgents;
  readonly #ownAgents: boolean;
  readonly #inFlight = new Set<Exchange>();
  #target: Target | undefined;
  readonly #owner: ExchangeOwner = {
    settle: (exchange, outcome) => this.#settled(exchange, outcome),
    receive: (exchange, response) => this.#onResponse(exchange, response),
  };
  #drained: (() => void) | undefined;
  #closed = false;

  constructor(options: SessionTransportOptions) {
    super();
    this.#options = options;
    this.#ownAgents = options.agents === undefined;
    this.#agents = options.agents ?? new BayeuxAgents();
  }

  /** Requests sent and not yet answered. */
  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  override xhrSend(packet: XhrSendPacket): XhrLike {
    const exchange = new Exchange(packet, this.#owner);
    if (this.#closed) {
      // Answered asynchronously, as a real request would be, so the client's
      // failure handling runs after it has recorded this request.
      exchange.finish(() => packet.onError('transport closed'), true);
      return exchange;
    }
    this.#inFlight.add(exchange);
    try {
      const jar = this.#options.cookieJar();
      const target = this.#targetOf(packet.url);
      if (jar.store.synchronous) {
        this.#send(exchange, target, jar, jar.getCookieStringSync(target.url));
      } else {
        jar.getCookieString(target.url).then(
          (cookie) => this.#send(exchange, target, jar, cookie),
          (error: unknown) => exchange.fail(toTransportError(error)),
        );
      }
    } catch (error) {
      exchange.fail(toTransportError(error), true);
    }
    return exchange;
  }

  #send(exchange: Exchange, target: Target, jar: CookieJar, cookie: string): void {
    if (exchange.done) return; // aborted while the jar was read
    const { packet } = exchange;
    exchange.jar = jar;
    exchange.target = target;
    const headers = this.#headers(packet, cookie);
    const send = target.https ? httpsRequest : httpRequest;
    const request = send({
      method: 'POST',
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      headers,
      agent: this.#agents.for(target.https ? 'https:' : 'http:'),
    });
    exchange.attach(request, this.#timeoutMs());
    request.end(packet.body);
  }

  #onResponse(exchange: Exchange, response: IncomingMessage): void {
    const { packet, target, jar } = exchange;
    if (exchange.done || !target || !jar) {
      response.destroy();
      return;
    }
    exchange.status = response.statusCode ?? 0;
    const stored = storeCookies(jar, target.url, response.headers['set-cookie']);
    const maxBytes = this.#options.maxResponseBytes;
    exchange.reading(
      readBoundedBody(response, maxBytes, (result) => {
        if (!result.ok) {
          if (result.tooLarge) this.#options.logger.warn({ maxBytes }, 'CometD reply too large: cut off');
          const failure = result.tooLarge
            ? new TransportRequestError(`GWS sent a CometD reply over ${maxBytes} bytes`, RESPONSE_TOO_LARGE)
            : toTransportError(result.error);
          exchange.fail(failure);
          return;
        }
        const answer = (): void => exchange.finish(this.#outcome(packet, exchange.status, response.statusMessage, result.body));
        // An asynchronous store: the cookies are in the jar before the client sends its next request.
        if (stored) void stored.then(answer);
        else answer();
      }),
    );
  }

  #outcome(packet: XhrSendPacket, status: number, statusMessage: string | undefined, body: string): () => void {
    if (status !== 200) return () => packet.onError(statusMessage ?? `HTTP ${status}`);
    const reply = readReply(packet.body, body);
    // The parsed array, not the text: the client takes an array as it is instead of parsing the reply a second time.
    if (reply.ok) return () => packet.onSuccess(reply.messages);
    const { missing } = reply;
    // The client would wait for this reply for ever (a session stuck
    // handshaking): a reply without it is a failed request, retried with backoff.
    this.#options.logger.warn({ missing }, 'CometD reply without the answer to a request; treated as a transport error');
    const failure = new TransportRequestError(`GWS answered without the reply to ${missing}`, 'MALFORMED_REPLY');
    return () => packet.onError(failure.message, failure);
  }

  #settled(exchange: Exchange, outcome: () => void): void {
    this.#inFlight.delete(exchange);
    try {
      outcome();
    } catch (error) {
      // The client catches its own handlers' errors; this is a last guard so
      // a bug can never become an uncaught exception.
      this.#options.logger.error({ err: loggableError(error) }, 'CometD transport callback failed');
    }
    if (this.#inFlight.size === 0) this.#drained?.();
  }

  #targetOf(url: string): Target {
    if (this.#target?.url === url) return this.#target;
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TransportRequestError(`not an HTTP URL: ${parsed.protocol}`, 'ERR_INVALID_URL');
    this.#target = {
      url,
      https: parsed.protocol === 'https:',
      // IPv6 literals come bracketed in a URL and unbracketed in request options.
      hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: parsed.port,
      path: `${parsed.pathname}${parsed.search}`,
    };
    return this.#target;
  }

  #headers(packet: XhrSendPacket, cookie: string): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const source of [packet.headers ?? {}, this.#options.headers()]) {
      for (const [name, value] of Object.entries(source)) {
        // Cookies come from the jar only: a second Cookie header would be
        // exactly the kind of mix-up this transport exists to prevent.
        const lower = name.toLowerCase();
        if (lower !== 'cookie' && lower !== 'content-length' && lower !== 'host') headers[name] = value;
      }
    }
    headers['content-type'] = 'application/json;charset=UTF-8';
    headers['content-length'] = String(Buffer.byteLength(packet.body));
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent')) headers['user-agent'] = 'outbound-graphql-gateway';
    if (cookie !== '') headers['cookie'] = cookie;
    return headers;
  }

  #timeoutMs(): number {
    return this.configuration.maxNetworkDelay + (this.advice.timeout ?? 0) + BACKSTOP_MARGIN_MS;
  }

  /**
   * Stops for good: aborts every request in flight, fails any later one at
   * once, closes the session's own sockets, and resolves when every request
   * has been answered to the client.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const drained = new Promise<void>((resolve) => {
      this.#drained = resolve;
    });
    for (const exchange of [...this.#inFlight]) exchange.abort();
    if (this.#inFlight.size > 0) await drained;
    this.#drained = undefined;
    if (this.#ownAgents) this.#agents.destroy();
  }
}

/** Puts a reply's Set-Cookie headers into the jar (invalid ones ignored, as a browser would); a promise for an asynchronous store. */
function storeCookies(jar: CookieJar, url: string, setCookies: string[] | undefined): Promise<void> | undefined {
  if (!setCookies || setCookies.length === 0) return undefined;
  if (jar.store.synchronous) {
    for (const cookie of setCookies) {
      try {
        jar.setCookieSync(cookie, url);
      } catch {
        // A Set-Cookie a browser would refuse must not fail the exchange.
      }
    }
    return undefined;
  }
  return Promise.all(setCookies.map((cookie) => jar.setCookie(cookie, url).catch(() => undefined))).then(() => undefined);
}

/** A reply read as JSON: the messages, or which /meta request it leaves unanswered. */
type ReadReply = { ok: true; messages: unknown[] } | { ok: false; missing: string };

/**
 * Parses `replyBody` (once: the client takes the array as it is) and finds
 * the first /meta request of `sentBody` it has no reply to (matched by id,
 * else by channel), or 'a JSON array' when the reply is not one.
 * /meta/disconnect is let go: a session being disposed does not wait for it.
 */
export function readReply(sentBody: string, replyBody: string): ReadReply {
  let sent: unknown;
  let replies: unknown;
  try {
    sent = JSON.parse(sentBody);
    replies = JSON.parse(replyBody);
  } catch {
    return { ok: false, missing: 'a request (the reply is not JSON)' };
  }
  if (!Array.isArray(replies)) return { ok: false, missing: 'a request (the reply is not a JSON array)' };
  const answered = replies.filter((r): r is { channel?: unknown; id?: unknown } => typeof r === 'object' && r !== null);
  for (const message of Array.isArray(sent) ? sent : [sent]) {
    const { channel, id } = (message ?? {}) as { channel?: unknown; id?: unknown };
    if (typeof channel !== 'string' || !channel.startsWith('/meta/') || channel === '/meta/disconnect') continue;
    const found = answered.some((r) => r.channel === channel && (id === undefined || r.id === undefined || r.id === id));
    if (!found) return { ok: false, missing: channel };
  }
  return { ok: true, messages: replies };
}

function toTransportError(error: unknown): TransportRequestError {
  if (error instanceof TransportRequestError) return error;
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return new TransportRequestError(error.message, typeof code === 'string' ? code : undefined);
  }
  return new TransportRequestError(String(error), undefined);
}
