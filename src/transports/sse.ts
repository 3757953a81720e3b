/**
 * Server-sent events, the graphql-sse protocol in its distinct-connections
 * mode (one request, one operation, one event stream): `event: next` with
 * each execution result as `data`, `event: complete` at the end, and a
 * comment line as keep-alive. The client (graphql-sse's createClient, or a
 * browser EventSource on GET) sends `Accept: text/event-stream`.
 */
import type { StreamFraming } from './stream-framing.js';

export const sseFraming: StreamFraming = {
  transport: 'sse',
  contentType: 'text/event-stream; charset=utf-8',
  // Proxies must neither buffer nor compress an event stream.
  headers: { 'cache-control': 'no-cache', 'x-accel-buffering': 'no', 'content-encoding': 'none' },
  start: () => ':\n\n',
  result: (result) => sseFraming.resultJson(JSON.stringify(result)),
  resultJson: (json) => `event: next\ndata: ${json}\n\n`,
  complete: () => 'event: complete\ndata:\n\n',
  // The protocol has no error event: the errors as a last result, then complete.
  fatal: (errors) => `event: next\ndata: ${JSON.stringify({ errors })}\n\nevent: complete\ndata:\n\n`,
  keepAlive: () => ':\n\n',
};
