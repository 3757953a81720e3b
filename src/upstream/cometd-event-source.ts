/**
 * A user's upstream event source: their CometD session on GWS's
 * /api/v2/notifications, riding on the same cookie jar as their REST calls.
 * Before the first handshake the user's HTTP session is made sure of; when a
 * handshake is refused, the HTTP session is started anew once.
 */
import { errorCodeOf, ErrorCode } from '../errors.js';
import { INTERNAL_CHANNEL, OUTBOUND_CHANNEL } from '../events/outbound-record-event.js';
import type { Logger } from '../logger.js';
import type { EventSourceFactory } from '../server/services.js';
import { BayeuxAgents, CometdSession } from './cometd/index.js';
import type { GwsHttpClient } from './gws-http-client.js';

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
    const agents = new BayeuxAgents();
    return (user, handlers) => {
      // The session generation whose cookies the last CometD request carried:
      // a refused handshake resets only that one (a handshake goes out alone).
      let sentGeneration = user.gws.generation;
      const session = new CometdSession({
        url: `${gws.baseUrl}${NOTIFICATIONS_PATH}`,
        cookieJar: () => {
          sentGeneration = user.gws.generation;
          return user.gws.jar;
        },
        maxResponseBytes: gws.maxResponseBytes,
        agents,
        ...(options.maxNetworkDelayMs !== undefined ? { maxNetworkDelayMs: options.maxNetworkDelayMs } : {}),
        channels: SUBSCRIBED_CHANNELS,
        onMessage: handlers.onMessage,
        onStateChange: handlers.onStateChange,
        onRehandshake: () => handlers.onInterrupted?.('re-handshake'),
        reauthenticate: async () => {
          try {
            await gws.refreshSession(user.gws, sentGeneration);
            return true;
          } catch (error) {
            // Refused credentials end the session; anything else (GWS down) is retried with backoff.
            return errorCodeOf(error) !== ErrorCode.UNAUTHENTICATED;
          }
        },
        backoff: options.backoff,
        logger,
        logFields: { user: user.key },
      });
      return {
        get state() {
          return session.state;
        },
        start: async () => {
          await gws.ensureSession(user.gws);
          await session.start();
        },
        dispose: () => session.dispose(),
      };
    };
  };
}
