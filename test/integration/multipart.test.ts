/**
 * Multipart HTTP subscriptions (Apollo's protocol) with Apollo Client's own
 * HttpLink in Node, unchanged, and a raw multipart reader (meros) for the
 * framing: boundary `graphql`, JSON parts `{"payload": ...}`, `{}`
 * heartbeats at the configured interval, the closing boundary, the fatal
 * form `{"payload": null, "errors": [...]}`.
 */
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { parse } from 'graphql';
import { meros } from 'meros/browser';
import { describe, expect, it } from 'vitest';
import { AGENT1, untilNoSubscribers, untilSubscribed } from '../support/stack.js';
import { describeSlowHttpReader, describeTransportCases } from './sse-multipart-legacy-cases.js';
import { apolloMultipartClient, collector, errorCodesOf, rawStream } from './sse-multipart-legacy-clients.js';

const HEARTBEAT_MS = 200;
const { stack } = describeTransportCases('multipart (Apollo Client HttpLink)', apolloMultipartClient, {
  HTTP_MULTIPART_HEARTBEAT_MS: String(HEARTBEAT_MS),
  HTTP_MAX_STREAMS_PER_CREDENTIAL: '2',
});

/** What Apollo Client 4's HttpLink sends for a subscription. */
const ACCEPT = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json';
const SUB = 'subscription { outboundRecordEvents { referenceId } }';

/** Every JSON part of a multipart body, in order (parsed with the raw text's own CRLF framing). */
function partsOf(body: string): unknown[] {
  return body
    .split('\r\n--graphql')
    .slice(1)
    .filter((p) => p.startsWith('\r\n'))
    .map((p) => JSON.parse(p.slice(p.indexOf('\r\n\r\n') + 4)) as unknown);
}

describe('multipart on the wire (meros)', () => {
  it('parts are application/json with {"payload": ...}; heartbeats {} at the configured interval while idle', async () => {
    const controller = new AbortController();
    const response = await fetch(stack().gateway.url, {
      method: 'POST',
      signal: controller.signal,
      headers: { accept: ACCEPT, 'content-type': 'application/json', authorization: AGENT1 },
      body: JSON.stringify({ query: SUB }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('multipart/mixed;boundary="graphql";subscriptionSpec="1.0"');
    const parts = await meros<Record<string, unknown>>(response);
    if (parts instanceof Response) throw new Error('not a multipart response');
    const seen: { headers: Record<string, string>; body: unknown; at: number }[] = [];
    let published = false;
    for await (const part of parts) {
      seen.push({ headers: part.headers, body: part.body, at: Date.now() });
      expect(part.json).toBe(true);
      expect(part.headers['content-type']).toBe('application/json; charset=utf-8');
      if (!published && seen.length >= 3) {
        published = true;
        await untilSubscribed(stack(), AGENT1);
        stack().simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'RecordRejectAcknowledge', messageType: 'OutboundRecordMessage', referenceId: 'mp-1', record: { recordHandle: 1 } });
      }
      if (JSON.stringify(part.body).includes('mp-1')) break;
    }
    controller.abort();
    const heartbeats = seen.filter((p) => JSON.stringify(p.body) === '{}');
    expect(heartbeats.length).toBeGreaterThanOrEqual(3);
    // At the interval, give or take the machine's load: never two in one interval's first half.
    for (let i = 1; i < heartbeats.length; i++) expect(heartbeats[i]!.at - heartbeats[i - 1]!.at).toBeGreaterThanOrEqual(HEARTBEAT_MS / 2);
    expect(seen.at(-1)!.body).toEqual({ payload: { data: { outboundRecordEvents: { referenceId: 'mp-1' } } } });
    await untilNoSubscribers(stack());
  });

  it('/metrics counts open streams and subscriptions by transport', async () => {
    const stream = await rawStream(stack().gateway.url, { accept: ACCEPT, body: { query: SUB }, authorization: AGENT1 });
    const sse = await rawStream(stack().gateway.url, { accept: 'text/event-stream', body: { query: SUB }, authorization: AGENT1 });
    await untilSubscribed(stack(), AGENT1, 2);
    const text = await (await fetch(stack().gateway.url.replace('/graphql', '/metrics'))).text();
    expect(text).toContain('gateway_transport_connections{transport="multipart"} 1');
    expect(text).toContain('gateway_transport_subscriptions{transport="multipart"} 1');
    expect(text).toContain('gateway_transport_connections{transport="sse"} 1');
    expect(text).toContain('gateway_transport_subscriptions{transport="sse"} 1');
    stream.abort();
    sse.abort();
    await untilNoSubscribers(stack());
  });

  it('a query: one payload part, then the closing boundary', async () => {
    const stream = await rawStream(stack().gateway.url, { accept: ACCEPT, body: { query: '{ eventStream { state } }' }, authorization: AGENT1 });
    const body = await stream.ended;
    expect(body.startsWith('\r\n--graphql\r\ncontent-type: application/json; charset=utf-8\r\n\r\n')).toBe(true);
    expect(body.endsWith('\r\n--graphql--\r\n')).toBe(true);
    expect(partsOf(body)).toEqual([{ payload: { data: { eventStream: { state: expect.any(String) } } } }]);
  });

  it('refused before it ran (over HTTP_MAX_STREAMS_PER_CREDENTIAL): the fatal form {"payload": null, "errors": [...]}, then the closing boundary', async () => {
    const open = await Promise.all([1, 2].map(() => rawStream(stack().gateway.url, { accept: ACCEPT, body: { query: SUB }, authorization: AGENT1 })));
    await untilSubscribed(stack(), AGENT1, 2);
    const refused = await rawStream(stack().gateway.url, { accept: ACCEPT, body: { query: SUB }, authorization: AGENT1 });
    const body = await refused.ended;
    expect(body.endsWith('\r\n--graphql--\r\n')).toBe(true);
    expect(partsOf(body)).toEqual([{ payload: null, errors: [expect.objectContaining({ extensions: { code: 'RATE_LIMITED' } })] }]);

    // Apollo Client reports it as an error with the code.
    const client = apolloMultipartClient(stack(), AGENT1);
    const sub = client.subscribe(SUB);
    expect(await errorCodesOf(sub)).toContain('RATE_LIMITED');
    await client.dispose();
    for (const s of open) s.abort();
    await untilNoSubscribers(stack());
  });

  it("Apollo Client's PersistedQueryLink: sends the hash, gets PERSISTED_QUERY_NOT_FOUND, sends the document, then runs by hash", async () => {
    const bodies: unknown[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      return fetch(input, init);
    };
    const client = new ApolloClient({
      link: new PersistedQueryLink({ sha256: (q: string) => createHash('sha256').update(q).digest('hex') }).concat(
        new HttpLink({ uri: stack().gateway.url, headers: { authorization: AGENT1 }, fetch: recordingFetch }),
      ),
      cache: new InMemoryCache(),
      devtools: { enabled: false },
    });
    const query = parse('subscription Apq { outboundRecordEvents(filter: { referenceId: "apq-1" }) { referenceId } }');
    for (const round of [1, 2]) {
      const { sink, collected } = collector<{ outboundRecordEvents: { referenceId: string } }>();
      const sub = client.subscribe<{ outboundRecordEvents: { referenceId: string } }>({ query, fetchPolicy: 'no-cache' }).subscribe({
        next: (r) => sink.next({ data: r.data ?? null }),
        error: sink.error,
        complete: sink.complete,
      });
      await untilSubscribed(stack(), AGENT1);
      stack().simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'RecordRejectAcknowledge', messageType: 'OutboundRecordMessage', referenceId: 'apq-1', record: { recordHandle: 1 } });
      expect((await collected.waitFor(1))[0]!.data).toEqual({ outboundRecordEvents: { __typename: 'OutboundRecordEvent', referenceId: 'apq-1' } });
      sub.unsubscribe();
      await untilNoSubscribers(stack());
      expect(round === 1 ? bodies.length : bodies.length - 2).toBe(round === 1 ? 2 : 1);
    }
    const [hashOnly, withDocument, byHash] = bodies as { query?: string }[];
    expect(hashOnly!.query).toBeUndefined();
    expect(withDocument!.query).toContain('subscription Apq');
    expect(byHash!.query).toBeUndefined();
    client.stop();
  });
});

describe('multipart: a slow reader', () => {
  describeSlowHttpReader('multipart', ACCEPT, apolloMultipartClient, (body) => {
    const last = partsOf(body).filter((p) => JSON.stringify(p) !== '{}').at(-1) as { payload?: { errors?: { extensions?: { code?: string } }[] } } | undefined;
    return last?.payload;
  });
});
