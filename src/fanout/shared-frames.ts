/**
 * graphql-transport-ws `next` frames around a shared payload's JSON: the
 * payload is serialized once per event ({@link SubscriptionFanout.payloadJson})
 * and each subscriber's frame is that JSON with its own id string-concatenated
 * around it, instead of a JSON.stringify of the whole result per subscriber.
 *
 * graphql-ws serializes every message itself (`JSON.stringify(message,
 * jsonMessageReplacer)`) and hands the text to the socket in the same
 * synchronous step. So the replacer swaps a shareable payload for a marker
 * string and remembers its JSON, and the socket's send, the very next call,
 * puts the JSON where the marker is. The marker is a string no payload can
 * produce at that place (the payload is an object there), and only a frame
 * that ends with it is touched.
 */
import type { WebSocket, WebSocketServer } from 'ws';
import type { SubscriptionFanout } from './subscription-fanout.js';

const MARKER = '\u0000shared-payload\u0000';
/** How a frame whose payload was replaced by the marker ends. */
const MARKED_TAIL = JSON.stringify({ payload: MARKER }).slice(1);
const PAYLOAD_KEY = '"payload":';

/** The replacer for graphql-ws and the socket hook that complete each other. */
export interface SharedFrames {
  /** graphql-ws's `jsonMessageReplacer`. */
  replacer: (this: unknown, key: string, value: unknown) => unknown;
  /** Makes every socket of this server put the shared JSON into its frames (install before any frame is sent). */
  attach(wsServer: WebSocketServer): void;
  /** The text to send for a serialized message (exported for tests of the splice). */
  expand(data: string): string;
}

/** Shared frames for one fan-out. */
export function sharedFrames(fanout: SubscriptionFanout): SharedFrames {
  // The JSON the last replaced payload stands for; taken by the send that follows the stringify.
  let pending: string | undefined;
  const expand = (data: string): string => {
    if (pending === undefined || !data.endsWith(MARKED_TAIL)) return data;
    const json = pending;
    pending = undefined;
    return `${data.slice(0, data.length - MARKED_TAIL.length)}${PAYLOAD_KEY}${json}}`;
  };
  return {
    replacer(key, value) {
      if (key === 'payload' && fanout.isShareable(value)) {
        pending = fanout.payloadJson(value);
        return MARKER;
      }
      return value;
    },
    attach(wsServer) {
      wsServer.on('connection', (ws: WebSocket) => {
        const send = ws.send.bind(ws);
        ws.send = ((data: unknown, ...rest: unknown[]) => {
          // Direct frames queued for this socket go first: a subscription's later message never overtakes them.
          sinks.get(ws)?.flush();
          (send as (...a: unknown[]) => void)(typeof data === 'string' ? expand(data) : data, ...rest);
        }) as WebSocket['send'];
        for (const method of ['ping', 'pong', 'close'] as const) {
          const original = ws[method].bind(ws) as (...a: unknown[]) => void;
          (ws as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
            sinks.get(ws)?.flush();
            original(...args);
          };
        }
      });
    },
    expand,
  };
}

/**
 * A graphql-transport-ws socket that shared results are written to
 * directly: the subscriber's frame is its own prefix, the payload's JSON
 * and `}`, sent when the event is read, instead of going through
 * graphql-ws's per-message path (an awaited `onNext`, the result copied,
 * the message validated and stringified, a promise per send). graphql-ws
 * still sends everything else (errors, complete) and owns the subscription.
 *
 * The frames one socket gets in one step (an event reaches all of a
 * connection's subscriptions at once) are written as one buffer of whole
 * WebSocket text frames, at the end of the step (a microtask), and before
 * anything else ws sends on that socket: one write instead of ws's two per
 * frame, and the payload's bytes encoded once per event. Only on a socket
 * without extensions (no permessage-deflate: the gateway never enables it),
 * where ws writes every frame as is; otherwise each frame goes through ws.
 *
 * Back-pressure is the same as graphql-ws's awaited send: while the socket
 * holds more unsent bytes than its high-water mark (the client does not
 * read), nothing more is taken from the subscribers' queues; they fill, and
 * SUBSCRIBER_TOO_SLOW ends them as before.
 */
export class FrameSink {
  readonly #ws: WebSocket;
  readonly #tcp: DrainingSocket | undefined;
  #waiters: (() => void)[] = [];
  /** Frames of this step not written yet: prefix, payload, prefix, payload, ... */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  readonly #flush = (): void => this.flush();

  constructor(ws: WebSocket) {
    this.#ws = ws;
    // ws keeps the TCP socket in `_socket` (see coalesce-ws-writes.ts); without one, every write is "ready" and ws buffers.
    this.#tcp = (ws as unknown as { _socket?: DrainingSocket })._socket;
  }

  /** False while the socket waits for the client to read what it holds. A closed socket is ready (its frames are dropped, as graphql-ws's send drops them). */
  get ready(): boolean {
    return this.#ws.readyState !== this.#ws.OPEN || !(this.#tcp?.writableNeedDrain ?? false);
  }

  /** Calls `listener` once when the socket is ready again. */
  whenReady(listener: () => void): void {
    this.#waiters.push(listener);
    if (this.#waiters.length > 1) return;
    this.#tcp?.once('drain', () => {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const waiter of waiters) waiter();
    });
  }

  /** Queues one text frame, `prefix` + `payload` + `}`, if the socket is open. */
  send(prefix: Buffer, payload: Buffer): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    if (!this.#tcp || this.#ws.extensions !== '') {
      this.#ws.send(Buffer.concat([prefix, payload, CLOSING_BRACE]), { binary: false });
      return;
    }
    if (this.#pending.length === 0) queueMicrotask(this.#flush);
    this.#pending.push(prefix, payload);
    this.#pendingBytes += prefix.length + payload.length + 1;
  }

  /** Writes the queued frames now (also called before ws sends anything else on this socket, so the order holds). */
  flush(): void {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    const bytes = this.#pendingBytes;
    this.#pendingBytes = 0;
    if (this.#ws.readyState !== this.#ws.OPEN || !this.#tcp) return;
    const out = Buffer.allocUnsafe(bytes + (pending.length / 2) * 10);
    let at = 0;
    for (let i = 0; i < pending.length; i += 2) {
      const prefix = pending[i]!;
      const payload = pending[i + 1]!;
      at = writeTextHeader(out, at, prefix.length + payload.length + 1);
      at += prefix.copy(out, at);
      at += payload.copy(out, at);
      out[at++] = 0x7d; // }
    }
    (this.#tcp as unknown as { write(chunk: Buffer): boolean }).write(out.subarray(0, at));
  }
}

const CLOSING_BRACE = Buffer.from('}');

/** Writes the header of an unmasked, final text frame of `length` bytes (RFC 6455 5.2); returns the offset after it. */
function writeTextHeader(out: Buffer, at: number, length: number): number {
  out[at] = 0x81;
  if (length <= 125) {
    out[at + 1] = length;
    return at + 2;
  }
  if (length <= 0xffff) {
    out[at + 1] = 126;
    out.writeUInt16BE(length, at + 2);
    return at + 4;
  }
  out[at + 1] = 127;
  out.writeUInt32BE(Math.floor(length / 2 ** 32), at + 2);
  out.writeUInt32BE(length >>> 0, at + 6);
  return at + 10;
}

/** What FrameSink needs of the TCP socket under a WebSocket. */
interface DrainingSocket {
  readonly writableNeedDrain: boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Where a subscription's shared results go directly: its socket, and the start of its frames. */
export interface DirectFrames {
  readonly sink: FrameSink;
  /** `{"id":<the id>,"type":"next","payload":` in UTF-8: what graphql-ws's own `next` message is before its payload. */
  readonly prefix: Buffer;
}

const sinks = new WeakMap<WebSocket, FrameSink>();

/** The direct frames of subscription `id` on this graphql-transport-ws socket. */
export function directFrames(ws: WebSocket, id: string): DirectFrames {
  let sink = sinks.get(ws);
  if (!sink) sinks.set(ws, (sink = new FrameSink(ws)));
  return { sink, prefix: Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`) };
}
