/**
 * A subscriber that stops reading is ended with SUBSCRIBER_TOO_SLOW once its
 * bounded queue overflows; another subscriber of the same user keeps getting
 * every event, and the gateway's memory for the slow one stays bounded.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AGENT1, startStack, subscribe, untilSubscribed, type Stack } from '../support/stack.js';
import { publishFlood } from '../support/events.js';

let stack: Stack;
beforeAll(async () => {
  // 25 events of 64 KB arrive in one CometD reply: above the default reply bound of 1 MB.
  stack = await startStack({ env: { SUBSCRIBER_QUEUE_MAX: '50', EVENT_PAIRING_WINDOW_MS: '0', UPSTREAM_MAX_RESPONSE_BYTES: '33554432' } });
});
afterAll(async () => {
  await stack.stop();
});

const QUERY = 'subscription { outboundRecordEvents { referenceId record { campaignName } } }';

/** A raw graphql-transport-ws client whose TCP reading we can pause. */
async function rawSubscriber(url: string): Promise<{ socket: WebSocket; messages: { type: string; payload?: unknown }[] }> {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const messages: { type: string; payload?: unknown }[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: AGENT1 } }));
    });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
      messages.push(message);
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY } }));
        resolve();
      }
    });
  });
  return { socket, messages };
}

it('ends only the slow subscriber, and the fast one gets every event', async () => {
  const slow = await rawSubscriber(stack.gateway.wsUrl);
  const fast = subscribe<{ outboundRecordEvents: { referenceId: string } }>(stack.wsClient(AGENT1), QUERY);
  await untilSubscribed(stack, AGENT1, 2);
  // Stop reading: the kernel buffers fill, then the gateway's queue for this subscriber.
  (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();

  const expected = await publishFlood(stack, (count, ms) => fast.waitFor(count, ms));
  expect(fast.results.map((r) => r.data?.outboundRecordEvents.referenceId)).toEqual(expected);
  // Only the fast subscriber is left on the user's stream.
  const user = stack.gateway.services.sessions.peek(AGENT1)!;
  expect(user.eventStreamStatus().subscribers).toBe(1);

  // Read again: the slow one learns why it was ended, then completes.
  (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
  const deadline = Date.now() + 10_000;
  while (!slow.messages.some((m) => m.type === 'complete') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const nexts = slow.messages.filter((m) => m.type === 'next');
  expect(nexts.length).toBeLessThan(expected.length);
  const last = nexts.at(-1)!.payload as { errors?: { extensions?: { code?: string } }[] };
  expect(last.errors?.[0]?.extensions?.code).toBe('SUBSCRIBER_TOO_SLOW');
  expect(slow.messages.at(-1)!.type).toBe('complete');
  slow.socket.close();
  fast.unsubscribe();
});

it('a subscriber that stops reading for a while and reads again before its queue overflows gets every event, in order', async () => {
  const paused = await rawSubscriber(stack.gateway.wsUrl);
  const fast = subscribe<{ outboundRecordEvents: { referenceId: string } }>(stack.wsClient(AGENT1), QUERY);
  await untilSubscribed(stack, AGENT1, 2);
  const tcp = (paused.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  tcp.pause();
  // 45 events of 1 MB (below the queue bound of 50): more than the kernel buffers of a loopback socket take (up to
  // about 36 MB here), so the gateway stops taking this subscriber's events until the socket drains.
  const big = 'D'.repeat(1024 * 1024);
  const total = 45;
  for (let i = 0; i < total; i += 5) {
    for (let j = i; j < i + 5; j++) {
      stack.simulator.publish('agent1', '/v2/me/outbound', {
        notificationType: 'RecordRejectAcknowledge',
        messageType: 'OutboundRecordMessage',
        referenceId: `pause-${j}`,
        record: { recordHandle: 1, campaignName: big },
      });
    }
    await fast.waitFor(i + 5, 20_000);
  }
  tcp.resume();
  const deadline = Date.now() + 20_000;
  while (paused.messages.filter((m) => m.type === 'next').length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const refs = paused.messages
    .filter((m) => m.type === 'next')
    .map((m) => (m.payload as { data?: { outboundRecordEvents?: { referenceId?: string } } }).data?.outboundRecordEvents?.referenceId);
  expect(refs).toEqual(Array.from({ length: total }, (_, i) => `pause-${i}`));
  paused.socket.close();
  fast.unsubscribe();
});
