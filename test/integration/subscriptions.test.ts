/**
 * Live events end to end: simulator (real Bayeux server, cookie traps on)
 * -> per-user CometD session -> pairing -> graphql-ws subscribers.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RECORD_OPERATIONS, operationByName } from '../../src/operations/record-operations.js';
import { AGENT1, AGENT2, basic, eventLogWatchers, startStack, subscribe, until, untilNoSubscribers, untilSubscribed, type Stack } from '../support/stack.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import type { EventResult, EventShape } from '../support/events.js';

const EVENT_FIELDS = `notificationType upstreamNotificationType messageType referenceId
  record { recordHandle applicationId campaignName callingList devicePath } userData callResult deviceId receivedAt`;
const SUBSCRIPTION = `subscription S($filter: OutboundRecordEventFilter) { outboundRecordEvents(filter: $filter) { ${EVENT_FIELDS} } }`;


let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { ACK_TIMEOUT_MS: '3000' } });
});
afterAll(async () => {
  await stack.stop();
});
beforeEach(() => stack.simulator.resetCallingList());
// Each test starts with no subscription left from the one before.
afterEach(() => untilNoSubscribers(stack));

async function run(opName: string, authorization = AGENT1, overrides: Record<string, unknown> = {}, selection?: string) {
  const op = operationByName(opName)!;
  const vars = variablesFromSeed(op, seedOf(op)) as { input: Record<string, unknown> };
  const { body } = await stack.gql(mutationDocument(op, selection), { ...vars, input: { ...vars.input, ...overrides } }, authorization);
  return body;
}

describe('each operation: the acknowledgement reaches the subscriber with the seed CometD sample fields', () => {
  it.each(RECORD_OPERATIONS.map((op) => [op.operationName, op] as const))('%s', async (_n, op) => {
    const seed = seedOf(op);
    const client = stack.wsClient(AGENT1);
    const sub = subscribe<EventResult>(client, SUBSCRIPTION);
    await untilSubscribed(stack, AGENT1);
    const body = await run(op.operationName);
    expect(body.errors).toBeUndefined();
    const [result] = await sub.waitFor(1);
    expect(result!.errors).toBeUndefined();
    const event = result!.data!.outboundRecordEvents;
    const ack = seed.cometd.find((m) => m.channel === '/v2/me/outbound')!.data!;
    const internal = seed.cometd.find((m) => m.channel === '/me/internal')!.data!;
    const userData = internal['userData'] as Record<string, unknown>;
    expect(event.upstreamNotificationType).toBe(ack['notificationType']);
    expect(event.notificationType).toBe(op.ackNotificationType.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase());
    expect(event.messageType).toBe(ack['messageType']);
    expect(event.referenceId).toBe(ack['referenceId']);
    // Every record field of the sample, and the handle from the user event where the ack has none (cancel).
    expect(event.record).toEqual({ recordHandle: userData['GSW_RECORD_HANDLE'], ...(ack['record'] as object) });
    expect(event.userData).toEqual(userData);
    expect(Date.parse(event.receivedAt)).not.toBeNaN();
    sub.unsubscribe();
  });
});

describe('isolation and fan-out', () => {
  it('two users subscribed at once never see each other\'s events (cookie traps on)', async () => {
    const sub1 = subscribe<EventResult>(stack.wsClient(AGENT1), SUBSCRIPTION);
    const sub2 = subscribe<EventResult>(stack.wsClient(AGENT2), SUBSCRIPTION);
    await untilSubscribed(stack, AGENT1);
    await untilSubscribed(stack, AGENT2);
    expect((await run('UpdateRecord', AGENT1, { referenceId: 'for-agent1' })).errors).toBeUndefined();
    expect((await run('RejectRecord', AGENT2, { referenceId: 'for-agent2' })).errors).toBeUndefined();
    expect((await run('CompleteRecord', AGENT1, { referenceId: 'for-agent1-again' })).errors).toBeUndefined();
    await sub1.waitFor(2);
    await sub2.waitFor(1);
    // A marker event to each, so anything misrouted would have arrived before it.
    stack.simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'Marker', messageType: 'OutboundRecordMessage', referenceId: 'end-1', record: {} });
    stack.simulator.publish('agent2', '/v2/me/outbound', { notificationType: 'Marker', messageType: 'OutboundRecordMessage', referenceId: 'end-2', record: {} });
    await sub1.waitFor(3);
    await sub2.waitFor(2);
    expect(sub1.results.map((r) => r.data!.outboundRecordEvents.referenceId)).toEqual(['for-agent1', 'for-agent1-again', 'end-1']);
    expect(sub2.results.map((r) => r.data!.outboundRecordEvents.referenceId)).toEqual(['for-agent2', 'end-2']);
    sub1.unsubscribe();
    sub2.unsubscribe();
  });

  it('three subscribers of one user all get each event, over one upstream session', async () => {
    const subs = [stack.wsClient(AGENT1), stack.wsClient(AGENT1), stack.wsClient(AGENT1)].map((c) => subscribe<EventResult>(c, SUBSCRIPTION));
    await untilSubscribed(stack, AGENT1, 3);
    expect(stack.simulator.bayeuxClientCount('agent1')).toBe(1);
    await run('RejectRecord', AGENT1, { referenceId: 'fan-1' });
    await run('UpdateRecord', AGENT1, { referenceId: 'fan-2' });
    for (const sub of subs) {
      await sub.waitFor(2);
      expect(sub.results.map((r) => r.data!.outboundRecordEvents.referenceId)).toEqual(['fan-1', 'fan-2']);
    }
    subs.forEach((s) => s.unsubscribe());
  });

  it('filters apply per subscriber', async () => {
    const client = stack.wsClient(AGENT1);
    const all = subscribe<EventResult>(client, SUBSCRIPTION);
    const byType = subscribe<EventResult>(client, SUBSCRIPTION, { filter: { notificationTypes: ['RECORD_PROCESSED_ACKNOWLEDGE'] } });
    const byHandle = subscribe<EventResult>(client, SUBSCRIPTION, { filter: { recordHandle: 6 } });
    const byRef = subscribe<EventResult>(client, SUBSCRIPTION, { filter: { referenceId: 'f-2' } });
    const byList = subscribe<EventResult>(client, SUBSCRIPTION, { filter: { campaignName: 'Campaign1', callingList: 'Nope' } });
    await untilSubscribed(stack, AGENT1, 5);
    await run('UpdateRecord', AGENT1, { referenceId: 'f-1' });
    await run('CompleteRecord', AGENT1, { referenceId: 'f-2' });
    await run('RejectRecord', AGENT1, { referenceId: 'f-3' });
    await all.waitFor(3);
    const refs = (s: typeof all) => s.results.map((r) => r.data!.outboundRecordEvents.referenceId);
    expect(refs(all)).toEqual(['f-1', 'f-2', 'f-3']);
    expect(refs(byType)).toEqual(['f-2']);
    expect(refs(byHandle)).toEqual(['f-1']);
    expect(refs(byRef)).toEqual(['f-2']);
    expect(refs(byList)).toEqual([]);
    [all, byType, byHandle, byRef, byList].forEach((s) => s.unsubscribe());
  });
});

describe('awaited acknowledgement', () => {
  it('a mutation that selects acknowledgement returns the matching event', async () => {
    const body = await run('CompleteRecord', AGENT1, { referenceId: 'await-1' }, `referenceId statusCode acknowledgement { ${EVENT_FIELDS} }`);
    expect(body.errors).toBeUndefined();
    const result = body.data!['completeRecord'] as { statusCode: number; acknowledgement: EventShape };
    expect(result.statusCode).toBe(0);
    expect(result.acknowledgement).toMatchObject({ referenceId: 'await-1', notificationType: 'RECORD_PROCESSED_ACKNOWLEDGE', record: { recordHandle: 12 } });
    expect(result.acknowledgement.userData).toMatchObject({ GSW_RECORD_HANDLE: 12 });
  });
});

describe('acknowledgement timeout', () => {
  let slow: Stack;
  beforeAll(async () => {
    slow = await startStack({ env: { ACK_TIMEOUT_MS: '300' }, simulator: { eventDelayMs: 1_000 } });
  });
  afterAll(async () => {
    await slow.stop();
  });

  it('fails the acknowledgement field with ACKNOWLEDGEMENT_TIMEOUT, the rest intact, and leaves no waiter', async () => {
    const op = operationByName('RejectRecord')!;
    const vars = variablesFromSeed(op, seedOf(op)) as { input: Record<string, unknown> };
    const { body } = await slow.gql(mutationDocument(op, 'referenceId statusCode acknowledgement { referenceId }'), { ...vars, input: { ...vars.input, referenceId: 'late-1' } }, AGENT1);
    expect(body.data).toEqual({ rejectRecord: { referenceId: 'late-1', statusCode: 0, acknowledgement: null } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.path).toEqual(['rejectRecord', 'acknowledgement']);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'ACKNOWLEDGEMENT_TIMEOUT' });
    expect(eventLogWatchers(slow)).toBe(0);
    // Busy no longer once the upstream session closed after its grace (COMETD_IDLE_GRACE_MS, 50 ms here).
    await until(() => !slow.gateway.services.sessions.peek(AGENT1)!.isBusy(), 'the session to be idle');
  });
});

describe('resilience and cleanup', () => {
  it('after the simulator drops the user\'s Bayeux session, later events still arrive on the same subscription', async () => {
    const sub = subscribe<EventResult>(stack.wsClient(AGENT1), SUBSCRIPTION);
    await untilSubscribed(stack, AGENT1);
    await run('UpdateRecord', AGENT1, { referenceId: 'before-drop' });
    await sub.waitFor(1);
    expect(stack.simulator.dropBayeuxSessions('agent1')).toBeGreaterThan(0);
    // The client learns of the drop on its next /meta/connect, re-handshakes and re-subscribes.
    const deadline = Date.now() + 10_000;
    let n = 0;
    while (sub.results.length < 2 && Date.now() < deadline) {
      stack.simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'RecordRejectAcknowledge', messageType: 'OutboundRecordMessage', referenceId: `after-drop-${n++}`, record: { recordHandle: 1 } });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sub.results.at(-1)!.data!.outboundRecordEvents.referenceId).toMatch(/^after-drop-/);
    try {
      await run('RejectRecord', AGENT1, { referenceId: 'after-drop-op' });
      const event = await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'after-drop-op');
      expect(event.data!.outboundRecordEvents.userData).toMatchObject({ GSW_RECORD_HANDLE: 9 });
    } finally {
      sub.unsubscribe();
    }
  });

  it('after all subscribers leave, the upstream session disconnects and nothing is left behind', async () => {
    const a = subscribe<EventResult>(stack.wsClient(AGENT1), SUBSCRIPTION);
    const b = subscribe<EventResult>(stack.wsClient(AGENT1), SUBSCRIPTION);
    await untilSubscribed(stack, AGENT1, 2);
    expect(stack.simulator.bayeuxClientCount('agent1')).toBe(1);
    a.unsubscribe();
    b.unsubscribe();
    const deadline = Date.now() + 5_000;
    while (stack.simulator.bayeuxClientCount('agent1') > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(stack.simulator.bayeuxClientCount('agent1')).toBe(0);
    const user = stack.gateway.services.sessions.peek(AGENT1)!;
    expect(user.eventStreamStatus()).toMatchObject({ state: 'IDLE', subscribers: 0 });
    expect(user.isBusy()).toBe(false);
    expect(eventLogWatchers(stack)).toBe(0);
  });
});

describe('authentication over WebSocket', () => {
  it('no credentials in connection_init: UNAUTHENTICATED on the subscription', async () => {
    const sub = subscribe<EventResult>(stack.wsClient(), SUBSCRIPTION);
    const end = await sub.ended;
    const errors = (end.error ?? sub.results[0]?.errors) as { extensions?: { code?: string } }[];
    expect(errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('credentials GWS rejects: UNAUTHENTICATED on the subscription', async () => {
    const sub = subscribe<EventResult>(stack.wsClient(basic('agent1', 'nope')), SUBSCRIPTION);
    const end = await sub.ended;
    const errors = (end.error ?? sub.results[0]?.errors) as { extensions?: { code?: string } }[];
    expect(errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('eventStream query reports the state of the live events', async () => {
    const idle = await stack.gql('{ eventStream { state subscribers } }', {}, AGENT2);
    expect(idle.body.data).toMatchObject({ eventStream: { subscribers: 0 } });
    const sub = subscribe<EventResult>(stack.wsClient(AGENT2), SUBSCRIPTION);
    await untilSubscribed(stack, AGENT2);
    const live = await stack.gql('{ eventStream { state subscribers } }', {}, AGENT2);
    expect(live.body.data).toEqual({ eventStream: { state: 'CONNECTED', subscribers: 1 } });
    sub.unsubscribe();
  });
});

