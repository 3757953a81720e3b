/** The Accept header decides the stream transport; anything else stays with Apollo Server. */
import { describe, expect, it } from 'vitest';
import { streamTransportOf } from '../../src/transports/accept.js';

describe('streamTransportOf', () => {
  it.each([
    ['text/event-stream', 'sse'],
    ['text/event-stream; charset=utf-8', 'sse'],
    ['multipart/mixed;subscriptionSpec="1.0", application/json', 'multipart'],
    ['multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json', 'multipart'],
    ['multipart/mixed; subscriptionSpec="1.0"', 'multipart'],
    ['application/json;q=0.9, text/event-stream', 'sse'],
  ])('%s → %s', (accept, transport) => {
    expect(streamTransportOf(accept)).toBe(transport);
  });

  it.each([
    [undefined],
    ['application/json'],
    ['application/graphql-response+json, application/json;q=0.9'],
    ['multipart/mixed;deferSpec=20220824, application/json'],
    ['text/event-stream;q=0, application/json'],
    ['*/*'],
    ['text/html'],
  ])('%s → Apollo Server', (accept) => {
    expect(streamTransportOf(accept)).toBeUndefined();
  });
});
