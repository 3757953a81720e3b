/**
 * Multipart HTTP subscriptions, the protocol Apollo Client, Apollo Kotlin and
 * Apollo iOS speak (Apollo Router's "multipart protocol for GraphQL
 * subscriptions"): the client sends `Accept: multipart/mixed;subscriptionSpec="1.0"`;
 * the response is `multipart/mixed` with boundary `graphql`, each part
 * `Content-Type: application/json; charset=utf-8` holding
 * `{"payload": <execution result>}`, a heartbeat part `{}` while idle, and
 * the closing boundary `--graphql--` at the end. An error that ends the
 * stream is `{"payload": null, "errors": [...]}`.
 */
import type { StreamFraming } from './stream-framing.js';

const BOUNDARY = 'graphql';
const PART_HEAD = '\r\ncontent-type: application/json; charset=utf-8\r\n\r\n';

/** One part and the delimiter after it: every part ends with `\r\n--graphql`, so the stream always sits on a boundary. */
const part = (json: string): string => `${PART_HEAD}${json}\r\n--${BOUNDARY}`;

export const multipartFraming: StreamFraming = {
  transport: 'multipart',
  contentType: `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`,
  headers: { 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
  // The first delimiter: clients look for CRLF "--graphql" before the first part.
  start: () => `\r\n--${BOUNDARY}`,
  result: (result) => part(JSON.stringify({ payload: result })),
  resultJson: (json) => part(`{"payload":${json}}`),
  complete: () => '--\r\n',
  keepAlive: () => part('{}'),
  // A transport-level error that ends the stream: `{"payload": null, "errors": [...]}`, then the closing boundary.
  fatal: (errors) => `${part(JSON.stringify({ payload: null, errors }))}--\r\n`,
};
