/**
 * The shared fan-out (src/fanout/), end to end over graphql-ws: simulator
 * (real Bayeux) -> the user's CometD session -> the event log -> many
 * subscribers. One execution per event per (user, document, variables);
 * every subscriber of such a group receives the same payload; other
 * variables, other documents and other users are never mixed in; a resuming
 * subscriber joins at its own position without duplicates or gaps.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AGENT1, AGENT2, startStack, subscribe, until, untilNoSubscribers, untilSubscribed, type Stack } from '../support/stack.js';
import { apolloMultipartClient, legacyWsClient, sseClient } from '../integration/sse-multipart-legacy-clients.js';

const FULL = `subscription Full($filter: OutboundRecordEventFilter) {
  outboundRecordEvents(filter: $filter) { cursor notificationType referenceId record { recordHandle campaignName } } }`;
const NARROW = 'subscription Narrow { outboundRecordEvents { referenceId } }';
const RESUME = `subscription Resume($after: String) { outboundRecordEvents(after: $after) { cursor referenceId } }`;

type FullResult = { outboundRecordEvents: { cursor: string; notificationType: string; referenceId: string; record: Record<string, unknown> } };

let stack: Stack;
beforeAll(async () => {
  // Events published without a partner go out at once instead of after the pairing window.
  stack = await startStack({ env: { EVENT_PAIRING_WINDOW_MS: '0' } });
});
afterAll(() => stack.stop());
afterEach(() => untilNoSubscribers(stack));

const publish = (user: string, referenceId: string): void =>
  stack.simulator.publish(user, '/v2/me/outbound', {
    notificationType: 'RecordProcessedAcknowledge',
    messageType: 'OutboundRecordMessage',
    referenceId,
    record: { recordHandle: 6, campaignName: 'Campaign1' },
  });

const stats = () => stack.gateway.services.fanout.stats();

describe('one execution per event for a user\'s subscribers of one operation', () => {
  it('40 subscribers of one user on 4 sockets: one execution per event, and every subscriber gets the identical payload', async () => {
    const clients = [0, 1, 2, 3].map(() => stack.wsClient(AGENT1));
    const subs = Array.from({ length: 40 }, (_, i) => subscribe<FullResult>(clients[i % 4]!, FULL));
    await untilSubscribed(stack, AGENT1, 40);
    expect(stats().groups).toBe(1);
    const before = stats();
    publish('agent1', 'share-1');
    publish('agent1', 'share-2');
    for (const sub of subs) await sub.waitFor(2);
    const after = stats();
    expect(after.executions - before.executions).toBe(2);
    expect(after.reused - before.reused).toBe(78);
    const first = JSON.stringify(subs[0]!.results);
    expect(subs[0]!.results.map((r) => r.data!.outboundRecordEvents.referenceId)).toEqual(['share-1', 'share-2']);
    for (const sub of subs) expect(JSON.stringify(sub.results)).toBe(first);
    subs.forEach((s) => s.unsubscribe());
    await until(() => stats().groups === 0, 'the group to go with its last subscriber');
  });

  it('the frames on the wire are whole graphql-transport-ws messages, each with its own id around the shared payload', async () => {
    const socket = new WebSocket(stack.gateway.wsUrl, 'graphql-transport-ws');
    const frames: string[] = [];
    socket.on('message', (data) => frames.push(String(data)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: AGENT1 } }));
    await until(() => frames.length === 1, 'connection_ack');
    for (const id of ['a', 'b"quoted', 'c']) socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: FULL } }));
    await untilSubscribed(stack, AGENT1, 3);
    publish('agent1', 'wire-1');
    await until(() => frames.length === 4, 'three next frames');
    const nexts = frames.slice(1).map((f) => JSON.parse(f) as { id: string; type: string; payload: { data: FullResult } });
    expect(nexts.map((m) => m.id).sort()).toEqual(['a', 'b"quoted', 'c']);
    for (const m of nexts) {
      expect(m.type).toBe('next');
      expect(m.payload).toEqual(nexts[0]!.payload);
      expect(m.payload.data.outboundRecordEvents.referenceId).toBe('wire-1');
    }
    socket.close();
    await new Promise((resolve) => socket.once('close', resolve));
  });

  it('direct frames of every length class (up to 125 bytes, 16-bit and 64-bit lengths) arrive whole, in order, with the same payload graphql-ws would send', async () => {
    const socket = new WebSocket(stack.gateway.wsUrl, 'graphql-transport-ws');
    const frames: string[] = [];
    socket.on('message', (data, isBinary) => frames.push(isBinary ? 'binary!' : String(data)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: AGENT1 } }));
    await until(() => frames.length === 1, 'connection_ack');
    socket.send(JSON.stringify({ id: 'n', type: 'subscribe', payload: { query: NARROW } }));
    socket.send(JSON.stringify({ id: 'f', type: 'subscribe', payload: { query: FULL } }));
    await untilSubscribed(stack, AGENT1, 2);
    const sizes = [1, 100, 300, 70_000, 5];
    sizes.forEach((n, i) =>
      stack.simulator.publish('agent1', '/v2/me/outbound', {
        notificationType: 'RecordProcessedAcknowledge',
        messageType: 'OutboundRecordMessage',
        referenceId: `len-${i}-${'r'.repeat(n)}`,
        record: { recordHandle: 6, campaignName: 'Campaign1' },
      }),
    );
    await until(() => frames.length === 1 + 2 * sizes.length, 'two next frames per event', 10_000);
    const byId = (id: string) => frames.slice(1).map((f) => JSON.parse(f) as { id: string; type: string; payload: { data: Record<string, { referenceId: string }> } }).filter((m) => m.id === id);
    for (const id of ['n', 'f']) {
      const messages = byId(id);
      expect(messages.map((m) => m.type)).toEqual(sizes.map(() => 'next'));
      expect(messages.map((m) => m.payload.data['outboundRecordEvents']!.referenceId)).toEqual(sizes.map((n, i) => `len-${i}-${'r'.repeat(n)}`));
    }
    // The narrow document's frame is exactly what graphql-ws would have made of its result.
    expect(frames.slice(1).find((f) => f.startsWith('{"id":"n"'))).toBe(JSON.stringify({ id: 'n', type: 'next', payload: { data: { outboundRecordEvents: { referenceId: `len-0-r` } } } }));
    socket.close();
    await new Promise((resolve) => socket.once('close', resolve));
  });
});

describe('every transport shares the group', () => {
  it('graphql-ws, SSE and legacy graphql-ws subscribers of one user and one document: one execution per event, the same payload on each', async () => {
    const clients = [sseClient(stack, AGENT1), legacyWsClient(stack, AGENT1)];
    const others = clients.map((c) => c.subscribe<FullResult>(FULL));
    // Apollo Client adds __typename to the selections: another document, so a group of its own.
    const multipart = apolloMultipartClient(stack, AGENT1);
    const apollo = multipart.subscribe<FullResult>(FULL);
    const ws = subscribe<FullResult>(stack.wsClient(AGENT1), FULL);
    await untilSubscribed(stack, AGENT1, 4);
    expect(stats().groups).toBe(2);
    const before = stats();
    publish('agent1', 'transports-1');
    await ws.waitFor(1);
    for (const s of [...others, apollo]) await s.waitFor(1);
    expect(stats().executions - before.executions).toBe(2);
    expect(ws.results[0]!.data!.outboundRecordEvents.referenceId).toBe('transports-1');
    for (const s of others) expect(s.results[0]!.data).toEqual(ws.results[0]!.data);
    expect(apollo.results[0]!.data).toMatchObject(ws.results[0]!.data!);
    ws.unsubscribe();
    [...others, apollo].forEach((s) => s.unsubscribe());
    await Promise.all([...clients, multipart].map((c) => c.dispose()));
  });
});

describe('nothing is mixed', () => {
  it('other variables and other documents of the same user get their own execution and their own shape', async () => {
    const client = stack.wsClient(AGENT1);
    const all = [0, 1, 2].map(() => subscribe<FullResult>(client, FULL));
    const onlyTwo = [0, 1].map(() => subscribe<FullResult>(client, FULL, { filter: { referenceId: 'mix-2' } }));
    const narrow = [0, 1].map(() => subscribe<{ outboundRecordEvents: Record<string, unknown> }>(client, NARROW));
    await untilSubscribed(stack, AGENT1, 7);
    expect(stats().groups).toBe(3);
    const before = stats();
    publish('agent1', 'mix-1');
    publish('agent1', 'mix-2');
    for (const s of [...all, ...narrow]) await s.waitFor(2);
    for (const s of onlyTwo) await s.waitFor(1);
    // mix-1: the full and the narrow document; mix-2: all three groups (the filter is checked before executing).
    expect(stats().executions - before.executions).toBe(5);
    for (const s of all) expect(s.results.map((r) => r.data!.outboundRecordEvents.referenceId)).toEqual(['mix-1', 'mix-2']);
    for (const s of onlyTwo) expect(s.results.map((r) => r.data!.outboundRecordEvents.referenceId)).toEqual(['mix-2']);
    for (const s of narrow) expect(s.results.map((r) => r.data!.outboundRecordEvents)).toEqual([{ referenceId: 'mix-1' }, { referenceId: 'mix-2' }]);
    [...all, ...onlyTwo, ...narrow].forEach((s) => s.unsubscribe());
  });

  it('two users with the identical document: separate groups, and each user\'s subscribers see only that user\'s events', async () => {
    const one = [0, 1, 2].map(() => subscribe<FullResult>(stack.wsClient(AGENT1), FULL));
    const two = [0, 1, 2].map(() => subscribe<FullResult>(stack.wsClient(AGENT2), FULL));
    await untilSubscribed(stack, AGENT1, 3);
    await untilSubscribed(stack, AGENT2, 3);
    expect(stats().groups).toBe(2);
    publish('agent1', 'user-1a');
    publish('agent2', 'user-2a');
    publish('agent1', 'user-1b');
    publish('agent2', 'user-2b');
    for (const s of [...one, ...two]) await s.waitFor(2);
    // A last marker to each, so that anything misrouted would have arrived before it.
    publish('agent1', 'end-1');
    publish('agent2', 'end-2');
    for (const s of [...one, ...two]) await s.waitFor(3);
    for (const s of one) expect(s.results.map((r) => r.data!.outboundRecordEvents.referenceId)).toEqual(['user-1a', 'user-1b', 'end-1']);
    for (const s of two) expect(s.results.map((r) => r.data!.outboundRecordEvents.referenceId)).toEqual(['user-2a', 'user-2b', 'end-2']);
    [...one, ...two].forEach((s) => s.unsubscribe());
  });
});

describe('per-subscriber semantics stay', () => {
  it('a subscriber resuming with `after` replays on its own and joins the shared live stream without duplicates or gaps', async () => {
    type R = { outboundRecordEvents: { cursor: string; referenceId: string } };
    const client = stack.wsClient(AGENT1);
    const live = [0, 1, 2].map(() => subscribe<R>(client, RESUME));
    await untilSubscribed(stack, AGENT1, 3);
    publish('agent1', 'seam-0');
    await live[0]!.waitFor(1);
    const cursor = live[0]!.results[0]!.data!.outboundRecordEvents.cursor;
    publish('agent1', 'seam-1');
    publish('agent1', 'seam-2');
    for (const s of live) await s.waitFor(3);
    // Resumes after seam-0 while the live ones go on; events keep coming during its replay.
    const resumed = subscribe<R>(client, RESUME, { after: cursor });
    publish('agent1', 'seam-3');
    await untilSubscribed(stack, AGENT1, 4);
    publish('agent1', 'seam-4');
    await resumed.waitFor(4);
    for (const s of live) await s.waitFor(5);
    const refs = (s: typeof resumed) => s.results.map((r) => r.data!.outboundRecordEvents.referenceId);
    expect(refs(resumed)).toEqual(['seam-1', 'seam-2', 'seam-3', 'seam-4']);
    for (const s of live) expect(refs(s)).toEqual(['seam-0', 'seam-1', 'seam-2', 'seam-3', 'seam-4']);
    // The resumer's results are the shared ones where it reached the same events.
    expect(resumed.results.at(-1)).toEqual(live[0]!.results.at(-1));
    [...live, resumed].forEach((s) => s.unsubscribe());
  });
});
