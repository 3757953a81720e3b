/**
 * Server-sent events (graphql-sse protocol, distinct connections) with
 * graphql-sse's own client, and what a raw reader sees on the wire: the
 * keep-alive comment, GET with the parameters in the query string, no
 * mutation over GET, the per-credential bound on open streams, the body limit.
 */
import { describe, expect, it } from 'vitest';
import { AGENT1, untilNoSubscribers, untilSubscribed } from '../support/stack.js';
import { describeSlowHttpReader, describeTransportCases } from './sse-multipart-legacy-cases.js';
import { rawStream, sseClient } from './sse-multipart-legacy-clients.js';

const KEEPALIVE_MS = 200;
const { stack } = describeTransportCases('SSE (graphql-sse client)', sseClient, {
  HTTP_SSE_KEEPALIVE_MS: String(KEEPALIVE_MS),
  HTTP_MAX_STREAMS_PER_CREDENTIAL: '3',
});

const ACCEPT = 'text/event-stream';
const SUB = 'subscription { outboundRecordEvents { referenceId } }';

/** The data of each `event: next` of an SSE body. */
function nextEvents(body: string): { data?: unknown; errors?: { extensions?: { code?: string } }[] }[] {
  return body
    .split('\n\n')
    .filter((block) => block.startsWith('event: next\n'))
    .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 'data: '.length)) as { errors?: { extensions?: { code?: string } }[] });
}

describe('SSE on the wire', () => {
  it('sends the text/event-stream head at once, then a keep-alive comment at the configured interval', async () => {
    const stream = await rawStream(stack().gateway.url, { accept: ACCEPT, body: { query: SUB }, authorization: AGENT1 });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-cache');
    const started = Date.now();
    await stream.until((t) => t.split(':\n\n').length - 1 >= 3, 5_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(KEEPALIVE_MS); // the first comment is the head's, the rest keep-alives
    stream.abort();
    await untilNoSubscribers(stack());
  });

  it('GET with the parameters in the query string: a subscription that gets the event, then a clean end', async () => {
    const url = new URL(stack().gateway.url);
    url.searchParams.set('query', 'subscription Live($filter: OutboundRecordEventFilter) { outboundRecordEvents(filter: $filter) { referenceId notificationType } }');
    url.searchParams.set('variables', JSON.stringify({ filter: { referenceId: 'sse-get-1' } }));
    url.searchParams.set('operationName', 'Live');
    const stream = await rawStream(url.href, { accept: ACCEPT, method: 'GET', authorization: AGENT1 });
    expect(stream.status).toBe(200);
    await untilSubscribed(stack(), AGENT1);
    stack().simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'RecordRejectAcknowledge', messageType: 'OutboundRecordMessage', referenceId: 'sse-get-1', record: { recordHandle: 1 } });
    await stream.until((t) => t.includes('sse-get-1'));
    expect(nextEvents(stream.text())).toEqual([{ data: { outboundRecordEvents: { referenceId: 'sse-get-1', notificationType: 'RECORD_REJECT_ACKNOWLEDGE' } } }]);
    stream.abort();
    await untilNoSubscribers(stack());

    const query = new URL(stack().gateway.url);
    query.searchParams.set('query', '{ eventStream { state } }');
    const done = await rawStream(query.href, { accept: ACCEPT, method: 'GET', authorization: AGENT1 });
    const body = await done.ended;
    expect(nextEvents(body)).toHaveLength(1);
    expect(body.endsWith('event: complete\ndata:\n\n')).toBe(true);
  });

  it('no mutation over GET (405), and nothing is sent upstream', async () => {
    const url = new URL(stack().gateway.url);
    url.searchParams.set('query', 'mutation { rejectRecord(recordHandle: 9, input: { applicationId: 134, campaignName: "Campaign1", callingList: "CallingList1", devicePath: "/devices/2b00393c-9ad3-418f-8b3d-a06cbe8af395" }) { statusCode } }');
    const before = stack().simulator.received.length;
    const response = await fetch(url, { headers: { accept: ACCEPT, authorization: AGENT1 } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(stack().simulator.received.length).toBe(before);
  });

  it('at most HTTP_MAX_STREAMS_PER_CREDENTIAL open streams per credential (RATE_LIMITED), another credential unaffected', async () => {
    const open = await Promise.all([1, 2, 3].map(() => rawStream(stack().gateway.url, { accept: ACCEPT, body: { query: SUB }, authorization: AGENT1 })));
    await untilSubscribed(stack(), AGENT1, 3);
    const refused = await rawStream(stack().gateway.url, { accept: ACCEPT, body: { query: SUB }, authorization: AGENT1 });
    const body = await refused.ended;
    expect(nextEvents(body)[0]?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    open[0]!.abort();
    const deadline = Date.now() + 5_000;
    for (;;) {
      const again = await rawStream(stack().gateway.url, { accept: ACCEPT, body: { query: '{ eventStream { state } }' }, authorization: AGENT1 });
      const text = await again.ended;
      if (!text.includes('RATE_LIMITED')) break;
      if (Date.now() > deadline) throw new Error('the closed stream did not free its slot');
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const s of open) s.abort();
    await untilNoSubscribers(stack());
  });

  it('a body over MAX_BODY_BYTES: 413 BAD_REQUEST, as over HTTP', async () => {
    const response = await fetch(stack().gateway.url, {
      method: 'POST',
      headers: { accept: ACCEPT, 'content-type': 'application/json', authorization: AGENT1 },
      body: JSON.stringify({ query: `{ ${'__typename '.repeat(10_000)}}` }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });
});

describe('SSE: a slow reader', () => {
  describeSlowHttpReader('SSE', ACCEPT, sseClient, (body) => nextEvents(body).at(-1));
});
