/**
 * Upstream replies are bounded (issue 9, finding 5): a REST, bootstrap,
 * CometD or readiness reply over UPSTREAM_MAX_RESPONSE_BYTES is cut off as
 * soon as the bound is passed (the simulator counts what it managed to
 * write) and answered UPSTREAM_UNAVAILABLE / RESPONSE_TOO_LARGE; a body that
 * drips is cut at UPSTREAM_TIMEOUT_MS; no log line carries the body.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { operationByName } from '../../src/operations/record-operations.js';
import { AGENT1, subscribe } from '../support/stack.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import { capturedLogger, startFaultStack, until, type FaultStack } from '../faults/support/harness.js';

const MAX = 64 * 1024;
const HUGE = 40 * 1024 * 1024;
// What may have been written before the cut: the bound plus socket and stream buffers.
const WRITTEN_AT_MOST = 8 * 1024 * 1024;
const update = operationByName('UpdateRecord')!;

let stack: FaultStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function mutate(s: FaultStack) {
  const { body } = await s.gql(mutationDocument(update), variablesFromSeed(update, seedOf(update)), AGENT1);
  return body.errors?.[0]?.extensions as Record<string, unknown> | undefined;
}

describe('reply size bound (UPSTREAM_MAX_RESPONSE_BYTES)', () => {
  it('an oversized reply to a POST: UPSTREAM_UNAVAILABLE RESPONSE_TOO_LARGE, reading stopped early, chunked or with Content-Length', async () => {
    stack = await startFaultStack({ env: { UPSTREAM_MAX_RESPONSE_BYTES: String(MAX) } });
    const s = stack;
    expect(await mutate(s)).toBeUndefined(); // the session is made before the fault
    s.simulator.setReplyFault({ on: 'rest', method: 'POST', kind: 'oversized', bytes: HUGE });
    expect(await mutate(s)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamErrorCode: 'RESPONSE_TOO_LARGE' });
    expect(s.simulator.faultyBytesSent).toBeLessThan(WRITTEN_AT_MOST);
    const written = s.simulator.faultyBytesSent;
    s.simulator.setReplyFault({ on: 'rest', method: 'POST', kind: 'oversized', bytes: HUGE, declareLength: true });
    expect(await mutate(s)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamErrorCode: 'RESPONSE_TOO_LARGE' });
    expect(s.simulator.faultyBytesSent - written).toBeLessThan(WRITTEN_AT_MOST);
    s.simulator.setReplyFault(null);
    expect(await mutate(s)).toBeUndefined();
  });

  it('an oversized bootstrap reply: the credential gets no session', async () => {
    stack = await startFaultStack({ env: { UPSTREAM_MAX_RESPONSE_BYTES: String(MAX) } });
    stack.simulator.setReplyFault({ on: 'rest', method: 'GET', path: '/api/v2/me', kind: 'oversized', bytes: HUGE });
    const { body } = await stack.gql('{ devices { id } }', undefined, AGENT1);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamErrorCode: 'RESPONSE_TOO_LARGE' });
    expect(stack.simulator.faultyBytesSent).toBeLessThan(WRITTEN_AT_MOST);
    expect(stack.gateway.services.sessions.peek(AGENT1)).toBeUndefined();
  });

  it('/readyz: an oversized probe reply is not ready, and is cut off', async () => {
    stack = await startFaultStack({ env: { UPSTREAM_MAX_RESPONSE_BYTES: String(MAX) } });
    stack.simulator.setReplyFault({ on: 'rest', path: '/api/v2/me', kind: 'oversized', bytes: HUGE });
    const ready = await stack.http('/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toMatchObject({ upstream: { reachable: false, error: 'RESPONSE_TOO_LARGE' } });
    expect(stack.simulator.faultyBytesSent).toBeLessThan(WRITTEN_AT_MOST);
  });

  it('an oversized CometD reply is a transport error (retried), cut off, and no log line carries it, even at trace level', async () => {
    const log = capturedLogger('trace');
    stack = await startFaultStack({ env: { UPSTREAM_MAX_RESPONSE_BYTES: String(MAX) }, logger: log.logger });
    const s = stack;
    s.simulator.setReplyFault({ on: 'cometd', kind: 'oversized', bytes: HUGE });
    const sub = subscribe(s.wsClient(AGENT1), 'subscription { outboundRecordEvents { referenceId } }');
    await until(() => s.simulator.requestCount > 0 && s.gateway.services.sessions.peek(AGENT1)?.eventStreamStatus().state === 'RECONNECTING', 'a retry after the oversized reply');
    expect(s.simulator.faultyBytesSent).toBeLessThan(WRITTEN_AT_MOST);
    s.simulator.setReplyFault(null);
    await until(() => s.gateway.services.sessions.peek(AGENT1)?.eventStreamStatus().state === 'CONNECTED', 'connected once GWS behaves', 10_000);
    sub.unsubscribe();
    const longest = Math.max(...log.lines.map((l) => l.length));
    expect(longest).toBeLessThan(4_096);
    expect(log.lines.some((l) => l.includes('x'.repeat(300)))).toBe(false);
  });
});

describe('the whole request within UPSTREAM_TIMEOUT_MS', () => {
  it('a reply whose body drips forever ends with UPSTREAM_TIMEOUT', async () => {
    stack = await startFaultStack({ env: { UPSTREAM_TIMEOUT_MS: '600' } });
    const s = stack;
    expect(await mutate(s)).toBeUndefined();
    s.simulator.setReplyFault({ on: 'rest', method: 'POST', kind: 'drip', intervalMs: 50 });
    expect(await mutate(s)).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(s.simulator.faultyBytesSent).toBeGreaterThan(0);
  });
});
