/**
 * A user's upstream event source: their CometD session on GWS's
 * /api/v2/notifications, riding on the same cookie jar as their REST calls.
 * Before the first handshake the user's HTTP session is made sure of; when a
 * handshake is refused, the HTTP session is started anew once.
 */
import { errorCodeOf, ErrorCode } from '../errors.js';
import { INTERNAL_CHANNEL, OUTBOUND_CHANNEL } from '../events/outbound-record-event.js';
import type { Logger } from '../logger.js';
import type { UpstreamEventSource, UpstreamHandlers, UpstreamState } from '../events/user-event-stream.js';
import type { EventSourceFactory } from '../server/services.js';
import type { CookieJar } from 'tough-cookie';
import { BayeuxAgents, CometdSession } from './cometd/index.js';
import type { GwsHttpClient } from './gws-http-client.js';
import type { UserSession } from './user-session.js';

export const NOTIFICATIONS_PATH = '/api/v2/notifications';
export const SUBSCRIBED_CHANNELS = [OUTBOUND_CHANNEL, INTERNAL_CHANNEL] as const;

export interface CometdEventSourceOptions {
  backoff: { initialMs: number; maxMs: number };
  /** How long a CometD reply may take beyond the long-poll hold before it counts as lost. @default 40_000 */
  maxNetworkDelayMs?: number;
}

export function cometdEventSources(options: CometdEventSourceOptions) {
  return (gws: GwsHttpClient, logger: Logger): EventSourceFactory => {
    // One keep-alive pool for every user's Bayeux requests to this GWS: it
    // holds sockets, never cookies (each request's Cookie header comes from
    // its user's jar), and saves a TCP connection and an Agent per user.
    const shared: SharedSettings = { gws, logger, options, agents: new BayeuxAgents(), url: `${gws.baseUrl}${NOTIFICATIONS_PATH}` };
    return (user, handlers) => new UserCometdSource(shared, user, handlers);
  };
}

/** What every user's source of one gateway shares. */
interface SharedSettings {
  gws: GwsHttpClient;
  logger: Logger;
  options: CometdEventSourceOptions;
  agents: BayeuxAgents;
  url: string;
}

/** One user's source: a class, so that what every user's source does lives on the prototype and not in closures per user. */
class UserCometdSource implements UpstreamEventSource {
  readonly #gws: GwsHttpClient;
  readonly #user: UserSession;
  readonly #session: CometdSession;
  /**
   * The session generation whose cookies the last CometD request carried:
   * a refused handshake resets only that one (a handshake goes out alone).
   */
  #sentGeneration: number;

  constructor(shared: SharedSettings, user: UserSession, handlers: UpstreamHandlers) {
    const { gws, options } = shared;
    this.#gws = gws;
    this.#user = user;
    this.#sentGeneration = user.gws.generation;
    this.#session = new CometdSession({
      url: shared.url,
      cookieJar: () => this.#jar(),
      maxResponseBytes: gws.maxResponseBytes,
      agents: shared.agents,
      ...(options.maxNetworkDelayMs !== undefined ? { maxNetworkDelayMs: options.maxNetworkDelayMs } : {}),
      channels: SUBSCRIBED_CHANNELS,
      onMessage: handlers.onMessage,
      onStateChange: handlers.onStateChange,
      onRehandshake: () => handlers.onInterrupted?.('re-handshake'),
      reauthenticate: () => this.#reauthenticate(),
      backoff: options.backoff,
      logger: shared.logger,
      logFields: { user: user.key },
    });
  }

  get state(): UpstreamState {
    return this.#session.state;
  }

  async start(): Promise<void> {
    await this.#gws.ensureSession(this.#user.gws);
    await this.#session.start();
  }

  dispose(): Promise<void> {
    return this.#session.dispose();
  }

  #jar(): CookieJar {
    this.#sentGeneration = this.#user.gws.generation;
    return this.#user.gws.jar;
  }

  async #reauthenticate(): Promise<boolean> {
    try {
      await this.#gws.refreshSession(this.#user.gws, this.#sentGeneration);
      return true;
    } catch (error) {
      // Refused credentials end the session; anything else (GWS down) is retried with backoff.
      return errorCodeOf(error) !== ErrorCode.UNAUTHENTICATED;
    }
  }
}
