/**
 * The Web Services HTTP client: one configured `got` instance (explicit
 * timeouts, no retries, JSON), the CSRF bootstrap with GET /api/v2/me, and the
 * mapping of every upstream failure to a contract error code.
 *
 * A POST is sent at most twice: once, and once more after a 401/403 or a lost
 * session, with a fresh session and token. That retry is safe because GWS
 * changes nothing on an errored request (gws-notes.md); nothing else is retried.
 */
import type { GraphQLError } from 'graphql';
import CircuitBreaker from 'opossum';
import { got, RequestError, TimeoutError, type Got, type Response } from 'got';
import { ErrorCode, errorCodeOf, gatewayError, unauthenticated, upstreamRejected } from '../errors.js';
import type { Logger } from '../logger.js';
import { inSpan } from '../observability/tracing.js';
import { limitResponseSize, RESPONSE_TOO_LARGE } from './bounded-response.js';
import { installCheapNativeRequestOptions } from './got-native-options.js';
import { raceSignal } from './race-signal.js';
import type { CsrfToken, GwsSession } from './gws-session.js';

/** GWS's response envelope: every body has statusCode; errors add statusMessage. */
export interface GwsEnvelope {
  statusCode: number;
  statusMessage?: string;
  [key: string]: unknown;
}

export interface GwsHttpClientOptions {
  /** GWS origin, e.g. https://gws.example.com */
  baseUrl: string;
  connectTimeoutMs: number;
  /** Whole-request timeout. */
  timeoutMs: number;
  logger: Logger;
  /** Circuit breaker: trips when this share of recent requests could not reach GWS. */
  circuitBreaker?: { errorThresholdPercent: number; resetTimeoutMs: number };
  /** Largest reply accepted (headers excluded); a larger one is cut off and answered UPSTREAM_UNAVAILABLE. @default 1 MiB */
  maxResponseBytes?: number;
  /** Told of every finished request: outcome is the HTTP status or the error code. */
  onRequestDone?: (method: string, outcome: string, seconds: number) => void;
}

/** GWS statusCode for "not authenticated". */
const GWS_NOT_AUTHENTICATED = 20;
const BOOTSTRAP_PATH = '/api/v2/me';

type Attempt = { kind: 'ok'; envelope: GwsEnvelope } | { kind: 'session-lost'; status: number; envelope?: GwsEnvelope };

/** What one request returned, and which session generation it was sent with. */
type Sent = { attempt: Attempt; generation: number; csrf: CsrfToken | undefined };

const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;

export class GwsHttpClient {
  readonly #http: Got;
  readonly #logger: Logger;
  readonly #onRequestDone: GwsHttpClientOptions['onRequestDone'];
  readonly #maxResponseBytes: number;
  readonly #breaker: CircuitBreaker<[() => Promise<Response<string>>], Response<string>>;
  readonly baseUrl: string;

  constructor(options: GwsHttpClientOptions) {
    this.baseUrl = options.baseUrl;
    this.#logger = options.logger;
    this.#onRequestDone = options.onRequestDone;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    // got's per-request native options cost 40-90 µs on Node 20 (got-native-options.ts).
    installCheapNativeRequestOptions();
    this.#http = got.extend({
      prefixUrl: options.baseUrl,
      timeout: { connect: options.connectTimeoutMs, request: options.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      headers: { accept: 'application/json', 'user-agent': 'outbound-graphql-gateway' },
    });
    // Only failures to reach GWS count; any HTTP answer (even 5xx) proves it is up.
    this.#breaker = new CircuitBreaker((send: () => Promise<Response<string>>) => send(), {
      timeout: false, // got's own timeouts apply
      errorThresholdPercentage: options.circuitBreaker?.errorThresholdPercent ?? 50,
      resetTimeout: options.circuitBreaker?.resetTimeoutMs ?? 10_000,
      rollingCountTimeout: 10_000,
      volumeThreshold: 5,
      // An oversized reply (cancelled by us) came from a reachable GWS.
      errorFilter: (error: unknown) =>
        !(error instanceof RequestError) || error.name === 'AbortError' || error.name === 'CancelError',
    });
    this.#breaker.on('open', () => this.#logger.warn('GWS unreachable: circuit open, failing fast'));
    this.#breaker.on('halfOpen', () => this.#logger.info('circuit half-open: probing GWS'));
    this.#breaker.on('close', () => this.#logger.info('GWS reachable again: circuit closed'));
  }

  /** The bound on every GWS reply, for the CometD transport too. */
  get maxResponseBytes(): number {
    return this.#maxResponseBytes;
  }

  /** closed: normal; open: failing fast; halfOpen: letting one probe through. */
  get circuitState(): 'closed' | 'open' | 'halfOpen' {
    return this.#breaker.opened ? 'open' : this.#breaker.halfOpen ? 'halfOpen' : 'closed';
  }

  /** Stops the breaker's timers (shutdown). */
  dispose(): void {
    this.#breaker.shutdown();
  }

  /** GET a GWS resource in the user's session. */
  async get(session: GwsSession, path: string, signal?: AbortSignal): Promise<GwsEnvelope> {
    return this.#held(session, () => this.#withSessionRetry(session, signal, () => this.#send(session, 'GET', path, undefined, signal)));
  }

  /** POST a GWS operation in the user's session, with its CSRF token. */
  async post(session: GwsSession, path: string, body: object, signal?: AbortSignal): Promise<GwsEnvelope> {
    return this.#held(session, () => this.#withSessionRetry(session, signal, () => this.#send(session, 'POST', path, body, signal)));
  }

  /**
   * Starts a new GWS session for this credential after GWS refused the one of
   * `generation` (a refused CometD handshake), unless a newer session is
   * already ready or being made: then that one is used.
   */
  async refreshSession(session: GwsSession, generation: number, signal?: AbortSignal): Promise<void> {
    session.invalidate(generation);
    await this.#held(session, () => this.#ensureSession(session, signal));
  }

  /**
   * Makes sure the user has a GWS session (cookies and CSRF token), starting
   * one if needed (GET /api/v2/me). Proves the credential: rejects with
   * UNAUTHENTICATED when GWS refuses it.
   */
  async ensureSession(session: GwsSession, signal?: AbortSignal): Promise<void> {
    await this.#held(session, () => this.#ensureSession(session, signal));
  }

  async #held<T>(session: GwsSession, work: () => Promise<T>): Promise<T> {
    const release = session.hold();
    try {
      return await work();
    } finally {
      release();
    }
  }

  async #withSessionRetry(session: GwsSession, signal: AbortSignal | undefined, send: () => Promise<Sent>): Promise<GwsEnvelope> {
    for (let attempt = 1; ; attempt++) {
      await this.#ensureSession(session, signal);
      const sent = await send();
      if (sent.attempt.kind === 'ok') return sent.attempt.envelope;
      if (attempt === 2) throw refusal(sent.attempt);
      // Only the session this request used is forgotten: a newer one (made by
      // a concurrent request or the CometD session) is kept and used.
      const reset = session.invalidate(sent.generation);
      this.#logger.info({ session: session.key, status: sent.attempt.status, reset }, 'GWS session lost or refused; starting a new one');
    }
  }

  /** Joins or starts the shared bootstrap; the caller's signal ends only the caller's wait. */
  async #ensureSession(session: GwsSession, signal: AbortSignal | undefined): Promise<void> {
    await raceSignal(session.ensure(() => this.#bootstrap(session)), signal);
  }

  async #bootstrap(session: GwsSession): Promise<CsrfToken> {
    const sent = await this.#send(session, 'GET', BOOTSTRAP_PATH, undefined, undefined);
    if (sent.attempt.kind !== 'ok') throw refusal(sent.attempt);
    // A GWS without CSRF protection: remember that the bootstrap was done.
    return sent.csrf ?? { header: 'x-csrf-token-unused', token: '' };
  }

  async #send(
    session: GwsSession,
    method: 'GET' | 'POST',
    path: string,
    body: object | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Sent> {
    const generation = session.generation;
    const headers: Record<string, string> = { authorization: session.authorization };
    if (method !== 'GET' && session.csrf?.token) headers[session.csrf.header] = session.csrf.token;
    const started = performance.now();
    let response: Response<string>;
    let tooLarge = false;
    try {
      response = await inSpan(`GWS ${method}`, { 'http.request.method': method, 'url.path': path }, async (span) => {
        const r = await this.#breaker.fire(() => {
          const request = this.#http(path.replace(/^\//, ''), {
            method,
            headers,
            cookieJar: session.cookies,
            ...(body !== undefined ? { json: body } : {}),
            ...(signal ? { signal } : {}),
          });
          const bound = limitResponseSize(request, this.#maxResponseBytes);
          return request.catch((error: unknown) => {
            tooLarge = bound.exceeded();
            throw error;
          });
        });
        span.setAttribute('http.response.status_code', r.statusCode);
        return r;
      });
    } catch (error) {
      const mapped = tooLarge
        ? gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, `GWS answered ${method} ${path} with a reply over ${this.#maxResponseBytes} bytes`, {
            upstreamErrorCode: RESPONSE_TOO_LARGE,
          })
        : this.#transportError(error, method, path);
      if (tooLarge) this.#logger.warn({ method, path, maxBytes: this.#maxResponseBytes }, 'GWS reply too large: cut off');
      this.#onRequestDone?.(method, errorCodeOf(mapped) ?? 'ERROR', (performance.now() - started) / 1000);
      throw mapped;
    }
    this.#onRequestDone?.(method, String(response.statusCode), (performance.now() - started) / 1000);
    this.#logger.debug(
      { method, path, status: response.statusCode, ms: Math.round(performance.now() - started) },
      'GWS response',
    );
    const csrf = method === 'GET' ? csrfOf(response) : undefined;
    const envelope = parseEnvelope(response);
    const status = response.statusCode;
    if (status === 401 || status === 403 || envelope?.statusCode === GWS_NOT_AUTHENTICATED) {
      const attempt: Attempt = envelope ? { kind: 'session-lost', status, envelope } : { kind: 'session-lost', status };
      return { attempt, generation, csrf: undefined };
    }
    // GWS may renew the session on any GET: keep its newest token.
    if (csrf && path !== BOOTSTRAP_PATH) session.updateCsrf(generation, csrf);
    if (!envelope) {
      throw gatewayError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `GWS answered ${method} ${path} with HTTP ${status} and no GWS response body`,
        { upstreamHttpStatus: status },
      );
    }
    if (envelope.statusCode !== 0) throw upstreamRejected(envelope.statusCode, envelope.statusMessage);
    return { attempt: { kind: 'ok', envelope }, generation, csrf };
  }

  /**
   * Maps a got failure to a contract error. Never passes a got error on: its
   * enumerable `options` hold the request headers (the credential), which a
   * logger's error serializer would print.
   */
  #transportError(error: unknown, method: string, path: string): unknown {
    if ((error as { code?: unknown } | null)?.code === 'EOPENBREAKER') {
      return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'GWS is unreachable: failing fast until it answers again', {
        upstreamErrorCode: 'CIRCUIT_OPEN',
      });
    }
    if (error instanceof TimeoutError) {
      return gatewayError(ErrorCode.UPSTREAM_TIMEOUT, `GWS did not answer ${method} ${path} in time (${error.event})`);
    }
    if (error instanceof RequestError) {
      if (error.name === 'AbortError' || error.code === 'ERR_ABORTED') {
        return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, `The request to GWS was cancelled (${method} ${path})`);
      }
      const code = error.code || 'ERR_UPSTREAM';
      this.#logger.warn({ method, path, code }, 'GWS unreachable');
      return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, `Cannot reach GWS (${code})`, { upstreamErrorCode: code });
    }
    return error;
  }
}

function csrfOf(response: Response<string>): CsrfToken | undefined {
  const header = response.headers['x-csrf-header'];
  const token = response.headers['x-csrf-token'];
  return typeof header === 'string' && typeof token === 'string' && header && token ? { header, token } : undefined;
}

function parseEnvelope(response: Response<string>): GwsEnvelope | undefined {
  if (!response.body) return undefined;
  try {
    const parsed: unknown = JSON.parse(response.body);
    if (parsed && typeof parsed === 'object' && typeof (parsed as GwsEnvelope).statusCode === 'number') {
      return parsed as GwsEnvelope;
    }
  } catch {
    // Not JSON: an HTML error page of a proxy, say. The caller reports it.
  }
  return undefined;
}

/** What a refused second attempt means to the client. */
function refusal(attempt: Exclude<Attempt, { kind: 'ok' }>): GraphQLError {
  if (attempt.status === 403 && attempt.envelope?.statusCode !== GWS_NOT_AUTHENTICATED) {
    return gatewayError(ErrorCode.FORBIDDEN, `GWS refused the request: ${attempt.envelope?.statusMessage ?? 'HTTP 403'}`, {
      upstreamStatusCode: attempt.envelope?.statusCode ?? null,
      upstreamMessage: attempt.envelope?.statusMessage ?? null,
    });
  }
  return unauthenticated('GWS rejected the credentials');
}
