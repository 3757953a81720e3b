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
