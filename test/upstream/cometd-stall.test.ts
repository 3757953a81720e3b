/**
 * CometD that cannot stall (issue 9, finding 6): a handshake answered with
 * HTTP 200 but no /meta/handshake reply, or never answered, is a transport
 * error that is retried; and a subscriber whose upstream session has been
 * failing for longer than COMETD_STALL_NOTICE_MS learns it: eventStream shows
 * RECONNECTING with failingSince, and the subscription ends with
 * UPSTREAM_UNAVAILABLE (upstreamErrorCode EVENTS_INTERRUPTED on a waiting
 * subscribe).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT1, subscribe, untilSubscribed } from '../support/stack.js';
import { ackMessage, startFaultStack, until, type FaultStack } from '../faults/support/harness.js';

const EVENTS = 'subscription { outboundRecordEvents { referenceId } }';
type Event = { outboundRecordEvents: { referenceId: string } };

let stack: FaultStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const state = (s: FaultStack) => s.gateway.services.sessions.peek(AGENT1)?.eventStreamStatus();

describe('CometD replies that do not answer', () => {
  it('a handshake answered with HTTP 200 and no /meta/handshake reply is retried: once GWS behaves, events flow', async () => {
    stack = await startFaultStack({ env: { COMETD_STALL_NOTICE_MS: '60000' } });
    const s = stack;
    s.simulator.setReplyFault({ on: 'cometd', kind: 'no-reply' });
    const sub = subscribe<Event>(s.wsClient(AGENT1), EVENTS);
    await until(() => state(s)?.state === 'RECONNECTING', 'a retried handshake');
    expect(state(s)?.failingSince).toBeInstanceOf(Date);
    const { body } = await s.gql('{ eventStream { state failingSince } }', undefined, AGENT1);
    expect(body.data).toMatchObject({ eventStream: { state: 'RECONNECTING', failingSince: expect.any(String) } });
    s.simulator.setReplyFault(null);
    await untilSubscribed(s, AGENT1, 1, 10_000);
    expect(state(s)?.failingSince).toBeNull();
    s.simulator.publish('agent1', '/v2/me/outbound', ackMessage('after-malformed'));
    await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'after-malformed');
    sub.unsubscribe();
  });

  it('a handshake reply that never comes times out (COMETD_MAX_NETWORK_DELAY_MS) and is retried', async () => {
    stack = await startFaultStack({ env: { COMETD_STALL_NOTICE_MS: '60000', COMETD_MAX_NETWORK_DELAY_MS: '300' } });
    const s = stack;
    s.simulator.setReplyFault({ on: 'cometd', kind: 'hang' });
    const sub = subscribe<Event>(s.wsClient(AGENT1), EVENTS);
    await until(() => state(s)?.state === 'RECONNECTING', 'a handshake given up on', 5_000);
    s.simulator.setReplyFault(null);
    await untilSubscribed(s, AGENT1, 1, 10_000);
    s.simulator.publish('agent1', '/v2/me/outbound', ackMessage('after-hang'));
    await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'after-hang');
    sub.unsubscribe();
  });
});

describe('a subscriber learns that its upstream session is failing (COMETD_STALL_NOTICE_MS)', () => {
  it('a live subscription ends with UPSTREAM_UNAVAILABLE after the bound; subscribing again works once GWS is back', async () => {
    stack = await startFaultStack({ env: { COMETD_STALL_NOTICE_MS: '700' } });
    const s = stack;
    const client = s.wsClient(AGENT1);
    const sub = subscribe<Event>(client, EVENTS);
    await untilSubscribed(s, AGENT1);
    s.simulator.setReplyFault({ on: 'cometd', kind: 'no-reply' });
    s.simulator.dropBayeuxSessions('agent1');
    await until(() => state(s)?.failingSince, 'the failure seen');
    const last = await sub.waitUntil((r) => r.errors !== undefined, 10_000);
    expect(last.errors![0]).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(last.errors![0]!.message).toMatch(/failing since .*subscribe again/);
    await sub.ended;

    s.simulator.setReplyFault(null);
    const again = subscribe<Event>(client, EVENTS);
    await untilSubscribed(s, AGENT1, 1, 10_000);
    s.simulator.publish('agent1', '/v2/me/outbound', ackMessage('back-again'));
    await again.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'back-again');
    again.unsubscribe();
  });

  it('a subscribe that cannot connect fails after the bound with EVENTS_INTERRUPTED instead of waiting in silence', async () => {
    stack = await startFaultStack({ env: { COMETD_STALL_NOTICE_MS: '700' } });
    const s = stack;
    s.simulator.setReplyFault({ on: 'cometd', kind: 'hang' });
    const sub = subscribe<Event>(s.wsClient(AGENT1), EVENTS);
    const failed = await sub.waitUntil((r) => r.errors !== undefined, 10_000);
    await sub.ended;
    expect(failed.errors![0]).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE', upstreamErrorCode: 'EVENTS_INTERRUPTED' } });
    // Nothing left open upstream for it.
    await until(() => state(s)?.state === 'IDLE', 'the upstream session closed');
  });
});
