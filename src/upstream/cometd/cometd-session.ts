/**
 * One user's upstream CometD session with GWS: handshake, subscriptions
 * renewed on every handshake, reconnection with jittered backoff, one
 * re-authentication when GWS refuses the user's HTTP session, and a disposal
 * that leaves no timer or socket behind.
 *
 * The CometD client does the Bayeux work; this class decides what follows a
 * failure (through the client's `onTransportFailure` hook) and reads the
 * session's state from the `/meta/handshake`, `/meta/connect` and
 * `/meta/unsuccessful` channels.
 */
import type { CookieJar } from 'tough-cookie';
import { silentLogger, type Logger } from '../../logger.js';
import type { FailureInfo, Message, MetaMessage } from './adapter.js';
import { Backoff } from './backoff.js';
import { describeFailure, isRefusedHandshake, isUnauthorisedHttp } from './failures.js';
import { loggableError, loggableUrl } from './loggable.js';
import { SessionCometD } from './session-cometd.js';
import { BoundLog, type SessionLog } from './session-log.js';
import { CometdSessionError } from './session-error.js';
import { RESPONSE_TOO_LARGE } from '../bounded-response.js';
import type { BayeuxAgents } from './bayeux-agents.js';
import { SessionLongPollingTransport, TransportRequestError } from './session-transport.js';

/**
 * - `connecting`: started (or not yet), never connected so far.
 * - `connected`: handshaken, every channel subscribed, `/meta/connect` answered.
 * - `reconnecting`: a handshake, connect or request failed; retrying.
 * - `unauthenticated`: GWS refused the user's session and re-authentication gave up; stopped.
 * - `closed`: disposed.
 */
export type CometdSessionState = 'connecting' | 'connected' | 'reconnecting' | 'unauthenticated' | 'closed';

/** Settings of a {@link CometdSession}. */
export interface CometdSessionOptions {
  /** The Bayeux endpoint, e.g. `${gwsOrigin}/api/v2/notifications`. */
  url: string;
  /**
   * The user's tough-cookie jar: the SAME jar the user's REST calls use, since
   * the handshake rides on the HTTP session (JSESSIONID). A function is read
   * before every request, for owners that replace the jar on a new session.
   */
  cookieJar: CookieJar | (() => CookieJar);
  /** Extra headers per request (called each time), e.g. Authorization, the CSRF header. */
  headers?: () => Record<string, string>;
  /** Channels to subscribe to after every successful handshake, e.g. `['/v2/me/outbound', '/me/internal']`. */
  channels: readonly string[];
  /** Receives every message of a subscribed channel (the concrete channel for wildcards). */
  onMessage: (channel: string, data: unknown) => void;
  /** Told of every state change; `error` says why for `reconnecting` and `unauthenticated`. */
  onStateChange?: (state: CometdSessionState, error?: Error) => void;
  /**
   * Told of every successful handshake after the first: GWS lost (or dropped)
   * the Bayeux session, so messages published in between were not delivered.
   */
  onRehandshake?: () => void;
  /**
   * Called when a handshake is refused as unauthorised (HTTP 401/403, or a
   * Bayeux error like '401::' / '403::'): typically re-creates the user's
   * HTTP session (fresh JSESSIONID) into the same jar. Resolve true to retry
   * the handshake at once, false (or reject) to give up: the session then goes
   * to 'unauthenticated' and stops. Called at most once per refused-handshake
   * streak. The signal aborts when the session is disposed.
   */
  reauthenticate?: (signal: AbortSignal) => Promise<boolean>;
  /** Reconnection backoff with full jitter for transport errors. @default { initialMs: 500, maxMs: 30_000 } */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long a reply may take beyond the long-poll hold. @default 40_000 (long-poll 30 s + margin) */
  maxNetworkDelayMs?: number;
  /** Largest reply accepted from GWS; a larger one fails the request. @default 1 MiB */
  maxResponseBytes?: number;
  /**
   * Keep-alive socket pools shared by the sessions of one GWS (they hold
   * sockets, never cookies). @default pools of this session alone, closed on dispose
   */
  agents?: BayeuxAgents;
  /** How long `dispose()` waits for GWS to acknowledge the disconnect. @default 2_000 */
  disposeTimeoutMs?: number;
  /** pino logger. @default silent */
  logger?: Logger;
  /** Fields added to every line the session logs (e.g. the user's key), instead of a child logger per session. */
  logFields?: Readonly<Record<string, unknown>>;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
  settled: boolean;
}

let sessionCount = 0;

/** One user's CometD session with GWS. */
export class CometdSession {
  readonly #url: string;
  readonly #channels: readonly string[];
  readonly #cookieJar: () => CookieJar;
  readonly #headers: () => Record<string, string>;
  readonly #onMessage: CometdSessionOptions['onMessage'];
  readonly #onStateChange: CometdSessionOptions['onStateChange'];
  readonly #onRehandshake: CometdSessionOptions['onRehandshake'];
  readonly #reauthenticate: CometdSessionOptions['reauthenticate'];
  readonly #maxNetworkDelayMs: number;
  readonly #maxResponseBytes: number;
  readonly #disposeTimeoutMs: number;
  readonly #agents: BayeuxAgents | undefined;
  readonly #logger: SessionLog;
  readonly #name = `gws-cometd-${++sessionCount}`;
  readonly #backoffSettings: { initialMs: number; maxMs: number };
  /** Delays after failed handshakes and connects; reset by a successful connect. */
  readonly #backoff: Backoff;
  /** Delays before re-sending a failed subscription; reset by a successful handshake. */
  readonly #subscribeBackoff: Backoff;
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Aborted on dispose; handed to `reauthenticate`. */
  // Made on first need (a re-authentication is rare): an AbortController costs a few hundred bytes per idle session.
  #lifetime: AbortController | undefined;

  #state: CometdSessionState = 'connecting';
  #client: SessionCometD | undefined;
  #transport: SessionLongPollingTransport | undefined;
  #started: Deferred | undefined;
  #disposed: Promise<void> | undefined;
  /** Set when the session gave up or is being disposed: the client must not retry. */
  #stopped = false;
  /** Successful handshakes so far; callbacks of an older handshake compare against it. */
  #generation = 0;
  /** Channels of the current handshake whose subscription is not yet confirmed. */
  #unsubscribed = new Set<string>();
  /** Whether the last `/meta/connect` reply was successful. */
  #connectOk = false;
  /** Whether `reauthenticate` was already called in the current streak of refused handshakes. */
  #reauthenticated = false;

  constructor(options: CometdSessionOptions) {
    this.#url = options.url;
    // A duplicate would be subscribed once and confirmed by the client alone.
    this.#channels = [...new Set(options.channels)];
    const jar = options.cookieJar;
    this.#cookieJar = typeof jar === 'function' ? jar : () => jar;
    this.#headers = options.headers ?? (() => ({}));
    this.#onMessage = options.onMessage;
    this.#onStateChange = options.onStateChange;
    this.#onRehandshake = options.onRehandshake;
    this.#reauthenticate = options.reauthenticate;
    this.#maxNetworkDelayMs = options.maxNetworkDelayMs ?? 40_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? 1_048_576;
    this.#disposeTimeoutMs = options.disposeTimeoutMs ?? 2_000;
    this.#agents = options.agents;
    this.#logger = new BoundLog(options.logger ?? silentLogger, { ...options.logFields, component: 'cometd-session', session: this.#name });
    this.#backoffSettings = { initialMs: options.backoff?.initialMs ?? 500, maxMs: options.backoff?.maxMs ?? 30_000 };
    this.#backoff = new Backoff(this.#backoffSettings);
    this.#subscribeBackoff = new Backoff(this.#backoffSettings);
  }

  /** Where the session is now (see {@link CometdSessionState}). */
  get state(): CometdSessionState {
    return this.#state;
  }

  /**
   * Handshakes and subscribes. Resolves when first connected and subscribed;
   * rejects with a {@link CometdSessionError} whose code is 'UNAUTHENTICATED'
   * if GWS finally refuses the user, or 'CLOSED' if disposed first. Transport
   * errors never reject: the session keeps retrying in state 'reconnecting'.
   * Idempotent: later calls return the same promise.
   */
  start(): Promise<void> {
    if (this.#started) return this.#started.promise;
    const started = deferred();
    this.#started = started;
    if (this.#disposed) {
      this.#settleStart(new CometdSessionError('CLOSED', 'CometD session already disposed'));
      return started.promise;
    }
    this.#client = this.#createClient();
    this.#logger.info({ url: loggableUrl(this.#url), channels: this.#channels }, 'CometD session starting');
    this.#handshake();
    return started.promise;
  }

  /**
   * Disconnects from GWS (best effort, waiting at most `disposeTimeoutMs` for
   * its answer), then aborts what is left, clears every timer and listener and
   * closes the session's sockets. Idempotent.
   */
  dispose(): Promise<void> {
    this.#disposed ??= this.#dispose();
    return this.#disposed;
  }

  #createClient(): SessionCometD {
    const client = new SessionCometD(this.#name, this.#logger, (message, info) => this.#onFailure(message, info));
    client.configure({
      url: this.#url,
      maxNetworkDelay: this.#maxNetworkDelayMs,
      // Only the client's own bookkeeping uses these: #onFailure sets every delay.
      backoffIncrement: this.#backoffSettings.initialMs,
      maxBackoff: this.#backoffSettings.maxMs,
      // POST to the endpoint itself rather than .../handshake, .../connect:
      // the documented URL, whatever path mapping the server has.
      appendMessageTypeToURL: false,
      useWorkerScheduler: false,
      // Asked for in the handshake. GWS holds a long poll 30 s; a longer hold
      // risks being cut by a load balancer's 60 s idle timeout.
      advice: { timeout: 30_000, interval: 0 },
    });
    this.#transport = new SessionLongPollingTransport({
      cookieJar: this.#cookieJar,
      headers: this.#headers,
      maxResponseBytes: this.#maxResponseBytes,
      ...(this.#agents ? { agents: this.#agents } : {}),
      logger: this.#logger,
    });
    // WebSocket sends neither cookies nor headers on upgrade; callback-polling
    // needs a DOM. Long-polling through our transport is the only way out.
    client.unregisterTransport('websocket');
    client.unregisterTransport('callback-polling');
    client.unregisterTransport('long-polling');
    client.registerTransport('long-polling', this.#transport);

    client.addListener('/meta/handshake', (message: MetaMessage) => this.#onHandshake(message));
    client.addListener('/meta/connect', (message: MetaMessage) => this.#onConnect(message));
    // No /meta/unsuccessful listener: handshake, connect and subscribe
    // failures are handled above, the disconnect's in disconnect(), and
    // nothing is published; a listener costs a few hundred bytes per user.
    return client;
  }

  #handshake(): void {
    try {
      this.#client?.handshake();
    } catch (error) {
      // Only thrown for a handshake while not disconnected: a bug, not GWS.
      this.#logger.error({ err: loggableError(error) }, 'CometD handshake could not be sent');
    }
  }

  #onHandshake(message: MetaMessage): void {
    if (this.#stopped) return;
    if (message.successful !== true) {
      // A refused handshake is dealt with in #onFailure; this is any other failure.
      if (!isRefusedHandshake(message)) {
        // It ends the streak of refusals: once GWS answers again, a refusal
        // deserves a fresh re-authentication (the last one may have met GWS down).
        this.#reauthenticated = false;
        this.#setState('reconnecting', new Error(`CometD handshake failed: ${describeFailure(message)}`));
      }
      return;
    }
    this.#reauthenticated = false;
    this.#generation += 1;
    this.#connectOk = false;
    this.#unsubscribed = new Set(this.#channels);
    this.#subscribeBackoff.reset();
    this.#logger.debug({ generation: this.#generation }, 'CometD handshake successful');
    if (this.#generation > 1) {
      try {
        this.#onRehandshake?.();
      } catch (failure) {
        this.#logger.error({ err: loggableError(failure) }, 'CometD onRehandshake threw');
      }
    }
    // A handshake drops every subscription on the server (listeners stay
    // here): subscribe again, all in one request.
    const generation = this.#generation;
    this.#client?.batch(() => {
      for (const channel of this.#channels) this.#subscribe(channel, generation);
    });
  }

  #subscribe(channel: string, generation: number): void {
    const client = this.#client;
    if (!client || client.isDisconnected()) return;
    client.subscribe(
      channel,
      (message: Message) => this.#deliver(message),
      (reply: MetaMessage) => {
        if (this.#stopped || generation !== this.#generation) return;
        if (reply.successful === true) {
          this.#unsubscribed.delete(channel);
          this.#checkConnected();
          return;
        }
        // A subscription lost to a network error stays lost even when the
        // next /meta/connect succeeds with the same client: send it again.
        const delayMs = this.#subscribeBackoff.next();
        this.#logger.warn({ channel, delayMs, failure: describeFailure(reply) }, 'CometD subscription failed; retrying');
        this.#later(delayMs, () => {
          if (!this.#stopped && generation === this.#generation) this.#subscribe(channel, generation);
        });
      },
    );
  }

  #onConnect(message: MetaMessage): void {
    if (this.#stopped) return;
    if (message.successful === true) {
      this.#backoff.reset();
      this.#connectOk = true;
      this.#checkConnected();
      return;
    }
    this.#connectOk = false;
    this.#setState('reconnecting', new Error(`CometD connect failed: ${describeFailure(message)}`));
  }

  /** The client's failure policy: runs after the library chose an action and before it acts. */
  #onFailure(message: MetaMessage, info: FailureInfo): void {
    if (this.#stopped) {
      info.action = 'none';
      return;
    }
    if (isRefusedHandshake(message)) {
      // The client would retry a refused handshake forever; stop it here and
      // decide after re-authentication. Deferred so the client has
      // disconnected by the time we act.
      info.action = 'none';
      queueMicrotask(() => void this.#onRefusedHandshake(message));
      return;
    }
    if (message.channel === '/meta/connect' && isCutOffReply(message)) {
      // The messages of a reply cut off for its size are lost: a new handshake
      // makes the loss visible (onRehandshake) instead of carrying on as if nothing happened.
      info.action = 'handshake';
    } else if (message.channel === '/meta/connect' && isUnauthorisedHttp(message)) {
      // GWS dropped the HTTP session under a live CometD client; retrying the
      // connect cannot succeed. A handshake will, or will call reauthenticate.
      info.action = 'handshake';
    } else if (info.action === 'none') {
      // Server advice "none" or a failed transport negotiation: a gateway
      // session that silently dies is worse than one that retries slowly.
      this.#logger.warn({ channel: message.channel, failure: describeFailure(message) }, 'CometD client gave up; handshaking again');
      info.action = 'handshake';
    }
    info.delay = this.#backoff.next();
    this.#logger.debug(
      { channel: message.channel, action: info.action, delayMs: info.delay, failure: describeFailure(message) },
      'CometD failure; retrying',
    );
  }

  async #onRefusedHandshake(message: MetaMessage): Promise<void> {
    if (this.#stopped) return;
    const error = new CometdSessionError('UNAUTHENTICATED', `GWS refused the CometD handshake (${describeFailure(message)})`);
    if (this.#reauthenticated || !this.#reauthenticate) {
      this.#giveUp(error);
      return;
    }
    this.#reauthenticated = true;
    this.#logger.info({ failure: describeFailure(message) }, 'CometD handshake refused; re-authenticating');
    let retry = false;
    try {
      retry = await this.#reauthenticate((this.#lifetime ??= new AbortController()).signal);
    } catch (reason) {
      this.#logger.warn({ err: loggableError(reason) }, 'CometD re-authentication failed');
    }
    if (this.#stopped) return;
    if (retry) this.#handshake();
    else this.#giveUp(error);
  }

  #giveUp(error: CometdSessionError): void {
    this.#stopped = true;
    this.#logger.warn({ reason: error.message }, 'CometD session unauthenticated; stopped');
    this.#setState('unauthenticated', error);
    this.#settleStart(error);
    // The client has already disconnected itself; close the sockets too, so
    // a session nobody disposes holds nothing.
    void this.#transport?.close();
  }

  #checkConnected(): void {
    if (this.#generation > 0 && this.#connectOk && this.#unsubscribed.size === 0) {
      this.#setState('connected');
      this.#settleStart();
    }
  }

  #deliver(message: Message): void {
    try {
      this.#onMessage(message.channel, message.data);
    } catch (error) {
      this.#logger.error({ err: loggableError(error), channel: message.channel }, 'CometD onMessage threw');
    }
  }

  #setState(state: CometdSessionState, error?: Error): void {
    if (this.#state === state || this.#state === 'closed') return;
    this.#state = state;
    this.#logger.info({ state, reason: error?.message }, 'CometD session state');
    try {
      this.#onStateChange?.(state, error);
    } catch (failure) {
      this.#logger.error({ err: loggableError(failure) }, 'CometD onStateChange threw');
    }
  }

  #settleStart(error?: Error): void {
    const started = this.#started;
    if (!started || started.settled) return;
    started.settled = true;
    if (error) started.reject(error);
    else started.resolve();
  }

  #later(delayMs: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      task();
    }, delayMs);
    this.#timers.add(timer);
  }

  async #dispose(): Promise<void> {
    this.#stopped = true;
    this.#lifetime?.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const client = this.#client;
    const transport = this.#transport;
    if (client && transport) {
      if (client.getClientId() !== null && !client.isDisconnected()) {
        // Tell GWS, so it frees the CometD client now rather than on timeout.
        await disconnect(client, this.#disposeTimeoutMs, this.#logger);
      }
      // Aborts whatever is still in flight (the held /meta/connect, or a
      // disconnect GWS did not answer in time) and closes the sockets.
      await transport.close();
      if (!client.isDisconnected()) {
        // Still handshaking or waiting to retry: a disconnect through the
        // closed transport fails at once, and that failure is what cancels
        // the client's scheduled retry.
        await disconnect(client, this.#disposeTimeoutMs);
      }
      client.clearSubscriptions();
      client.clearListeners();
      client.unregisterTransports();
    }
    this.#settleStart(new CometdSessionError('CLOSED', 'CometD session disposed before it connected'));
    this.#setState('closed');
    this.#logger.info({}, 'CometD session closed');
  }
}

/** Sends /meta/disconnect; resolves with whether it was acknowledged within `timeoutMs`. A failed one is logged (debug) when `logger` is given. */
function disconnect(client: SessionCometD, timeoutMs: number, logger?: SessionLog): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    try {
      client.disconnect((reply: MetaMessage) => {
        clearTimeout(timer);
        if (reply.successful !== true) logger?.debug({ channel: reply.channel, failure: describeFailure(reply) }, 'CometD request unsuccessful');
        resolve(reply.successful === true);
      });
    } catch {
      clearTimeout(timer);
      resolve(false);
    }
  });
}

/** Whether the request failed because its reply was over the size bound (its messages are lost). */
function isCutOffReply(message: MetaMessage): boolean {
  const exception: unknown = message.failure?.exception;
  return exception instanceof TransportRequestError && exception.code === RESPONSE_TOO_LARGE;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // The state is authoritative; a caller that does not await start() must
  // not turn a later rejection into an unhandled-rejection crash.
  promise.catch(() => undefined);
  return { promise, resolve, reject, settled: false };
}
