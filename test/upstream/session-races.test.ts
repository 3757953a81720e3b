/**
 * Session correctness (issue 9, finding 4): the shared bootstrap belongs to
 * no caller, so one client hanging up fails nobody else; a reset names the
 * session generation that failed, so a stale refusal cannot wipe a newer
 * session; a disposed user session opens no CometD session; one user session
 * and one Bayeux client per credential; shutdown leaves no Bayeux client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { buildUpstreamRequest } from '../../src/operations/build-request.js';
import { operationByName } from '../../src/operations/record-operations.js';
import { startSimulator, type GwsSimulator } from '../../src/simulator/index.js';
import { GwsHttpClient } from '../../src/upstream/gws-http-client.js';
import { GwsSession } from '../../src/upstream/gws-session.js';
import { AGENT1, subscribe, untilSubscribed } from '../support/stack.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import { startFaultStack, until, type FaultStack } from '../faults/support/harness.js';

const update = operationByName('UpdateRecord')!;

let stack: FaultStack | undefined;
let simulator: GwsSimulator | undefined;
let client: GwsHttpClient | undefined;
afterEach(async () => {
  client?.dispose();
  await stack?.stop();
  await simulator?.close();
  stack = undefined;
  simulator = undefined;
  client = undefined;
});

const jsessionid = async (session: GwsSession, url: string): Promise<string | undefined> =>
  (await session.jar.getCookies(url)).find((c) => c.key === 'JSESSIONID')?.value;

describe('the shared bootstrap', () => {
  it("runs without any caller's signal: a client that hangs up does not fail the other requests of the same user", async () => {
    stack = await startFaultStack();
    const s = stack;
    s.simulator.setReplyFault({ on: 'rest', method: 'GET', path: '/api/v2/me', kind: 'delay', ms: 400 });
    const body = JSON.stringify({ query: mutationDocument(update), variables: variablesFromSeed(update, seedOf(update)) });
    const headers = { 'content-type': 'application/json', authorization: AGENT1 };
    const leaving = new AbortController();
    const first = fetch(s.gateway.url, { method: 'POST', headers, body, signal: leaving.signal }).catch(() => 'aborted');
    const second = fetch(s.gateway.url, { method: 'POST', headers, body });
    await until(() => s.simulator.requestCount > 0, 'the bootstrap at GWS');
    leaving.abort();
    expect(await first).toBe('aborted');
    const answer = (await (await second).json()) as { data?: unknown; errors?: unknown[] };
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toMatchObject({ updateRecord: { statusCode: 0 } });
  });
});

describe('session generations', () => {
  it('a refusal of an older session (a CometD handshake) keeps the newer session a REST request just made', async () => {
    simulator = await startSimulator();
    client = new GwsHttpClient({ baseUrl: simulator.url, connectTimeoutMs: 2_000, timeoutMs: 5_000, logger: silentLogger });
    const session = new GwsSession(AGENT1);
    await client.ensureSession(session);
    const stale = session.generation;
    // REST found that session gone and made a new one.
    expect(session.invalidate(stale)).toBe(true);
    await client.ensureSession(session);
    expect(session.state).toMatchObject({ state: 'ready', generation: stale + 1 });
    const cookie = await jsessionid(session, simulator.url);
    expect(cookie).toBeDefined();
    const requests = simulator.requestCount;

    // The CometD handshake sent with the old session is refused: nothing to reset, no new bootstrap.
    await client.refreshSession(session, stale);
    expect(await jsessionid(session, simulator.url)).toBe(cookie);
    expect(session.state).toMatchObject({ state: 'ready', generation: stale + 1 });
    expect(simulator.requestCount).toBe(requests);

    // A refusal of the current session does start a new one.
    await client.refreshSession(session, stale + 1);
    expect(session.state).toMatchObject({ state: 'ready', generation: stale + 2 });
    expect(await jsessionid(session, simulator.url)).not.toBe(cookie);
  });

  it('concurrent POSTs that meet a lost session make one new session between them, and both succeed', async () => {
    simulator = await startSimulator();
    client = new GwsHttpClient({ baseUrl: simulator.url, connectTimeoutMs: 2_000, timeoutMs: 5_000, logger: silentLogger });
    const session = new GwsSession(AGENT1);
    await client.ensureSession(session);
    simulator.forgetHttpSessions();
    const before = simulator.requestCount;
    const seed = seedOf(update);
    const variables = variablesFromSeed(update, seed) as { recordHandle?: number; input: Record<string, unknown> };
    const post = () => {
      const request = buildUpstreamRequest(update, variables.recordHandle, variables.input);
      return client!.post(session, request.path, request.body);
    };
    const results = await Promise.all([post(), post(), post()]);
    expect(results.map((r) => r.statusCode)).toEqual([0, 0, 0]);
    // Three refused POSTs, one bootstrap, three accepted POSTs.
    expect(simulator.requestCount - before).toBe(7);
  });
});

describe('user sessions and their CometD sessions', () => {
  it('one user session and one Bayeux client per credential, however many subscribe at once; none left after shutdown', async () => {
    stack = await startFaultStack();
    const s = stack;
    const subs = Array.from({ length: 6 }, () => subscribe(s.wsClient(AGENT1), 'subscription { outboundRecordEvents { referenceId } }'));
    await untilSubscribed(s, AGENT1, 6);
    expect(s.gateway.services.sessions.size).toBe(1);
    expect(s.simulator.bayeuxClientCount('agent1')).toBe(1);
    for (const sub of subs) sub.unsubscribe();
    const simulatorOf = s.simulator;
    await s.gateway.stop();
    expect(simulatorOf.bayeuxClientCount()).toBe(0);
  });

  it('a disposed user session opens no CometD session', async () => {
    stack = await startFaultStack();
    const s = stack;
    const { body } = await s.gql('{ eventStream { state } }', undefined, AGENT1);
    expect(body.errors).toBeUndefined();
    const user = s.gateway.services.sessions.peek(AGENT1)!;
    await user.dispose();
    expect(() => user.subscribe()).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }) }));
    expect(() => user.awaitAcknowledgement('r-1')).toThrow();
    await new Promise((r) => setTimeout(r, 200));
    expect(s.simulator.bayeuxClientCount()).toBe(0);
  });
});

describe('aliased fields', () => {
  it('15 aliased devices fields: one upstream GET, no MaxListeners warning', async () => {
    stack = await startFaultStack({ env: { MAX_ALIASES: '15' } });
    const s = stack;
    expect((await s.gql('{ eventStream { state } }', undefined, AGENT1)).body.errors).toBeUndefined();
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const before = s.simulator.requestCount;
      const document = `{ ${Array.from({ length: 15 }, (_, i) => `d${i}: devices { id }`).join(' ')} }`;
      const { body } = await s.gql<Record<string, { id: string }[]>>(document, undefined, AGENT1);
      expect(body.errors).toBeUndefined();
      expect(Object.values(body.data!).every((list) => list.length > 0)).toBe(true);
      expect(s.simulator.requestCount - before).toBe(1);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
