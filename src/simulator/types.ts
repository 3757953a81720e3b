/** The simulator's public types (re-exported by index.ts). */
import type { Logger } from '../logger.js';
import type { DemoUser } from './demo-users.js';
import type { ReplyFault } from './reply-faults.js';

export type { ReplyFault } from './reply-faults.js';

/** Options of startSimulator; every field is optional. */
export interface SimulatorOptions {
  /** TCP port. @default 0 (a free port) */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** The agents. @default DEMO_USERS */
  users?: readonly DemoUser[];
  /** CSRF enforcement on POST/PUT/DELETE. @default true */
  csrf?: boolean;
  /** CometD responses set JSESSIONID, BAYEUX_BROWSER and AWSELB like CometD-Java behind a load balancer. @default true */
  cookieTraps?: boolean;
  /** Delay between the HTTP answer of an accepted operation and its CometD messages. @default 0 */
  eventDelayMs?: number;
  /** Publish the /me/internal event before the /v2/me/outbound ack. @default false (ack first, as in the seeds) */
  userEventFirst?: boolean;
  /** How many received operations `received` keeps; the oldest go first. 0 keeps none. @default 10000 */
  receivedMax?: number;
  /** Where received operations (info) and protocol details (debug) go. @default silent */
  logger?: Logger;
}

/** One POST to /api/v2/me/outbound-records[/<handle>] from an authenticated user, accepted or not. */
export interface ReceivedOperation {
  username: string;
  method: string;
  /** Request path, e.g. /api/v2/me/outbound-records/9. */
  path: string;
  /** The handle in the URL, when there was a numeric one. */
  recordHandle?: number;
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  /** Date.now() when it arrived. */
  receivedAt: number;
  /** HTTP status the simulator answered (addition to the agreed API). */
  httpStatus: number;
  /** GWS statusCode of the answer, 0 when accepted (addition to the agreed API). */
  statusCode: number;
}

/** A running simulator. */
export interface GwsSimulator {
  /** Origin, e.g. http://127.0.0.1:43123. */
  readonly url: string;
  /**
   * Every outbound-records POST of an authenticated user whose body parsed as
   * a JSON object, in arrival order, whatever the answer (CSRF refusals too):
   * the last `receivedMax` of them (a long-running simulator must not grow without bound).
   */
  readonly received: ReceivedOperation[];
  /** All HTTP requests seen, REST and CometD, faulted ones included. */
  readonly requestCount: number;
  /** Drops all HTTP sessions and CSRF tokens, and with them every Bayeux client, as a GWS restart would. */
  forgetHttpSessions(): void;
  /** Destroys that user's Bayeux clients server-side; their next /meta/connect gets 402::Unknown client. Returns how many. */
  dropBayeuxSessions(username: string): number;
  /** Live Bayeux clients of a user, or of all users. */
  bayeuxClientCount(username?: string): number;
  /** Delivers a CometD message on a /v2/... or /me/... channel to that user's subscribers only. Throws on an unknown user or another channel. */
  publish(username: string, channel: string, data: unknown): void;
  /** 'hang': requests are accepted and never answered; 'down': sockets are reset at once (open ones too); null: normal. */
  setFault(fault: 'hang' | 'down' | null): void;
  /** Makes matching requests misbehave (oversized, dripping, delayed, unanswered, answering nothing); null: normal. */
  setReplyFault(fault: ReplyFault | null): void;
  /** Body bytes the oversized and dripping faults have written so far (what reached the socket, or its buffer). */
  readonly faultyBytesSent: number;
  /** Puts the calling list back to its initial 20 ready records. */
  resetCallingList(): void;
  /** Closes server, Bayeux server, sockets and timers (hung requests included). Idempotent. */
  close(): Promise<void>;
}
