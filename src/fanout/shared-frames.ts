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
        ws.send = ((data: unknown, ...rest: unknown[]) =>
          (send as (...a: unknown[]) => void)(typeof data === 'string' ? expand(data) : data, ...rest)) as WebSocket['send'];
      });
    },
    expand,
  };
}

/**
 * A graphql-transport-ws socket that shared results are written to
 * directly: the subscriber's frame is its own prefix, the payload's JSON
 * and `}`, sent at once when the event is read, instead of going through
 * graphql-ws's per-message path (an awaited `onNext`, the result copied,
 * the message validated and stringified, a promise per send). graphql-ws
 * still sends everything else (errors, complete) and owns the subscription.
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

  /** Sends one text frame if the socket is open. */
  send(text: string): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(text);
  }
}

/** What FrameSink needs of the TCP socket under a WebSocket. */
interface DrainingSocket {
  readonly writableNeedDrain: boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Where a subscription's shared results go directly: its socket, and the start of its frames. */
export interface DirectFrames {
  readonly sink: FrameSink;
  /** `{"id":<the id>,"type":"next","payload":`: what graphql-ws's own `next` message is before its payload. */
  readonly prefix: string;
}

const sinks = new WeakMap<WebSocket, FrameSink>();

/** The direct frames of subscription `id` on this graphql-transport-ws socket. */
export function directFrames(ws: WebSocket, id: string): DirectFrames {
  let sink = sinks.get(ws);
  if (!sink) sinks.set(ws, (sink = new FrameSink(ws)));
  return { sink, prefix: `{"id":${JSON.stringify(id)},"type":"next","payload":` };
}
