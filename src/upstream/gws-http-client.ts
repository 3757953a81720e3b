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
import type { GwsSession } from './gws-session.js';

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
  /** Told of every finished request: outcome is the HTTP status or the error code. */
  onRequestDone?: (method: string, outcome: string, seconds: number) => void;
}

/** GWS statusCode for "not authenticated". */
const GWS_NOT_AUTHENTICATED = 20;
const BOOTSTRAP_PATH = '/api/v2/me';

type Attempt = { kind: 'ok'; envelope: GwsEnvelope } | { kind: 'session-lost'; status: number; envelope?: GwsEnvelope };

export class GwsHttpClient {
  readonly #http: Got;
  readonly #logger: Logger;
  readonly #onRequestDone: GwsHttpClientOptions['onRequestDone'];
  readonly #breaker: CircuitBreaker<[() => Promise<Response<string>>], Response<string>>;
  readonly baseUrl: string;

  constructor(options: GwsHttpClientOptions) {
    this.baseUrl = options.baseUrl;
    this.#logger = options.logger;
    this.#onRequestDone = options.onRequestDone;
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
      errorFilter: (error: unknown) => !(error instanceof RequestError) || error.name === 'AbortError',
    });
    this.#breaker.on('open', () => this.#logger.warn('GWS unreachable: circuit open, failing fast'));
    this.#breaker.on('halfOpen', () => this.#logger.info('circuit half-open: probing GWS'));
    this.#breaker.on('close', () => this.#logger.info('GWS reachable again: circuit closed'));
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
    return this.#withSessionRetry(session, () => this.#send(session, 'GET', path, undefined, signal));
  }

  /** POST a GWS operation in the user's session, with its CSRF token. */
  async post(session: GwsSession, path: string, body: object, signal?: AbortSignal): Promise<GwsEnvelope> {
    return this.#withSessionRetry(session, async () => {
      await this.#ensureCsrf(session, signal);
      return this.#send(session, 'POST', path, body, signal);
    });
  }

  /**
   * Starts a GWS session for this credential (GET /api/v2/me), keeping its
   * cookies and CSRF token. Used by the CometD session before a handshake.
   */
  async refreshSession(session: GwsSession, signal?: AbortSignal): Promise<void> {
    session.reset();
    await this.#ensureCsrf(session, signal);
  }

  /** Makes sure the user has a GWS session (cookies and CSRF token), starting one if needed. */
  async ensureSession(session: GwsSession, signal?: AbortSignal): Promise<void> {
    await this.#ensureCsrf(session, signal);
  }

  async #withSessionRetry(session: GwsSession, attempt: () => Promise<Attempt>): Promise<GwsEnvelope> {
    const first = await attempt();
    if (first.kind === 'ok') return first.envelope;
    this.#logger.info({ session: session.key, status: first.status }, 'GWS session lost or refused; starting a new one');
    session.reset();
    const second = await attempt();
    if (second.kind === 'ok') return second.envelope;
    throw refusal(second);
  }

  async #ensureCsrf(session: GwsSession, signal?: AbortSignal): Promise<void> {
    if (session.csrf) return;
    session.bootstrapping ??= this.#bootstrap(session, signal).finally(() => {
      session.bootstrapping = undefined;
    });
    await session.bootstrapping;
  }

  async #bootstrap(session: GwsSession, signal?: AbortSignal): Promise<void> {
    const result = await this.#send(session, 'GET', BOOTSTRAP_PATH, undefined, signal);
    if (result.kind !== 'ok') throw refusal(result);
  }

  async #send(
    session: GwsSession,
    method: 'GET' | 'POST',
    path: string,
    body: object | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Attempt> {
    const headers: Record<string, string> = { authorization: session.authorization };
    if (method !== 'GET' && session.csrf?.token) headers[session.csrf.header] = session.csrf.token;
    const started = performance.now();
    let response: Response<string>;
    try {
      response = await inSpan(`GWS ${method}`, { 'http.request.method': method, 'url.path': path }, async (span) => {
        const r = await this.#breaker.fire(() =>
          this.#http(path.replace(/^\//, ''), {
            method,
            headers,
            cookieJar: session.jar,
            ...(body !== undefined ? { json: body } : {}),
            ...(signal ? { signal } : {}),
          }),
        );
        span.setAttribute('http.response.status_code', r.statusCode);
        return r;
      });
    } catch (error) {
      const mapped = this.#transportError(error, method, path);
      this.#onRequestDone?.(method, errorCodeOf(mapped) ?? 'ERROR', (performance.now() - started) / 1000);
      throw mapped;
    }
    this.#onRequestDone?.(method, String(response.statusCode), (performance.now() - started) / 1000);
    this.#logger.debug(
      { method, path, status: response.statusCode, ms: Math.round(performance.now() - started) },
      'GWS response',
    );
    if (method === 'GET') rememberCsrf(session, response);
    const envelope = parseEnvelope(response);
    const status = response.statusCode;
    if (status === 401 || status === 403 || envelope?.statusCode === GWS_NOT_AUTHENTICATED) {
      return envelope ? { kind: 'session-lost', status, envelope } : { kind: 'session-lost', status };
    }
    if (!envelope) {
      throw gatewayError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `GWS answered ${method} ${path} with HTTP ${status} and no GWS response body`,
        { upstreamHttpStatus: status },
      );
    }
    if (envelope.statusCode !== 0) throw upstreamRejected(envelope.statusCode, envelope.statusMessage);
    return { kind: 'ok', envelope };
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

function rememberCsrf(session: GwsSession, response: Response<string>): void {
  const header = response.headers['x-csrf-header'];
  const token = response.headers['x-csrf-token'];
  if (typeof header === 'string' && typeof token === 'string' && header && token) {
    session.csrf = { header, token };
  } else if (response.statusCode < 400 && !session.csrf) {
    // A GWS without CSRF protection: remember that the bootstrap was done.
    session.csrf = { header: 'x-csrf-token-unused', token: '' };
  }
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
