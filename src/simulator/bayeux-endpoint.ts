/**
 * The CometD endpoint (/api/v2/notifications): a real faye Bayeux server,
 * long-polling only (GWS 8.5 has no WebSocket), made to behave like GWS:
 *
 * - the handshake rides on the HTTP session: without a live JSESSIONID it is
 *   refused with HTTP 401 and Bayeux error `403::Unauthorized`;
 * - every later message must carry a session of the user who did the
 *   handshake, else the client is destroyed and told `402::Unknown client`
 *   (advice reconnect=handshake), as CometD-Java words it;
 * - /v2/me/... and /me/... subscriptions are per user (see user-channels.ts);
 * - with cookie traps on, responses re-set JSESSIONID and set BAYEUX_BROWSER
 *   and a sticky AWSELB, as CometD-Java behind a load balancer does.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import faye from 'faye';
import type { Logger } from '../logger.js';
import { appendSetCookie, cookieValues, setCookie } from './cookies.js';
import { fayeEngineOf, type FayeEngine } from './faye-engine.js';
import { GWS_STATUS, GwsError, sendGwsError } from './gws-errors.js';
import { SESSION_COOKIE, type HttpSession, type HttpSessions } from './http-sessions.js';
import { fromUserChannel, toUserChannel } from './user-channels.js';

/** Where GWS serves CometD. */
export const BAYEUX_MOUNT = '/api/v2/notifications';
/** Long-poll hold time, seconds (the seeds' advice.timeout is 30000 ms). */
export const BAYEUX_TIMEOUT_S = 30;

/** Bayeux error of a handshake without a live HTTP session. */
export const HANDSHAKE_REFUSED_ERROR = '403::Unauthorized';
/** HTTP status of the response carrying a refused handshake. */
export const HANDSHAKE_REFUSED_HTTP_STATUS = 401;
/** Bayeux error for a client the server does not know (anymore), in CometD-Java's words. */
export const UNKNOWN_CLIENT_ERROR = '402::Unknown client';

const BROWSER_COOKIE = 'BAYEUX_BROWSER';
const BALANCER_COOKIE = 'AWSELB';
// faye has no body limit of its own; GWS answers with 413 long before this.
const MAX_BAYEUX_BODY = 64 * 1024;

interface RequestContext {
  readonly session: HttpSession | undefined;
  handshakeRefused: boolean;
}

type Message = faye.BayeuxMessage;
type Callback = faye.ExtensionCallback;

/** What the endpoint needs: the HTTP sessions to check, and whether to set trap cookies. */
export interface BayeuxEndpointOptions {
  readonly sessions: HttpSessions;
  readonly cookieTraps: boolean;
  readonly logger: Logger;
}

const forbidden = (channel: string): string => `403:${channel}:Forbidden channel`;
const randomCookieValue = (): string => randomBytes(12).toString('hex');

/** faye's own unknown-client error, `401:<clientId>:Unknown client`. */
const FAYE_UNKNOWN_CLIENT = /^401:[^:]*:Unknown client$/;

/** The Bayeux server and its per-user routing. */
export class BayeuxEndpoint {
  readonly #adapter: faye.NodeAdapter;
  readonly #engine: FayeEngine;
  readonly #options: BayeuxEndpointOptions;
  /** clientId -> username of the session that did the handshake. */
  readonly #owners = new Map<string, string>();
  readonly #contexts = new WeakMap<IncomingMessage, RequestContext>();

  constructor(options: BayeuxEndpointOptions) {
    this.#options = options;
    this.#adapter = new faye.NodeAdapter({ mount: BAYEUX_MOUNT, timeout: BAYEUX_TIMEOUT_S });
    this.#engine = fayeEngineOf(this.#adapter);
    this.#adapter.addExtension({
      incoming: (message, request, callback) => this.#incoming(message, request, callback),
      outgoing: (message, request, callback) => this.#outgoing(message, request, callback),
    });
    // Fires for every destroyed client: /meta/disconnect, timeout, drop.
    this.#adapter.bind('disconnect', (clientId) => this.#owners.delete(clientId));
  }

  /** Whether a path belongs to the CometD endpoint. */
  matches(pathname: string): boolean {
    return pathname === BAYEUX_MOUNT || pathname.startsWith(`${BAYEUX_MOUNT}/`);
  }

  /** Serves one HTTP request of the endpoint. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST') {
      sendGwsError(res, new GwsError(GWS_STATUS.VALIDATION_ERROR, 'CometD supports long-polling POST only', 405));
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > MAX_BAYEUX_BODY) {
      res.setHeader('Connection', 'close');
      sendGwsError(res, new GwsError(GWS_STATUS.VALIDATION_ERROR, 'Request body too large', 413));
      return;
    }
    const context: RequestContext = {
      session: this.#options.sessions.fromCookies(req.headers.cookie),
      handshakeRefused: false,
    };
    this.#contexts.set(req, context);
    if (this.#options.cookieTraps) appendSetCookie(res, ...this.#trapCookies(req, context.session));

    // faye always answers 200; a refused handshake must look like GWS's
    // security filter (HTTP 401), so the status is swapped as faye writes it.
    const writeHead = res.writeHead.bind(res) as (status: number, ...rest: unknown[]) => ServerResponse;
    res.writeHead = ((status: number, ...rest: unknown[]) =>
      writeHead(context.handshakeRefused ? HANDSHAKE_REFUSED_HTTP_STATUS : status, ...rest)) as typeof res.writeHead;

    this.#adapter.handle(req, res);
  }

  /** Delivers a message on a GWS channel (e.g. /v2/me/outbound) to one user's subscribers only. */
  publish(username: string, channel: string, data: unknown): void {
    const target = toUserChannel(username, channel);
    if (!target || channel.includes('*')) {
      throw new Error(`publish: ${channel} is not a per-user GWS channel (/v2/... or /me/..., no wildcards)`);
    }
    this.#engine.publish({ channel: target, data });
  }

  /** Destroys one user's Bayeux clients (all users' when no name); returns how many. */
  drop(username?: string): number {
    const victims = [...this.#owners].filter(([, owner]) => username === undefined || owner === username);
    for (const [clientId] of victims) this.#engine.destroyClient(clientId);
    return victims.length;
  }

  /** Live Bayeux clients of a user, or of everybody. */
  clientCount(username?: string): number {
    if (username === undefined) return this.#owners.size;
    let count = 0;
    for (const owner of this.#owners.values()) if (owner === username) count++;
    return count;
  }

  /** Answers held long-polls and drops every client and faye timer. */
  close(): void {
    this.#adapter.close();
    this.#owners.clear();
  }

  #trapCookies(req: IncomingMessage, session: HttpSession | undefined): string[] {
    const cookie = req.headers.cookie;
    const cookies = [
      setCookie(BROWSER_COOKIE, cookieValues(cookie, BROWSER_COOKIE)[0] ?? randomCookieValue()),
      setCookie(BALANCER_COOKIE, cookieValues(cookie, BALANCER_COOKIE)[0] ?? randomCookieValue()),
    ];
    return session ? [setCookie(SESSION_COOKIE, session.id), ...cookies] : cookies;
  }

  #incoming(message: Message, request: IncomingMessage | null, callback: Callback): void {
    const context = request ? this.#contexts.get(request) : undefined;
    const session = context?.session;

    if (message.channel === '/meta/handshake') {
      if (session) return callback(message);
      if (context) context.handshakeRefused = true;
      this.#options.logger.debug('bayeux handshake refused: no HTTP session');
      return callback({ ...message, error: HANDSHAKE_REFUSED_ERROR });
    }

    const owner = message.clientId === undefined ? undefined : this.#owners.get(message.clientId);
    // A client nobody owns is unknown to faye too: let faye say so.
    if (owner === undefined) return callback(message);

    if (session?.username !== owner) {
      // The session changed hands or expired: the client must handshake again
      // with whatever session it now carries.
      this.#options.logger.debug({ owner }, 'bayeux request without a session of the client owner');
      this.#engine.destroyClient(message.clientId!);
      return callback({ ...message, error: UNKNOWN_CLIENT_ERROR });
    }

    if (message.channel === '/meta/subscribe' || message.channel === '/meta/unsubscribe') {
      return callback(this.#scopeSubscription(message, owner));
    }
    if (!message.channel.startsWith('/meta/') && !message.channel.startsWith('/service/')) {
      // Events come from GWS, never from clients.
      return callback({ ...message, error: forbidden(message.channel) });
    }
    return callback(message);
  }

  #scopeSubscription(message: Message, owner: string): Message {
    if (message.subscription === undefined) return message;
    const wanted = ([] as string[]).concat(message.subscription);
    const scoped: string[] = [];
    for (const channel of wanted) {
      const userChannel = toUserChannel(owner, channel);
      if (!userChannel) return { ...message, error: forbidden(channel) };
      scoped.push(userChannel);
    }
    return { ...message, subscription: Array.isArray(message.subscription) ? scoped : scoped[0] };
  }

  #outgoing(message: Message, request: IncomingMessage | null, callback: Callback): void {
    if (message.channel === '/meta/handshake' && message.successful && message.clientId) {
      const session = request ? this.#contexts.get(request)?.session : undefined;
      if (session) {
        this.#owners.set(message.clientId, session.username);
        this.#options.logger.debug({ username: session.username }, 'bayeux handshake');
      }
      return callback(message);
    }

    const original = fromUserChannel(message.channel);
    if (original !== undefined) return callback({ ...message, channel: original });

    let reply = message;
    if (reply.error !== undefined && FAYE_UNKNOWN_CLIENT.test(reply.error)) {
      reply = { ...reply, error: UNKNOWN_CLIENT_ERROR };
    }
    if (reply.subscription !== undefined && reply.channel.startsWith('/meta/')) {
      const unscope = (channel: string): string => fromUserChannel(channel) ?? channel;
      reply = {
        ...reply,
        subscription: Array.isArray(reply.subscription) ? reply.subscription.map(unscope) : unscope(reply.subscription),
      };
    }
    return callback(reply);
  }
}
