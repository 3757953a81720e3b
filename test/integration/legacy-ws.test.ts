/**
 * The legacy WebSocket subprotocol `graphql-ws` (subscriptions-transport-ws)
 * on the same URL, with that package's own client, and what a raw socket
 * sees: the subprotocol chosen by Sec-WebSocket-Protocol (graphql-transport-ws
 * stays the default), connection_ack then `ka`, a `start` sent before the
 * acknowledgement is served, the per-connection operation limit, stop,
 * connection_terminate, a slow reader ended with SUBSCRIBER_TOO_SLOW, 1001 on shutdown.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AGENT1, startStack, untilNoSubscribers, untilSubscribed, type Stack } from '../support/stack.js';
import { describeTransportCases } from './sse-multipart-legacy-cases.js';
import { legacyWsClient } from './sse-multipart-legacy-clients.js';

const { stack } = describeTransportCases('legacy graphql-ws (subscriptions-transport-ws client)', legacyWsClient, {
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
  WS_KEEPALIVE_MS: '300',
});

const SUB = 'subscription { outboundRecordEvents { referenceId } }';

interface Message {
  type: string;
  id?: string;
  payload?: { data?: unknown; errors?: { extensions?: { code?: string } }[] } & { extensions?: { code?: string } }[];
}

/** A raw socket that records every message. */
async function rawSocket(url: string, protocols: string[]) {
  const socket = new WebSocket(url, protocols);
  const messages: Message[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Message);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number }>((resolve) => socket.once('close', (code) => resolve({ code })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const until = (predicate: (m: Message[]) => boolean, timeoutMs = 5_000): Promise<Message[]> =>
    predicate(messages)
      ? Promise.resolve(messages)
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`not seen in ${JSON.stringify(messages)}`)), timeoutMs);
          const waiter = (): void => {
            if (!predicate(messages)) return;
            clearTimeout(timer);
            waiters.splice(waiters.indexOf(waiter), 1);
            resolve(messages);
          };
          waiters.push(waiter);
        });
  const send = (message: unknown): void => socket.send(JSON.stringify(message));
  return { socket, messages, until, send, closed };
}

describe('legacy graphql-ws on the wire', () => {
  it('the subprotocol follows Sec-WebSocket-Protocol: graphql-transport-ws when offered (the default), graphql-ws when it is the only one', async () => {
    const both = await rawSocket(stack().gateway.wsUrl, ['graphql-ws', 'graphql-transport-ws']);
    expect(both.socket.protocol).toBe('graphql-transport-ws');
    both.socket.close();
    const legacy = await rawSocket(stack().gateway.wsUrl, ['graphql-ws']);
    expect(legacy.socket.protocol).toBe('graphql-ws');
    legacy.socket.close();
    const modern = await rawSocket(stack().gateway.wsUrl, ['graphql-transport-ws']);
    expect(modern.socket.protocol).toBe('graphql-transport-ws');
    modern.socket.close();
  });

  it('connection_ack then ka (and ka again at the interval); a start sent before the ack is served; stop ends it on the server', async () => {
    const c = await rawSocket(stack().gateway.wsUrl, ['graphql-ws']);
    c.send({ type: 'connection_init', payload: { authorization: AGENT1 } });
    c.send({ type: 'start', id: '1', payload: { query: SUB } });
    await c.until((m) => m.filter((x) => x.type === 'ka').length >= 2, 5_000);
    expect(c.messages[0]).toEqual({ type: 'connection_ack' });
    expect(c.messages[1]).toEqual({ type: 'ka' });
    await untilSubscribed(stack(), AGENT1);
    stack().simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'RecordRejectAcknowledge', messageType: 'OutboundRecordMessage', referenceId: 'legacy-1', record: { recordHandle: 1 } });
    const [data] = (await c.until((m) => m.some((x) => x.type === 'data'))).filter((x) => x.type === 'data');
    expect(data).toEqual({ type: 'data', id: '1', payload: { data: { outboundRecordEvents: { referenceId: 'legacy-1' } } } });
    c.send({ type: 'stop', id: '1' });
    await untilNoSubscribers(stack());
    c.send({ type: 'connection_terminate' });
    expect((await c.closed).code).toBe(1000);
  });

  it('more operations than WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: an error message with RATE_LIMITED, the others go on', async () => {
    const c = await rawSocket(stack().gateway.wsUrl, ['graphql-ws']);
    c.send({ type: 'connection_init', payload: { authorization: AGENT1 } });
    for (const id of ['1', '2', '3']) c.send({ type: 'start', id, payload: { query: SUB } });
    const messages = await c.until((m) => m.some((x) => x.type === 'error'));
    const error = messages.find((x) => x.type === 'error')!;
    expect(error.id).toBe('3');
    expect(error.payload?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    await untilSubscribed(stack(), AGENT1, 2);
    c.socket.close();
    await untilNoSubscribers(stack());
  });

  it('persisted queries by hash (a start with an empty query): PERSISTED_QUERY_NOT_FOUND, then registered with the document', async () => {
    const query = 'query LegacyPQ { eventStream { state } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const c = await rawSocket(stack().gateway.wsUrl, ['graphql-ws']);
    c.send({ type: 'connection_init', payload: { authorization: AGENT1 } });
    c.send({ type: 'start', id: '1', payload: { query: '', extensions } });
    const [error] = (await c.until((m) => m.some((x) => x.id === '1' && x.type === 'error'))).filter((x) => x.id === '1');
    expect(error!.payload?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    c.send({ type: 'start', id: '2', payload: { query, extensions } });
    c.send({ type: 'start', id: '3', payload: { query: '', extensions } });
    const messages = await c.until((m) => m.some((x) => x.id === '3' && x.type === 'complete'));
    expect(messages.find((x) => x.id === '3' && x.type === 'data')!.payload?.data).toEqual({ eventStream: { state: expect.any(String) } });
    c.socket.close();
  });

  it('a frame over MAX_BODY_BYTES: that socket is closed with 1009, and the gateway goes on serving', async () => {
    const c = await rawSocket(stack().gateway.wsUrl, ['graphql-ws']);
    c.send({ type: 'connection_init', payload: { authorization: AGENT1, pad: 'x'.repeat(200 * 1024) } });
    expect((await c.closed).code).toBe(1009);
    const next = await rawSocket(stack().gateway.wsUrl, ['graphql-ws']);
    next.send({ type: 'connection_init', payload: { authorization: AGENT1 } });
    await next.until((m) => m.some((x) => x.type === 'connection_ack'));
    next.socket.close();
  });

  it('no connection_init in time: closed with 4408, as graphql-transport-ws', async () => {
    const c = await rawSocket(stack().gateway.wsUrl, ['graphql-ws']);
    expect((await c.closed).code).toBe(4408);
  });

  it('/metrics counts legacy connections and subscriptions apart', async () => {
    const c = await rawSocket(stack().gateway.wsUrl, ['graphql-ws']);
    c.send({ type: 'connection_init', payload: { authorization: AGENT1 } });
    c.send({ type: 'start', id: '1', payload: { query: SUB } });
    await untilSubscribed(stack(), AGENT1);
    const text = await (await fetch(stack().gateway.url.replace('/graphql', '/metrics'))).text();
    expect(text).toContain('gateway_transport_connections{transport="graphql-ws"} 1');
    expect(text).toContain('gateway_transport_subscriptions{transport="graphql-ws"} 1');
    expect(text).toContain('gateway_transport_subscriptions{transport="graphql-transport-ws"} 0');
    c.socket.close();
    await untilNoSubscribers(stack());
  });
});

describe('legacy graphql-ws: a slow reader, and shutdown', () => {
  let own: Stack;
  beforeAll(async () => {
    // Bursts of 64 KB events arrive in one CometD reply: above the default reply bound of 1 MB.
    own = await startStack({ env: { SUBSCRIBER_QUEUE_MAX: '50', EVENT_PAIRING_WINDOW_MS: '0', UPSTREAM_MAX_RESPONSE_BYTES: '33554432' } });
  });
  afterAll(() => own.stop());

  it('a reader that stops reading is ended with SUBSCRIBER_TOO_SLOW, then complete', async () => {
    const c = await rawSocket(own.gateway.wsUrl, ['graphql-ws']);
    c.send({ type: 'connection_init', payload: { authorization: AGENT1 } });
    c.send({ type: 'start', id: '1', payload: { query: 'subscription { outboundRecordEvents { referenceId record { campaignName } } }' } });
    await untilSubscribed(own, AGENT1);
    (c.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = 'C'.repeat(64 * 1024);
    for (let j = 0; j < 400; j++) {
      own.simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'RecordRejectAcknowledge', messageType: 'OutboundRecordMessage', referenceId: `flood-${j}`, record: { recordHandle: 1, campaignName: big } });
      if (j % 25 === 24) await new Promise((r) => setTimeout(r, 20));
    }
    await untilNoSubscribers(own, 10_000);
    (c.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    const messages = await c.until((m) => m.some((x) => x.type === 'complete'), 10_000);
    const data = messages.filter((x) => x.type === 'data');
    expect(data.length).toBeLessThan(400);
    expect(data.at(-1)!.payload?.errors?.[0]?.extensions?.code).toBe('SUBSCRIBER_TOO_SLOW');
    c.socket.close();
  });

  it('shutdown closes legacy sockets with 1001', async () => {
    const c = await rawSocket(own.gateway.wsUrl, ['graphql-ws']);
    c.send({ type: 'connection_init', payload: { authorization: AGENT1 } });
    c.send({ type: 'start', id: '1', payload: { query: SUB } });
    await untilSubscribed(own, AGENT1);
    await own.gateway.stop();
    expect((await c.closed).code).toBe(1001);
  });
});
