/**
 * Resumable event streams end to end (simulator with its real Bayeux server,
 * the gateway, real graphql-ws clients over real sockets): a client that
 * reconnects with the cursor of the last event it received gets exactly what
 * it missed, in order, then live; what the gateway cannot vouch for ends with
 * CURSOR_EXPIRED; what is not a cursor is BAD_USER_INPUT.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventLogEntry } from '../../src/events/event-log.js';
import { operationByName } from '../../src/operations/record-operations.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import { AGENT1, AGENT2, startStack, subscribe, until, untilNoSubscribers, untilSubscribed, type Stack } from '../support/stack.js';

interface Ev {
  cursor: string;
  referenceId: string | null;
  notificationType: string;
  record: { recordHandle: number | null; campaignName: string | null };
}
type EvResult = { outboundRecordEvents: Ev };

const SUB = `subscription R($after: String, $filter: OutboundRecordEventFilter) {
  outboundRecordEvents(after: $after, filter: $filter) { cursor referenceId notificationType record { recordHandle campaignName } } }`;
const PAGE = `query P($after: String!, $filter: OutboundRecordEventFilter, $first: Int) {
  outboundRecordEventsAfter(after: $after, filter: $filter, first: $first) { events { cursor referenceId } cursor hasMore } }`;
type PageResult = { outboundRecordEventsAfter: { events: { cursor: string; referenceId: string }[]; cursor: string; hasMore: boolean } };

const refs = (results: { data?: EvResult | null }[]) => results.map((r) => r.data?.outboundRecordEvents.referenceId);

/** An acknowledgement published by the simulator on agent's /v2/me/outbound (no /me/internal partner). */
function publish(stack: Stack, referenceId: string, campaignName = 'Campaign1', user = 'agent1'): void {
  stack.simulator.publish(user, '/v2/me/outbound', {
    notificationType: 'RecordRejectAcknowledge',
    messageType: 'OutboundRecordMessage',
    referenceId,
    record: { recordHandle: 1, campaignName },
  });
}

/** What the gateway's log holds for this credential after `cursor` (read directly, to wait for events while no client listens). */
async function logged(stack: Stack, authorization: string, cursor: string): Promise<EventLogEntry[]> {
  const user = stack.gateway.services.sessions.peek(authorization)!;
  return (await stack.gateway.services.eventLog.read(user.key, cursor, 10_000)).entries;
}

async function untilLogged(stack: Stack, authorization: string, cursor: string, referenceIds: string[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = await logged(stack, authorization, cursor);
    const seen = new Set(entries.map((e) => (e.kind === 'event' ? e.event.referenceId : null)));
    if (referenceIds.every((r) => seen.has(r))) return;
    if (Date.now() > deadline) throw new Error(`not logged: ${referenceIds.filter((r) => !seen.has(r)).join(', ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Subscribes live, publishes a marker, and returns the marker's cursor; the client is then disposed (a real disconnect). */
async function cursorOfMarker(stack: Stack, marker: string, authorization = AGENT1, user = 'agent1'): Promise<string> {
  const client = stack.wsClient(authorization);
  const sub = subscribe<EvResult>(client, SUB);
  await untilSubscribed(stack, authorization);
  publish(stack, marker, 'Campaign1', user);
  const result = await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === marker);
  await client.dispose();
  await untilNoSubscribers(stack);
  return result.data!.outboundRecordEvents.cursor;
}

/** A raw graphql-transport-ws client whose TCP reading can be paused. */
async function rawSubscriber(url: string, variables: Record<string, unknown>) {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const messages: { type: string; payload?: unknown }[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: AGENT1 } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
      messages.push(message);
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUB, variables } }));
        resolve();
      }
    });
  });
  return { socket, nexts: () => messages.filter((m) => m.type === 'next').map((m) => m.payload as { data?: EvResult }) };
}

function errorCode(result: { errors?: readonly { extensions?: Record<string, unknown> }[] } | undefined): unknown {
  return result?.errors?.[0]?.extensions?.['code'];
}

describe('with the upstream session kept for the retention', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Bursts of 64 KB events arrive in one CometD reply: above the default reply bound of 1 MB.
    stack = await startStack({
      env: { COMETD_IDLE_GRACE_MS: '60000', EVENT_PAIRING_WINDOW_MS: '0', SUBSCRIBER_QUEUE_MAX: '50', UPSTREAM_MAX_RESPONSE_BYTES: '33554432' },
    });
  });
  afterAll(() => stack.stop());
  beforeEach(() => stack.simulator.resetCallingList());
  afterEach(() => untilNoSubscribers(stack));

  async function run(opName: string, referenceId: string): Promise<void> {
    const op = operationByName(opName)!;
    const vars = variablesFromSeed(op, seedOf(op)) as { input: Record<string, unknown> };
    const { body } = await stack.gql(mutationDocument(op), { ...vars, input: { ...vars.input, referenceId } }, AGENT1);
    expect(body.errors).toBeUndefined();
  }

  it('disconnect, three operations, resubscribe with the cursor: exactly those three in order, then live', async () => {
    const cursor = await cursorOfMarker(stack, 'before-away');
    // Away: no subscriber, but the upstream CometD session stays open and the session is busy (never evicted).
    const user = stack.gateway.services.sessions.peek(AGENT1)!;
    expect(stack.simulator.bayeuxClientCount('agent1')).toBe(1);
    expect(user.isBusy()).toBe(true);
    await run('RescheduleRecord', 'away-1');
    await run('RejectRecord', 'away-2');
    await run('CompleteRecord', 'away-3');
    await untilLogged(stack, AGENT1, cursor, ['away-1', 'away-2', 'away-3']);

    const sub = subscribe<EvResult>(stack.wsClient(AGENT1), SUB, { after: cursor });
    await sub.waitFor(3);
    expect(refs(sub.results)).toEqual(['away-1', 'away-2', 'away-3']);
    expect(sub.results.map((r) => r.data!.outboundRecordEvents.notificationType)).toEqual([
      'SCHEDULED_RECORD_RESCHEDULE_ACKNOWLEDGE',
      'RECORD_REJECT_ACKNOWLEDGE',
      'RECORD_PROCESSED_ACKNOWLEDGE',
    ]);
    await untilSubscribed(stack, AGENT1);
    await run('UpdateRecord', 'live-1');
    await sub.waitFor(4);
    expect(refs(sub.results)).toEqual(['away-1', 'away-2', 'away-3', 'live-1']);
    const cursors = sub.results.map((r) => r.data!.outboundRecordEvents.cursor);
    expect(new Set([cursor, ...cursors]).size).toBe(5);
    sub.unsubscribe();
  });

  it('the seam: events appended while a replay larger than the subscriber queue runs come once each, in order, none missing', async () => {
    const cursor = await cursorOfMarker(stack, 'seam-start');
    // Large events, so that a client that stops reading stalls the replay inside the gateway (kernel buffers full).
    const big = 'S'.repeat(64 * 1024);
    const backlog = Array.from({ length: 300 }, (_, i) => `seam-backlog-${i}`);
    for (const ref of backlog) publish(stack, ref, big);
    await untilLogged(stack, AGENT1, cursor, backlog, 30_000);

    const client = await rawSubscriber(stack.gateway.wsUrl, { after: cursor });
    const tcp = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    try {
      await until(() => client.nexts().length > 0, 'the replay to begin');
      tcp.pause();
      // While the replay is stalled mid-way, events keep coming: more than the subscriber queue holds.
      const live = Array.from({ length: 120 }, (_, i) => `seam-live-${i}`);
      for (const ref of live) publish(stack, ref);
      await untilLogged(stack, AGENT1, cursor, live, 30_000);
      expect(client.nexts().length).toBeLessThan(backlog.length);
      tcp.resume();
      await until(() => client.nexts().length >= backlog.length + live.length, 'every event', 30_000);
      await new Promise((r) => setTimeout(r, 100)); // anything doubled would have come by now
      const results = client.nexts() as { data?: EvResult; errors?: unknown[] }[];
      expect(results.every((r) => r.errors === undefined)).toBe(true);
      expect(refs(results)).toEqual([...backlog, ...live]);
    } finally {
      client.socket.close();
    }
  }, 90_000);

  it('applies the filter to the replay as to live events', async () => {
    const cursor = await cursorOfMarker(stack, 'filter-start');
    for (let i = 0; i < 6; i++) publish(stack, `filter-${i}`, i % 2 === 0 ? 'Campaign1' : 'Campaign2');
    await untilLogged(stack, AGENT1, cursor, ['filter-5']);
    const sub = subscribe<EvResult>(stack.wsClient(AGENT1), SUB, { after: cursor, filter: { campaignName: 'Campaign2' } });
    await sub.waitFor(3);
    await untilSubscribed(stack, AGENT1);
    publish(stack, 'filter-live-1', 'Campaign1');
    publish(stack, 'filter-live-2', 'Campaign2');
    await sub.waitFor(4);
    expect(refs(sub.results)).toEqual(['filter-1', 'filter-3', 'filter-5', 'filter-live-2']);
    sub.unsubscribe();
  });

  it('a cursor of one user used by another never shows the first user\'s events: CURSOR_EXPIRED', async () => {
    const cursor = await cursorOfMarker(stack, 'agent1-secret');
    publish(stack, 'agent1-later');
    await untilLogged(stack, AGENT1, cursor, ['agent1-later']);
    const sub = subscribe<EvResult>(stack.wsClient(AGENT2), SUB, { after: cursor });
    await sub.ended;
    expect(sub.results).toHaveLength(1);
    expect(sub.results[0]!.data ?? null).toBeNull();
    expect(errorCode(sub.results[0])).toBe('CURSOR_EXPIRED');
    const { body } = await stack.gql<PageResult>(PAGE, { after: cursor }, AGENT2);
    expect(body.data ?? null).toBeNull();
    expect(errorCode(body)).toBe('CURSOR_EXPIRED');
  });

  it('a string that is not a cursor is BAD_USER_INPUT, on the subscription and the query', async () => {
    for (const after of ['not-a-cursor', '', 'AAAA', '%%%']) {
      const sub = subscribe<EvResult>(stack.wsClient(AGENT1), SUB, { after });
      await sub.ended;
      expect(errorCode(sub.results[0]), after).toBe('BAD_USER_INPUT');
      expect(sub.results[0]!.errors![0]!.extensions!['invalidFields']).toEqual([{ field: 'after', message: 'not a cursor of this gateway' }]);
      const { body } = await stack.gql<PageResult>(PAGE, { after }, AGENT1);
      expect(errorCode(body), after).toBe('BAD_USER_INPUT');
    }
  });

  it('a resume across a dropped Bayeux session ends with CURSOR_EXPIRED; the live subscriber keeps its subscription', async () => {
    const cursor = await cursorOfMarker(stack, 'before-drop');
    const liveSub = subscribe<EvResult>(stack.wsClient(AGENT1), SUB);
    await untilSubscribed(stack, AGENT1);
    expect(stack.simulator.dropBayeuxSessions('agent1')).toBeGreaterThan(0);
    // The CometD session learns of it on its next /meta/connect, re-handshakes, and the log records the gap.
    const deadline = Date.now() + 10_000;
    while (!(await logged(stack, AGENT1, cursor)).some((e) => e.kind === 'gap')) {
      if (Date.now() > deadline) throw new Error('no gap recorded after the drop');
      await new Promise((r) => setTimeout(r, 20));
    }
    await untilSubscribed(stack, AGENT1);
    publish(stack, 'after-drop');
    const after = await liveSub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'after-drop', 10_000);

    const resumed = subscribe<EvResult>(stack.wsClient(AGENT1), SUB, { after: cursor });
    await resumed.ended;
    expect(resumed.results).toHaveLength(1);
    expect(errorCode(resumed.results[0])).toBe('CURSOR_EXPIRED');
    const { body } = await stack.gql<PageResult>(PAGE, { after: cursor }, AGENT1);
    expect(errorCode(body)).toBe('CURSOR_EXPIRED');
    // A cursor after the interruption resumes normally.
    const fine = subscribe<EvResult>(stack.wsClient(AGENT1), SUB, { after: after.data!.outboundRecordEvents.cursor });
    await untilSubscribed(stack, AGENT1, 2);
    publish(stack, 'after-drop-2');
    await fine.waitFor(1);
    await liveSub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'after-drop-2');
    expect(refs(fine.results)).toEqual(['after-drop-2']);
    expect(liveSub.results.every((r) => r.errors === undefined)).toBe(true);
    fine.unsubscribe();
    liveSub.unsubscribe();
  });

  it('catch-up over HTTP: pages of events after a cursor, then a subscription from the page cursor', async () => {
    const cursor = await cursorOfMarker(stack, 'catchup-start');
    for (let i = 0; i < 5; i++) publish(stack, `catchup-${i}`, i === 2 ? 'Campaign2' : 'Campaign1');
    await untilLogged(stack, AGENT1, cursor, ['catchup-4']);

    const first = await stack.gql<PageResult>(PAGE, { after: cursor, first: 2 }, AGENT1);
    expect(first.body.errors).toBeUndefined();
    const page1 = first.body.data!.outboundRecordEventsAfter;
    expect(page1.events.map((e) => e.referenceId)).toEqual(['catchup-0', 'catchup-1']);
    expect(page1.hasMore).toBe(true);
    expect(page1.cursor).toBe(page1.events[1]!.cursor);
    const second = await stack.gql<PageResult>(PAGE, { after: page1.cursor, filter: { campaignName: 'Campaign1' } }, AGENT1);
    const page2 = second.body.data!.outboundRecordEventsAfter;
    expect(page2.events.map((e) => e.referenceId)).toEqual(['catchup-3', 'catchup-4']);
    expect(page2.hasMore).toBe(false);
    const empty = (await stack.gql<PageResult>(PAGE, { after: page2.cursor }, AGENT1)).body.data!.outboundRecordEventsAfter;
    expect(empty).toEqual({ events: [], cursor: page2.cursor, hasMore: false });

    // Then live from where the page ended: nothing twice, nothing missed.
    const sub = subscribe<EvResult>(stack.wsClient(AGENT1), SUB, { after: page2.cursor });
    await untilSubscribed(stack, AGENT1);
    publish(stack, 'catchup-live');
    await sub.waitFor(1);
    expect(refs(sub.results)).toEqual(['catchup-live']);
    sub.unsubscribe();

    for (const bad of [0, -1, 1001]) {
      const { body } = await stack.gql(PAGE, { after: cursor, first: bad }, AGENT1);
      expect(errorCode(body), String(bad)).toBe('BAD_USER_INPUT');
    }
    expect(errorCode((await stack.gql(PAGE, { after: cursor })).body)).toBe('UNAUTHENTICATED');
  });

  it('a cursor from a previous process lifetime is CURSOR_EXPIRED, never a silent skip', async () => {
    const cursor = await cursorOfMarker(stack, 'old-lifetime');
    const restarted = await startStack({ env: { EVENT_PAIRING_WINDOW_MS: '0' } });
    try {
      const sub = subscribe<EvResult>(restarted.wsClient(AGENT1), SUB, { after: cursor });
      await sub.ended;
      expect(sub.results).toHaveLength(1);
      expect(errorCode(sub.results[0])).toBe('CURSOR_EXPIRED');
      expect(errorCode((await restarted.gql(PAGE, { after: cursor }, AGENT1)).body)).toBe('CURSOR_EXPIRED');
    } finally {
      await restarted.stop();
    }
  });
});

describe('retention by age', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { EVENT_RETENTION_SECONDS: '1', COMETD_IDLE_GRACE_MS: '60000', EVENT_PAIRING_WINDOW_MS: '0' } });
  });
  afterAll(() => stack.stop());

  it('a cursor before an event older than EVENT_RETENTION_SECONDS is CURSOR_EXPIRED; a later one resumes', async () => {
    const c0 = await cursorOfMarker(stack, 'age-0');
    publish(stack, 'age-1');
    await untilLogged(stack, AGENT1, c0, ['age-1']);
    const c1 = (await logged(stack, AGENT1, c0)).find((e) => e.kind === 'event' && e.event.referenceId === 'age-1')!.cursor;
    await new Promise((r) => setTimeout(r, 1_100));
    publish(stack, 'age-2');
    await untilLogged(stack, AGENT1, c1, ['age-2']);

    const expired = subscribe<EvResult>(stack.wsClient(AGENT1), SUB, { after: c0 });
    await expired.ended;
    expect(errorCode(expired.results[0])).toBe('CURSOR_EXPIRED');
    const resumed = subscribe<EvResult>(stack.wsClient(AGENT1), SUB, { after: c1 });
    await resumed.waitFor(1);
    expect(refs(resumed.results)).toEqual(['age-2']);
    resumed.unsubscribe();
  });
});

describe('retention by count', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { EVENT_RETENTION_MAX_PER_USER: '5', COMETD_IDLE_GRACE_MS: '60000', EVENT_PAIRING_WINDOW_MS: '0' } });
  });
  afterAll(() => stack.stop());

  it('keeps the last EVENT_RETENTION_MAX_PER_USER events: a cursor before them is CURSOR_EXPIRED', async () => {
    const live = subscribe<EvResult>(stack.wsClient(AGENT1), SUB);
    await untilSubscribed(stack, AGENT1);
    // One at a time: a burst larger than the log keeps would overtake even a live reader.
    for (let i = 0; i < 7; i++) {
      publish(stack, `count-${i}`);
      await live.waitFor(i + 1);
    }
    const cursors = live.results.map((r) => r.data!.outboundRecordEvents.cursor);
    // count-0 and count-1 are gone (5 kept: count-2..6): after count-0, count-1 is missing.
    const expired = subscribe<EvResult>(stack.wsClient(AGENT1), SUB, { after: cursors[0] });
    await expired.ended;
    expect(errorCode(expired.results[0])).toBe('CURSOR_EXPIRED');
    const resumed = subscribe<EvResult>(stack.wsClient(AGENT1), SUB, { after: cursors[1] });
    await resumed.waitFor(5);
    expect(refs(resumed.results)).toEqual(['count-2', 'count-3', 'count-4', 'count-5', 'count-6']);
    resumed.unsubscribe();
    live.unsubscribe();
    await until(() => stack.gateway.services.sessions.peek(AGENT1)!.eventStreamStatus().subscribers === 0, 'subscribers to leave');
  });
});
