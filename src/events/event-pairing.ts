/**
 * Pairs each acknowledgement from /v2/me/outbound with its device user event
 * from /me/internal. GWS sends them as two messages, usually in the same
 * long-poll response, in either order; the user event carries no referenceId.
 *
 * Matching: same user (one pairer per user), GSW_USER_EVENT equal to the
 * acknowledgement's notificationType, the same device (deviceId vs the
 * record's devicePath), the same calling list when both name one, and the
 * same record handle when the acknowledgement has one (cancel by phone has
 * none: there the user event supplies it). An acknowledgement waits at most
 * `windowMs` for its partner, then goes out without userData. Events leave in
 * the order their acknowledgements arrived. Unpaired user events are kept for
 * `windowMs` at most, and at most `maxBuffered` of them.
 */
import {
  parseDeviceUserEvent,
  parseOutboundAck,
  toOutboundRecordEvent,
  INTERNAL_CHANNEL,
  OUTBOUND_CHANNEL,
  type DeviceUserEvent,
  type OutboundAck,
  type OutboundRecordEventModel,
} from './outbound-record-event.js';

export interface EventPairerOptions {
  windowMs: number;
  emit: (event: OutboundRecordEventModel) => void;
  maxBuffered?: number;
  now?: () => number;
}

interface PendingAck {
  ack: OutboundAck;
  receivedAt: Date;
  deadline: number;
  partner: DeviceUserEvent | undefined;
}

interface BufferedUserEvent {
  event: DeviceUserEvent;
  deadline: number;
}

export class EventPairer {
  readonly #windowMs: number;
  readonly #emit: (event: OutboundRecordEventModel) => void;
  readonly #maxBuffered: number;
  readonly #now: () => number;
  readonly #acks: PendingAck[] = [];
  readonly #userEvents: BufferedUserEvent[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: EventPairerOptions) {
    this.#windowMs = options.windowMs;
    this.#emit = options.emit;
    this.#maxBuffered = options.maxBuffered ?? 1_000;
    this.#now = options.now ?? Date.now;
  }

  /** Feeds one CometD message. Messages of other channels or shapes are ignored. */
  add(channel: string, data: unknown): void {
    const now = this.#now();
    this.#expireUserEvents(now);
    if (channel === OUTBOUND_CHANNEL) {
      const ack = parseOutboundAck(data);
      if (!ack) return;
      const index = this.#userEvents.findIndex((u) => matches(ack, u.event));
      const partner = index >= 0 ? this.#userEvents.splice(index, 1)[0]!.event : undefined;
      if (this.#acks.length >= this.#maxBuffered) this.#flush(Number.POSITIVE_INFINITY);
      this.#acks.push({ ack, receivedAt: new Date(now), deadline: now + this.#windowMs, partner });
    } else if (channel === INTERNAL_CHANNEL) {
      const userEvent = parseDeviceUserEvent(data);
      if (!userEvent) return;
      const pending = this.#acks.find((p) => !p.partner && matches(p.ack, userEvent));
      if (pending) pending.partner = userEvent;
      else {
        if (this.#userEvents.length >= this.#maxBuffered) this.#userEvents.shift();
        this.#userEvents.push({ event: userEvent, deadline: now + this.#windowMs });
      }
    } else {
      return;
    }
    this.#flush(now);
  }

  /** Sends everything still waiting (without partner) and stops the timer. */
  dispose(): void {
    this.#flush(Number.POSITIVE_INFINITY);
    this.#userEvents.length = 0;
  }

  get pending(): number {
    return this.#acks.length + this.#userEvents.length;
  }

  #flush(now: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#acks.length > 0) {
      const head = this.#acks[0]!;
      if (!head.partner && head.deadline > now) break;
      this.#acks.shift();
      this.#emit(toOutboundRecordEvent(head.ack, head.partner, head.receivedAt));
    }
    const next = this.#acks[0]?.deadline ?? this.#userEvents[0]?.deadline;
    if (next !== undefined && Number.isFinite(now)) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        const t = this.#now();
        this.#expireUserEvents(t);
        this.#flush(t);
      }, Math.max(0, next - now));
      this.#timer.unref();
    }
  }

  #expireUserEvents(now: number): void {
    while (this.#userEvents.length > 0 && this.#userEvents[0]!.deadline <= now) this.#userEvents.shift();
  }
}

function matches(ack: OutboundAck, userEvent: DeviceUserEvent): boolean {
  if (userEvent.userEvent !== ack.notificationType) return false;
  const ackDevice = ack.record.devicePath?.replace(/^\/devices\//, '') ?? null;
  if (ackDevice !== null && userEvent.deviceId !== null && ackDevice !== userEvent.deviceId) return false;
  const list = userEvent.userData['GSW_CALLING_LIST'];
  if (ack.record.callingList !== null && typeof list === 'string' && list !== ack.record.callingList) return false;
  if (ack.record.recordHandle !== null && userEvent.recordHandle !== null && ack.record.recordHandle !== userEvent.recordHandle) {
    return false;
  }
  return true;
}
