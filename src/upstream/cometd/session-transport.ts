/**
 * The long-polling transport of one user's CometD session. It sends each
 * Bayeux request with `got` and that user's own cookie jar and headers,
 * instead of cometd-nodejs-client's XMLHttpRequest, whose cookie store is one
 * per process and leaks sessions between users of the same GWS host
 * (gws-notes.md, "The Node CometD client").
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { got } from 'got';
import { limitResponseSize, RESPONSE_TOO_LARGE } from '../bounded-response.js';
import type { CookieJar } from 'tough-cookie';
import type { Logger } from '../../logger.js';
import { LongPollingTransport, XHR_STATE, type XhrLike, type XhrSendPacket } from './adapter.js';
import { loggableError } from './loggable.js';

/** What the transport needs from its session. */
export interface SessionTransportOptions {
  /** The user's jar, read before and written after every request. */
  cookieJar: () => CookieJar;
  /** Extra headers per request (Authorization, CSRF header, ...). */
  headers: () => Record<string, string>;
  /** Largest reply accepted; a larger one is cut off and fails the request (RESPONSE_TOO_LARGE). */
  maxResponseBytes: number;
  logger: Logger;
}

/** A transport-level failure, stripped of anything got keeps (options, headers). */
export class TransportRequestError extends Error {
  /** System or got error code, e.g. ECONNREFUSED, ETIMEDOUT, ERR_ABORTED. */
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'TransportRequestError';
    this.code = code;
  }
}

/** How a request pretends to be an XMLHttpRequest for RequestTransport. */
interface PendingRequest extends XhrLike {
  readyState: number;
  status: number;
}

// Keeps CometD's own timer (maxNetworkDelay, plus the long-poll timeout for
// /meta/connect) the one that normally fires; got's timeout is the backstop
// that guarantees no request outlives its session by much.
const BACKSTOP_MARGIN_MS = 1_000;
// As Node's own global agent: idle sockets close after this, or sooner when the server's hint says so.
const AGENT_IDLE_TIMEOUT_MS = 5_000;

/** A per-session long-polling transport; register one per CometD instance. */
export class SessionLongPollingTransport extends LongPollingTransport {
  readonly #options: SessionTransportOptions;
  // One keep-alive pool per session, so dispose can close its sockets; made on
  // first use, for the one protocol the session talks. A non-zero `timeout` is
  // what makes Node honour the server's `Keep-Alive: timeout` hint and drop an
  // idle socket before the server does (else a request, such as the final
  // /meta/disconnect, can go out on a socket being closed: ECONNRESET).
  #agents: { http?: HttpAgent; https?: HttpsAgent } = {};
  readonly #inFlight = new Set<Promise<void>>();
  readonly #aborts = new Set<AbortController>();
  #closed = false;

  constructor(options: SessionTransportOptions) {
    super();
    this.#options = options;
  }

  /** Requests sent and not yet answered. */
  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  override xhrSend(packet: XhrSendPacket): XhrLike {
    const controller = new AbortController();
    const request: PendingRequest = {
      readyState: XHR_STATE.OPENED,
      status: 0,
      abort: () => controller.abort(),
    };
    if (this.#closed) {
      // Answer asynchronously, as a real request would, so the client's
      // failure handling runs after it has recorded this request.
      queueMicrotask(() => {
        request.readyState = XHR_STATE.DONE;
        this.#notify(() => packet.onError('transport closed'));
      });
      return request;
    }
    this.#aborts.add(controller);
    const exchange = this.#exchange(packet, request, controller.signal).finally(() => {
      this.#aborts.delete(controller);
      this.#inFlight.delete(exchange);
    });
    this.#inFlight.add(exchange);
    return request;
  }

  async #exchange(packet: XhrSendPacket, request: PendingRequest, signal: AbortSignal): Promise<void> {
    let outcome: () => void;
    let bound: { exceeded(): boolean } | undefined;
    try {
      const pending = got.post(packet.url, {
        body: packet.body,
        headers: this.#headers(packet),
        cookieJar: this.#options.cookieJar(),
        // A Set-Cookie a browser would refuse must not fail the exchange.
        ignoreInvalidCookies: true,
        agent: this.#agentFor(packet.url),
        timeout: { request: this.#timeoutMs() },
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        responseType: 'text',
        signal,
      });
      bound = limitResponseSize(pending, this.#options.maxResponseBytes);
      const response = await pending;
      request.status = response.statusCode;
      const missing = response.statusCode === 200 ? missingReply(packet.body, response.body) : undefined;
      if (missing) {
        // The client would wait for this reply for ever (a session stuck
        // handshaking): a reply without it is a failed request, retried with backoff.
        this.#options.logger.warn({ missing }, 'CometD reply without the answer to a request; treated as a transport error');
        const failure = new TransportRequestError(`GWS answered without the reply to ${missing}`, 'MALFORMED_REPLY');
        outcome = () => packet.onError(failure.message, failure);
      } else {
        outcome =
          response.statusCode === 200
            ? () => packet.onSuccess(response.body)
            : () => packet.onError(response.statusMessage ?? `HTTP ${response.statusCode}`);
      }
    } catch (error) {
      const failure = bound?.exceeded()
        ? new TransportRequestError(`GWS sent a CometD reply over ${this.#options.maxResponseBytes} bytes`, RESPONSE_TOO_LARGE)
        : toTransportError(error);
      if (bound?.exceeded()) this.#options.logger.warn({ maxBytes: this.#options.maxResponseBytes }, 'CometD reply too large: cut off');
      outcome = () => packet.onError(failure.message, failure);
    }
    request.readyState = XHR_STATE.DONE;
    this.#notify(outcome);
  }

  #agentFor(url: string): { http?: HttpAgent; https?: HttpsAgent } {
    if (url.startsWith('https:')) this.#agents.https ??= new HttpsAgent({ keepAlive: true, timeout: AGENT_IDLE_TIMEOUT_MS });
    else this.#agents.http ??= new HttpAgent({ keepAlive: true, timeout: AGENT_IDLE_TIMEOUT_MS });
    return this.#agents;
  }

  #headers(packet: XhrSendPacket): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const source of [packet.headers ?? {}, this.#options.headers()]) {
      for (const [name, value] of Object.entries(source)) {
        // Cookies come from the jar only: a second Cookie header would be
        // exactly the kind of mix-up this transport exists to prevent.
        if (name.toLowerCase() !== 'cookie') headers[name] = value;
      }
    }
    headers['content-type'] = 'application/json;charset=UTF-8';
    headers['user-agent'] ??= 'outbound-graphql-gateway';
    return headers;
  }

  #timeoutMs(): number {
    return this.configuration.maxNetworkDelay + (this.advice.timeout ?? 0) + BACKSTOP_MARGIN_MS;
  }

  #notify(outcome: () => void): void {
    try {
      outcome();
    } catch (error) {
      // The client catches its own handlers' errors; this is a last guard so
      // a bug can never become an unhandled rejection.
      this.#options.logger.error({ err: loggableError(error) }, 'CometD transport callback failed');
    }
  }

  /**
   * Stops for good: aborts every request in flight, fails any later one at
   * once, closes the session's sockets, and resolves when every request has
   * been answered to the client.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const controller of this.#aborts) controller.abort();
    await Promise.allSettled([...this.#inFlight]);
    this.#agents.http?.destroy();
    this.#agents.https?.destroy();
  }
}

/**
 * The first /meta request of `sentBody` that `replyBody` has no reply to
 * (matched by id, else by channel), or 'a JSON array' when the reply is not
 * one; undefined when every request is answered. /meta/disconnect is let go:
 * a session being disposed does not wait for it.
 */
export function missingReply(sentBody: string, replyBody: string): string | undefined {
  let sent: unknown;
  let replies: unknown;
  try {
    sent = JSON.parse(sentBody);
    replies = JSON.parse(replyBody);
  } catch {
    return 'a request (the reply is not JSON)';
  }
  if (!Array.isArray(replies)) return 'a request (the reply is not a JSON array)';
  const answered = replies.filter((r): r is { channel?: unknown; id?: unknown } => typeof r === 'object' && r !== null);
  for (const message of Array.isArray(sent) ? sent : [sent]) {
    const { channel, id } = (message ?? {}) as { channel?: unknown; id?: unknown };
    if (typeof channel !== 'string' || !channel.startsWith('/meta/') || channel === '/meta/disconnect') continue;
    const found = answered.some((r) => r.channel === channel && (id === undefined || r.id === undefined || r.id === id));
    if (!found) return channel;
  }
  return undefined;
}

function toTransportError(error: unknown): TransportRequestError {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return new TransportRequestError(error.message, typeof code === 'string' ? code : undefined);
  }
  return new TransportRequestError(String(error), undefined);
}
