/**
 * Everything the gateway holds for one verified credential: its upstream
 * HTTP session and, once someone needs live events, its event stream (whose
 * CometD session rides on the same cookie jar). Kept in the SessionStore;
 * never shared between credentials. A disposed UserSession opens nothing
 * more, so no CometD session can outlive the store's knowledge of it.
 */
import { ErrorCode, gatewayError } from '../errors.js';
import type { EventStreamStatus, AcknowledgementWaiter, UserEventStream } from '../events/user-event-stream.js';
import type { OutboundRecordEventFilter } from '../events/event-filter.js';
import type { LogSubscriber } from '../events/log-subscriber.js';
import { GwsSession } from './gws-session.js';
import type { StoredSession } from './session-store.js';

export type EventStreamFactory = (session: UserSession) => UserEventStream;

export class UserSession implements StoredSession {
  readonly key: string;
  readonly gws: GwsSession;
  readonly #createStream: EventStreamFactory;
  readonly #ackTimeoutMs: number;
  #stream: UserEventStream | undefined;
  #disposed = false;

  constructor(authorization: string, createStream: EventStreamFactory, ackTimeoutMs: number) {
    this.gws = new GwsSession(authorization);
    this.key = this.gws.key;
    this.#createStream = createStream;
    this.#ackTimeoutMs = ackTimeoutMs;
  }

  /** The user's live event stream, created on first need; refused once disposed. */
  get events(): UserEventStream {
    if (this.#disposed) {
      throw gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'This session was closed; send the request again', {
        upstreamErrorCode: 'SESSION_CLOSED',
      });
    }
    this.#stream ??= this.#createStream(this);
    return this.#stream;
  }

  /** The user's events that pass the filter: after the client's cursor `after` (replay, then live), or from now. */
  subscribe(filter?: OutboundRecordEventFilter | null, after?: string | null): Promise<LogSubscriber> {
    return this.events.subscribe(filter, after);
  }

  awaitAcknowledgement(referenceId: string): AcknowledgementWaiter {
    return this.events.waitForAcknowledgement(referenceId, this.#ackTimeoutMs);
  }

  eventStreamStatus(): EventStreamStatus {
    return this.#stream ? this.#stream.status() : { state: 'IDLE', subscribers: 0, lastEventAt: null, failingSince: null };
  }

  /** In use: the event stream needs it (subscribers, waiters, or the retention window after them), or an upstream request is in flight. */
  isBusy(): boolean {
    return (this.#stream?.isBusy() ?? false) || this.gws.inFlight > 0;
  }

  /** False once GWS refused the credential or the session was disposed: the store drops it. */
  isUsable(): boolean {
    const { state } = this.gws.state;
    return !this.#disposed && state !== 'refused' && state !== 'disposed';
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    const stream = this.#stream;
    this.#stream = undefined;
    await stream?.dispose();
    this.gws.dispose();
  }

  toJSON(): { key: string } {
    return { key: this.key };
  }
}
