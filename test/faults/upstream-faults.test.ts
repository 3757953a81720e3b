/**
 * GWS misbehaving under load: hanging, flapping, tripping the circuit
 * breaker, forgetting every HTTP session mid-stream, dropping Bayeux sessions
 * again and again while events flow. Every answer must be a contract error
 * code (never INTERNAL_SERVER_ERROR), and the gateway must recover by itself.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { operationByName } from '../../src/operations/record-operations.js';
import { AGENT1, subscribe, untilNoSubscribers, untilSubscribed } from '../support/stack.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import { ackMessage, startFaultStack, until, type FaultStack } from './support/harness.js';

const update = operationByName('UpdateRecord')!;
const reject = operationByName('RejectRecord')!;
const UPDATE = mutationDocument(update);
const DEVICES = '{ devices { id } }';
const SUBSCRIPTION = 'subscription { outboundRecordEvents { referenceId } }';
type EventResult = { outboundRecordEvents: { referenceId: string | null } };

const withReference = (op = update, referenceId?: string): Record<string, unknown> => {
  const vars = variablesFromSeed(op, seedOf(op)) as { input: Record<string, unknown> };
  return { ...vars, input: { ...vars.input, ...(referenceId ? { referenceId } : {}) } };
};

type Outcome = { ok: true } | { ok: false; code: string };

/** The outcome of one GraphQL answer: success, or the code of its (single) error. */
function outcomeOf(status: number, body: { data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[] }): Outcome {
  expect(status, JSON.stringify(body)).toBeLessThan(500);
  if (!body.errors || body.errors.length === 0) return { ok: true };
  const codes = new Set(body.errors.map((e) => String(e.extensions?.['code'])));
  expect(codes.size, JSON.stringify(body.errors)).toBe(1);
  return { ok: false, code: [...codes][0]! };
}

async function mutate(stack: FaultStack, referenceId?: string): Promise<Outcome & { ms: number }> {
  const started = Date.now();
  const { status, body } = await stack.gql(UPDATE, withReference(update, referenceId), AGENT1);
  const outcome = outcomeOf(status, body);
  if (outcome.ok) expect((body.data as { updateRecord: { statusCode: number } }).updateRecord.statusCode).toBe(0);
  return { ...outcome, ms: Date.now() - started };
}

/** The circuit state when the GWS client exposes one (the lead's opossum breaker). */
const circuitState = (stack: FaultStack): string | undefined =>
  (stack.gateway.services.gws as unknown as { circuitState?: string }).circuitState;

describe('GWS hanging', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({
      env: { UPSTREAM_TIMEOUT_MS: '400', UPSTREAM_CONNECT_TIMEOUT_MS: '400', CIRCUIT_BREAKER_RESET_MS: '300' },
    });
  });
  afterAll(() => stack.stop());

  it('concurrent mutations and a cold session bootstrap all end with UPSTREAM_TIMEOUT in bounded time, then recovery', async () => {
    expect((await mutate(stack)).ok).toBe(true); // agent1's session is warm: the hang hits the POST
    stack.simulator.setFault('hang');
    const started = Date.now();
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () => mutate(stack)),
      // agent2 has no session yet: the hang hits the CSRF bootstrap GET.
      stack.gql(mutationDocument(reject), withReference(reject), `Basic ${Buffer.from('agent2:agent2pass').toString('base64')}`).then(
        ({ status, body }) => ({ ...outcomeOf(status, body), ms: Date.now() - started }),
      ),
    ]);
    const elapsed = Date.now() - started;
    for (const answer of answers) {
      expect(answer).toMatchObject({ ok: false, code: 'UPSTREAM_TIMEOUT' });
      expect(answer.ms).toBeGreaterThanOrEqual(350);
    }
    expect(elapsed).toBeLessThan(3_000);
    stack.simulator.setFault(null);
    // The breaker may have opened on these timeouts; it must close again by itself.
    const recovered = await until(async () => {
      const answer = await mutate(stack);
      if (!answer.ok) expect(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT']).toContain(answer.code);
      return answer.ok ? answer : undefined;
    }, 'a successful mutation after the hang', 5_000, 50);
    expect(recovered.ok).toBe(true);
  });
});

describe('GWS flapping', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({
      env: { UPSTREAM_TIMEOUT_MS: '1000', CIRCUIT_BREAKER_RESET_MS: '200', ACK_TIMEOUT_MS: '2000' },
    });
  });
  afterAll(() => stack.stop());
  afterEach(() => stack.simulator.setFault(null));

  it('every answer while GWS flaps is success, UPSTREAM_UNAVAILABLE or UPSTREAM_TIMEOUT; afterwards everything works again, the live subscription included', async () => {
    const sub = subscribe<EventResult>(stack.wsClient(AGENT1), SUBSCRIPTION);
    try {
      await untilSubscribed(stack, AGENT1);
      const outcomes: Outcome[] = [];
      const allowed = new Set(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);
      for (let round = 0; round < 24; round++) {
        stack.simulator.setFault(round % 2 === 0 ? 'down' : null);
        const batch = Promise.all([
          stack.gql(UPDATE, withReference(), AGENT1),
          stack.gql(DEVICES, undefined, AGENT1),
          stack.gql(UPDATE, withReference(), AGENT1),
        ]);
        // Flip again while the batch is in flight: resets hit requests half-way.
        if (round % 3 === 0) setImmediate(() => stack.simulator.setFault(round % 2 === 0 ? null : 'down'));
        for (const { status, body } of await batch) {
          const outcome = outcomeOf(status, body);
          if (!outcome.ok) expect(allowed, `unexpected ${outcome.code}: ${JSON.stringify(body)}`).toContain(outcome.code);
          expect(JSON.stringify(body)).not.toMatch(/"stacktrace"/);
          outcomes.push(outcome);
        }
      }
      expect(outcomes).toHaveLength(72);
      // Both kinds happened, or the test did not flap anything.
      expect(outcomes.some((o) => o.ok)).toBe(true);
      expect(outcomes.some((o) => !o.ok)).toBe(true);

      stack.simulator.setFault(null);
      await until(async () => (await mutate(stack)).ok, 'the first success after the flapping', 5_000, 50);
      for (let i = 0; i < 5; i++) expect(await mutate(stack)).toMatchObject({ ok: true });
      expect((await stack.http('/healthz')).status).toBe(200);
      await until(async () => (await stack.http('/readyz')).status === 200, '/readyz 200 after the flapping', 5_000, 100);

      // The live subscription survived: its CometD session reconnected by itself.
      let n = 0;
      await until(() => {
        stack.simulator.publish('agent1', '/v2/me/outbound', ackMessage(`after-flap-${n++}`));
        return sub.results.some((r) => r.data?.outboundRecordEvents.referenceId?.startsWith('after-flap-'));
      }, 'an event on the subscription after the flapping', 10_000, 100);
      expect((await mutate(stack, 'after-flap-op')).ok).toBe(true);
      await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'after-flap-op', 5_000);
      expect(sub.results.every((r) => r.errors === undefined)).toBe(true);
    } finally {
      sub.unsubscribe();
      await untilNoSubscribers(stack);
    }
  });
});

describe('circuit breaker', () => {
  const TIMEOUT_MS = 800;
  const RESET_MS = 1_500;
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({
      env: {
        UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
        UPSTREAM_CONNECT_TIMEOUT_MS: '500',
        CIRCUIT_BREAKER_ERROR_PERCENT: '50',
        CIRCUIT_BREAKER_RESET_MS: String(RESET_MS),
      },
    });
  });
  afterAll(() => stack.stop());
  afterEach(() => stack.simulator.setFault(null));

  it('opens after repeated failures: fails fast with UPSTREAM_UNAVAILABLE, sends nothing, /readyz 503; closes again after the reset time', async () => {
    expect((await mutate(stack)).ok).toBe(true);
    expect((await stack.http('/readyz')).status).toBe(200);

    stack.simulator.setFault('hang');
    const failures = await Promise.all(Array.from({ length: 8 }, () => mutate(stack)));
    for (const f of failures) expect(f).toMatchObject({ ok: false, code: 'UPSTREAM_TIMEOUT' });
    const openedAt = Date.now();
    if (circuitState(stack) !== undefined) expect(circuitState(stack)).toBe('open');

    // GWS is back, but the breaker does not know yet: it must fail fast and send nothing.
    stack.simulator.setFault(null);
    const seen = stack.simulator.requestCount;
    const fast = await mutate(stack);
    expect(fast).toMatchObject({ ok: false, code: 'UPSTREAM_UNAVAILABLE' });
    expect(fast.ms).toBeLessThan(TIMEOUT_MS / 4);
    const devices = await stack.gql(DEVICES, undefined, AGENT1);
    expect(outcomeOf(devices.status, devices.body)).toMatchObject({ ok: false, code: 'UPSTREAM_UNAVAILABLE' });
    expect(stack.simulator.requestCount - seen).toBe(0);

    const ready = await stack.http('/readyz');
    expect(ready.status).toBe(503);
    expect((await stack.http('/healthz')).status).toBe(200);

    // Half-open after RESET_MS: one probe goes through, succeeds, and the circuit closes.
    const recovered = await until(async () => {
      const answer = await mutate(stack);
      if (!answer.ok) expect(answer.code).toBe('UPSTREAM_UNAVAILABLE');
      return answer.ok ? Date.now() : undefined;
    }, 'a success after the reset time', RESET_MS + 4_000, 100);
    expect(recovered - openedAt).toBeGreaterThanOrEqual(RESET_MS - 300);
    if (circuitState(stack) !== undefined) expect(circuitState(stack)).toBe('closed');
    for (let i = 0; i < 3; i++) expect((await mutate(stack)).ok).toBe(true);
    await until(async () => (await stack.http('/readyz')).status === 200, '/readyz 200 after the circuit closed', 4_000, 100);
  });
});

describe('GWS session expiry mid-stream', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({ env: { ACK_TIMEOUT_MS: '3000' } });
  });
  afterAll(() => stack.stop());

  it('after GWS forgets every HTTP session, mutations succeed and later events still reach the same subscription', async () => {
    stack.simulator.resetCallingList();
    const sub = subscribe<EventResult>(stack.wsClient(AGENT1), SUBSCRIPTION);
    try {
      await untilSubscribed(stack, AGENT1);
      expect((await mutate(stack, 'before-expiry')).ok).toBe(true);
      await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'before-expiry');
      const user = stack.gateway.services.sessions.peek(AGENT1)!;
      const cookieBefore = user.gws.jar.getCookieStringSync(stack.simulator.url);
      const csrfBefore = user.gws.csrf?.token;
      expect(cookieBefore).toMatch(/JSESSIONID=/);

      stack.simulator.forgetHttpSessions();

      // The first mutation after the expiry: refused upstream, retried once on a new session, succeeds.
      const after = await mutate(stack, 'first-after-expiry');
      expect(after, JSON.stringify(after)).toMatchObject({ ok: true });

      // The CometD session re-handshakes on a new HTTP session; the subscription is the same one.
      let n = 0;
      await until(() => {
        stack.simulator.publish('agent1', '/v2/me/outbound', ackMessage(`probe-${n++}`));
        return sub.results.some((r) => r.data?.outboundRecordEvents.referenceId?.startsWith('probe-'));
      }, 'an event after the session expiry', 10_000, 100);
      await untilSubscribed(stack, AGENT1);
      expect(stack.simulator.bayeuxClientCount('agent1')).toBe(1);
      expect(user.gws.jar.getCookieStringSync(stack.simulator.url)).not.toBe(cookieBefore);
      expect(user.gws.csrf?.token).toBeTruthy();
      expect(user.gws.csrf?.token).not.toBe(csrfBefore);

      expect((await mutate(stack, 'second-after-expiry')).ok).toBe(true);
      const event = await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'second-after-expiry');
      expect(event.errors).toBeUndefined();
      expect(sub.results.every((r) => r.errors === undefined)).toBe(true);
    } finally {
      sub.unsubscribe();
      await untilNoSubscribers(stack);
    }
  });
});

describe('Bayeux sessions dropped repeatedly while events flow', () => {
  const ROUNDS = 5;
  const PER_ROUND = 30;
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({ env: { EVENT_PAIRING_WINDOW_MS: '0' } });
  });
  afterAll(() => stack.stop());

  it('no event published after each reconnection is lost, none is duplicated, one Bayeux client is left', async () => {
    const sub = subscribe<EventResult>(stack.wsClient(AGENT1), SUBSCRIPTION);
    const refs = (): string[] => sub.results.map((r) => r.data!.outboundRecordEvents.referenceId!);
    try {
      await untilSubscribed(stack, AGENT1);
      for (let round = 0; round < ROUNDS; round++) {
        // Events in flight around the drop may be lost (GWS drops the session's queue), never duplicated.
        for (let i = 0; i < 5; i++) stack.simulator.publish('agent1', '/v2/me/outbound', ackMessage(`r${round}-around-${i}`));
        expect(stack.simulator.dropBayeuxSessions('agent1')).toBeGreaterThan(0);
        for (let i = 5; i < 10; i++) stack.simulator.publish('agent1', '/v2/me/outbound', ackMessage(`r${round}-around-${i}`));

        let n = 0;
        await until(() => {
          stack.simulator.publish('agent1', '/v2/me/outbound', ackMessage(`r${round}-probe-${n++}`));
          return refs().some((r) => r.startsWith(`r${round}-probe-`));
        }, `reconnection in round ${round}`, 10_000, 50);

        for (let i = 0; i < PER_ROUND; i++) stack.simulator.publish('agent1', '/v2/me/outbound', ackMessage(`r${round}-e${i}`));
        await until(() => refs().filter((r) => r.startsWith(`r${round}-e`)).length >= PER_ROUND, `the ${PER_ROUND} events of round ${round}`, 5_000);
        expect(refs().filter((r) => r.startsWith(`r${round}-e`))).toEqual(Array.from({ length: PER_ROUND }, (_, i) => `r${round}-e${i}`));
      }
      const all = refs();
      expect(all.filter((r) => /^r\d+-e\d+$/.test(r))).toHaveLength(ROUNDS * PER_ROUND);
      expect(new Set(all).size).toBe(all.length);
      expect(sub.results.every((r) => r.errors === undefined)).toBe(true);
      await until(() => stack.simulator.bayeuxClientCount('agent1') === 1, 'exactly one Bayeux client of agent1', 3_000);
    } finally {
      sub.unsubscribe();
      await untilNoSubscribers(stack);
    }
  });
});
