/**
 * Sessions only for verified credentials, and the refused-credentials limit
 * per client (issue 9, findings 1 and 2): made-up credentials never take a
 * place in the session cache nor end anyone's stream; a cache full of busy
 * sessions refuses a newcomer instead of evicting; past
 * AUTH_FAILURES_PER_MINUTE refusals a client address gets RATE_LIMITED with
 * nothing sent upstream, counted per X-Forwarded-For address only behind a
 * trusted proxy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_USERS, type DemoUser } from '../../src/simulator/index.js';
import { AGENT1, AGENT2, basic, subscribe, untilSubscribed } from '../support/stack.js';
import { ackMessage, rawSocket, startFaultStack, type FaultStack } from './support/harness.js';

const AGENT3 = basic(DEMO_USERS[2]!.username, DEMO_USERS[2]!.password);
const EVENTS = 'subscription { outboundRecordEvents { referenceId } }';
type Errors = { message: string; extensions?: Record<string, unknown> }[] | undefined;

let stack: FaultStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const madeUp = (i: number): string => basic(`nobody${i}`, `guess${i}`);

async function query(s: FaultStack, document: string, authorization: string, headers: Record<string, string> = {}) {
  const response = await s.http('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, ...headers },
    body: JSON.stringify({ query: document }),
  });
  const body = JSON.parse(response.text) as { data?: unknown; errors?: Errors };
  return { status: response.status, body, code: body.errors?.[0]?.extensions?.['code'] };
}

describe('sessions only for verified credentials', () => {
  it("a flood of { eventStream } with made-up credentials neither fills the cache nor ends a user's live subscription", async () => {
    stack = await startFaultStack({ env: { SESSION_CACHE_MAX: '3', AUTH_FAILURES_PER_MINUTE: '100000' } });
    const s = stack;
    const sub = subscribe<{ outboundRecordEvents: { referenceId: string } }>(s.wsClient(AGENT1), EVENTS);
    await untilSubscribed(s, AGENT1);

    const codes = new Map<string, number>();
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => query(s, '{ eventStream { state } }', madeUp(batch * 20 + i))),
      );
      for (const a of answers) codes.set(String(a.code), (codes.get(String(a.code)) ?? 0) + 1);
    }
    // The subscription is still live and still delivers (it used to end with UPSTREAM_UNAVAILABLE).
    s.simulator.publish('agent1', '/v2/me/outbound', ackMessage('after-the-flood'));
    await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'after-the-flood' || r.errors !== undefined);
    expect(sub.results.filter((r) => r.errors)).toEqual([]);
    // Every made-up credential was refused, and only the real user holds a session.
    expect(Object.fromEntries(codes)).toEqual({ UNAUTHENTICATED: 200 });
    expect(s.gateway.services.sessions.size).toBe(1);
    sub.unsubscribe();
  });

  it('devices and eventStream create no session for a refused credential', async () => {
    stack = await startFaultStack({ env: { AUTH_FAILURES_PER_MINUTE: '100000' } });
    for (const document of ['{ eventStream { state } }', '{ devices { id } }']) {
      const answer = await query(stack, document, madeUp(1));
      expect(answer.code, JSON.stringify(answer.body)).toBe('UNAUTHENTICATED');
    }
    expect(stack.gateway.services.sessions.size).toBe(0);
    expect(stack.gateway.services.sessions.peek(madeUp(1))).toBeUndefined();
  });

  it('a cache full of sessions in use refuses a new credential with RATE_LIMITED and retryAfterSeconds; nobody is evicted', async () => {
    stack = await startFaultStack({ env: { SESSION_CACHE_MAX: '2' } });
    const s = stack;
    const one = subscribe<{ outboundRecordEvents: { referenceId: string } }>(s.wsClient(AGENT1), EVENTS);
    const two = subscribe<{ outboundRecordEvents: { referenceId: string } }>(s.wsClient(AGENT2), EVENTS);
    await untilSubscribed(s, AGENT1);
    await untilSubscribed(s, AGENT2);

    const third = await query(s, '{ eventStream { state } }', AGENT3);
    expect(third.code, JSON.stringify(third.body)).toBe('RATE_LIMITED');
    expect(third.status).toBe(429);
    expect(third.body.errors![0]!.extensions!['retryAfterSeconds']).toEqual(expect.any(Number));
    expect(s.gateway.services.sessions.peek(AGENT3)).toBeUndefined();

    s.simulator.publish('agent1', '/v2/me/outbound', ackMessage('still-one'));
    s.simulator.publish('agent2', '/v2/me/outbound', ackMessage('still-two'));
    await one.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'still-one');
    await two.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'still-two');

    // Once a session is idle, its place can go to the newcomer.
    two.unsubscribe();
    await expect.poll(() => s.gateway.services.sessions.peek(AGENT2)?.isBusy(), { timeout: 5_000 }).toBe(false);
    const later = await query(s, '{ eventStream { state } }', AGENT3);
    expect(later.code, JSON.stringify(later.body)).toBeUndefined();
    expect(s.gateway.services.sessions.peek(AGENT1)).toBeDefined();
    one.unsubscribe();
  });
});

describe('refused credentials per client address (AUTH_FAILURES_PER_MINUTE)', () => {
  const many: DemoUser[] = Array.from({ length: 8 }, (_, i) => ({
    ...DEMO_USERS[0]!,
    username: `user${i}`,
    password: `pass${i}`,
  }));

  it('past the limit: RATE_LIMITED with nothing sent upstream, over HTTP and graphql-ws; successful logins are not counted; known users go on', async () => {
    stack = await startFaultStack({ env: { AUTH_FAILURES_PER_MINUTE: '3' }, simulator: { users: [...DEMO_USERS, ...many] } });
    const s = stack;
    // Many successful logins from one address (a contact centre behind one NAT) count nothing.
    for (const user of many) {
      const ok = await query(s, '{ eventStream { state } }', basic(user.username, user.password));
      expect(ok.code, JSON.stringify(ok.body)).toBeUndefined();
    }
    const before = s.simulator.requestCount;
    for (let i = 0; i < 3; i++) expect((await query(s, '{ devices { id } }', madeUp(i))).code).toBe('UNAUTHENTICATED');
    expect(s.simulator.requestCount).toBe(before + 3);

    const upstream = s.simulator.requestCount;
    const codes: unknown[] = [];
    for (let i = 3; i < 20; i++) codes.push((await query(s, '{ devices { id } }', madeUp(i))).code);
    const limited = await query(s, '{ eventStream { state } }', madeUp(99));
    expect(limited.status).toBe(429);
    expect(limited.body.errors![0]!.extensions!['retryAfterSeconds']).toEqual(expect.any(Number));
    // The same rule over graphql-ws.
    const ws = rawSocket(s.gateway.wsUrl);
    await ws.opened;
    ws.send({ type: 'connection_init', payload: { authorization: madeUp(100) } });
    await ws.waitFor((m) => m.type === 'connection_ack');
    ws.send({ id: 'q', type: 'subscribe', payload: { query: '{ eventStream { state } }' } });
    const answer = await ws.waitFor((m) => m.id === 'q' && (m.type === 'next' || m.type === 'error'));
    ws.socket.close();
    expect(new Set(codes)).toEqual(new Set(['RATE_LIMITED']));
    expect((answer.payload as { errors?: Errors }).errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    expect(s.simulator.requestCount).toBe(upstream);

    // Users who already have a session are not limited by it.
    const known = await query(s, '{ eventStream { state } }', basic(many[0]!.username, many[0]!.password));
    expect(known.code, JSON.stringify(known.body)).toBeUndefined();
  });

  it('counts X-Forwarded-For addresses only behind a trusted proxy', async () => {
    stack = await startFaultStack({ env: { AUTH_FAILURES_PER_MINUTE: '2', TRUSTED_PROXIES: '127.0.0.1,::1' } });
    const s = stack;
    const from = (address: string) => ({ 'x-forwarded-for': `${address}` });
    for (let i = 0; i < 2; i++) expect((await query(s, '{ eventStream { state } }', madeUp(i), from('203.0.113.7'))).code).toBe('UNAUTHENTICATED');
    expect((await query(s, '{ eventStream { state } }', madeUp(2), from('203.0.113.7'))).code).toBe('RATE_LIMITED');
    // Another client behind the same proxy has its own budget.
    expect((await query(s, '{ eventStream { state } }', madeUp(3), from('203.0.113.8'))).code).toBe('UNAUTHENTICATED');
    // A client cannot escape by prepending addresses: only what our proxy appended counts.
    expect((await query(s, '{ eventStream { state } }', madeUp(4), from('198.51.100.1, 203.0.113.7'))).code).toBe('RATE_LIMITED');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    stack = await startFaultStack({ env: { AUTH_FAILURES_PER_MINUTE: '2' } });
    const s = stack;
    for (let i = 0; i < 2; i++) {
      expect((await query(s, '{ eventStream { state } }', madeUp(i), { 'x-forwarded-for': `198.51.100.${i}` })).code).toBe('UNAUTHENTICATED');
    }
    expect((await query(s, '{ eventStream { state } }', madeUp(2), { 'x-forwarded-for': '198.51.100.77' })).code).toBe('RATE_LIMITED');
  });
});
