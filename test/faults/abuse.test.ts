/**
 * What a hostile or broken client can send, over HTTP and graphql-ws:
 * malformed bodies, wrong content types, oversized bodies, documents over the
 * depth/alias/token/cost limits, batches, GET and text/plain mutations (CSRF),
 * floods of requests, subscriptions and silent connections. Each is refused
 * without a stack trace and without reaching GWS, and after each flood the
 * gateway still answers and its heap does not keep growing.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationByName } from '../../src/operations/record-operations.js';
import { AGENT1, AGENT2, basic, eventLogWatchers, subscribe, untilNoSubscribers, untilSubscribed } from '../support/stack.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import {
  ackMessage,
  heapBound,
  rawSocket,
  settledHeapUsed,
  forceGc,
  STACK_TRACE,
  startFaultStack,
  until,
  within,
  type FaultStack,
  type RawSocket,
} from './support/harness.js';

const AGENT3 = basic('agent3', 'agent3pass');
const update = operationByName('UpdateRecord')!;
const updateBody = (): string => JSON.stringify({ query: mutationDocument(update), variables: variablesFromSeed(update, seedOf(update)) });

type Body = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };

function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : Number.NaN;
}

/** Opens a raw graphql-transport-ws connection and waits for connection_ack. */
async function initialisedSocket(stack: FaultStack, authorization = AGENT1): Promise<RawSocket> {
  const ws = rawSocket(stack.gateway.wsUrl);
  await ws.opened;
  ws.send({ type: 'connection_init', payload: { authorization } });
  await ws.waitFor((m) => m.type === 'connection_ack');
  return ws;
}

describe('HTTP and graphql-ws protocol abuse', () => {
  const LIMITS = { MAX_QUERY_DEPTH: '4', MAX_ALIASES: '3', MAX_TOKENS: '300', MAX_QUERY_COST: '60', MAX_BODY_BYTES: '4096' };
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({ env: LIMITS });
  });
  afterAll(() => stack.stop());

  const post = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    stack.http('/graphql', { method: 'POST', headers: { authorization: AGENT1, ...headers }, body });

  /** The gateway still serves a plain query. */
  async function stillAnswers(): Promise<void> {
    const { status, body } = await stack.gql('{ eventStream { state } }', undefined, AGENT1);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  }

  it('malformed JSON bodies: 400, no stack trace, nothing executed', async () => {
    const received = stack.simulator.received.length;
    const bodies = ['{"query":', 'not json', '{"query": "{ __typename }"', '[', '', 'null', '"a string"', '{"query": 5}', '\u0000\u0001', '{"query":"{ __typename }","variables":"nope"}'];
    const wrong: string[] = [];
    for (const body of bodies) {
      const { status, text } = await post(body);
      if (status < 400 || status >= 500 || STACK_TRACE.test(text)) wrong.push(`${JSON.stringify(body)} -> ${status} ${text.slice(0, 160)}`);
    }
    expect(wrong, wrong.join('\n')).toEqual([]);
    expect(stack.simulator.received.length).toBe(received);
    await stillAnswers();
  });

  it('wrong content types never execute a mutation (CSRF prevention), and leak no stack trace', async () => {
    const received = stack.simulator.received.length;
    const requests: Record<string, string>[] = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'text/plain;charset=utf-8' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'multipart/form-data; boundary=x' },
      { 'content-type': 'application/xml' },
      { 'content-type': 'text/plain', 'apollo-require-preflight': 'true' },
      {},
    ];
    for (const headers of requests) {
      const { status, text } = await post(updateBody(), headers);
      expect(status, `${JSON.stringify(headers)} -> ${status} ${text}`).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(text).not.toMatch(STACK_TRACE);
    }
    expect(stack.simulator.received.length).toBe(received);
    // The same body as JSON does execute: the refusals above were about the content type.
    const ok = await post(updateBody());
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.text) as Body).errors).toBeUndefined();
    expect(stack.simulator.received.length).toBe(received + 1);
  });

  it('GET mutations are refused, with or without the preflight header; GET queries work', async () => {
    const received = stack.simulator.received.length;
    const params = new URLSearchParams({ query: mutationDocument(update), variables: JSON.stringify(variablesFromSeed(update, seedOf(update))) });
    const plain = await stack.http(`/graphql?${params}`, { headers: { authorization: AGENT1 } });
    expect(plain.status).toBe(400); // CSRF prevention: a simple GET without a preflight header
    const preflighted = await stack.http(`/graphql?${params}`, { headers: { authorization: AGENT1, 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(405); // mutations only over POST
    expect(preflighted.text).not.toMatch(STACK_TRACE);
    expect(stack.simulator.received.length).toBe(received);
    const query = await stack.http(`/graphql?${new URLSearchParams({ query: '{ eventStream { state } }' })}`, {
      headers: { authorization: AGENT1, 'apollo-require-preflight': 'true' },
    });
    expect(query.status).toBe(200);
    expect(JSON.parse(query.text)).toMatchObject({ data: { eventStream: { state: 'IDLE' } } });
  });

  it('batched requests (arrays) are refused and execute nothing', async () => {
    const received = stack.simulator.received.length;
    const one = JSON.parse(updateBody()) as object;
    for (const batch of [[one, one], [{ query: '{ __typename }' }], []]) {
      const { status, text } = await post(JSON.stringify(batch));
      expect(status, text).toBe(400);
      expect(text).not.toMatch(STACK_TRACE);
    }
    expect(stack.simulator.received.length).toBe(received);
  });

  it('bodies over MAX_BODY_BYTES: 413, with or without Content-Length, no stack trace; under it: served', async () => {
    const padded = (size: number): string => {
      const base = JSON.stringify({ query: '{ __typename }', extensions: { pad: '' } });
      return JSON.stringify({ query: '{ __typename }', extensions: { pad: 'x'.repeat(size - base.length) } });
    };
    expect((await post(padded(3_000))).status).toBe(200);
    const over = await post(padded(5_000));
    const huge = await post(padded(2 * 1024 * 1024));

    // Chunked, no Content-Length: the limit applies to what arrives.
    const url = new URL(stack.gateway.url);
    const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: AGENT1 } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      const body = padded(20_000);
      for (let i = 0; i < body.length; i += 1_000) req.write(body.slice(i, i + 1_000));
      req.end();
    });
    expect([over.status, huge.status, chunked.status]).toEqual([413, 413, 413]);
    await stillAnswers();
    const leaking = Object.entries({ over, huge, chunked }).filter(([, r]) => STACK_TRACE.test(r.text));
    expect(leaking.map(([name, r]) => `${name}: ${r.text.slice(0, 200)}`)).toEqual([]);
  });

  it('an oversized graphql-ws message closes that socket (1009) and nothing else', async () => {
    const ws = await initialisedSocket(stack);
    ws.send({ id: 'big', type: 'subscribe', payload: { query: `{ __typename } # ${'x'.repeat(200 * 1024)}` } });
    expect((await within(ws.closed, 3_000, 'close after an oversized message')).code).toBe(1009);
    const other = await initialisedSocket(stack);
    other.send({ id: '1', type: 'subscribe', payload: { query: '{ eventStream { state } }' } });
    expect(await other.waitFor((m) => m.type === 'next' && m.id === '1')).toMatchObject({ payload: { data: { eventStream: { state: 'IDLE' } } } });
    other.socket.close();
  });

  describe('document limits (depth 4, aliases 3, tokens 300, cost 60)', () => {
    const nested = (levels: number): string =>
      `{ eventStream { ${'... on EventStreamStatus { '.repeat(levels)}state${' }'.repeat(levels)} } }`;
    // __typename is on graphql-armor's alias allow-list: alias a real field.
    const aliased = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: eventStream { state }`).join(' ')} }`;
    const wide = (n: number): string => `{ ${Array(n).fill('__typename').join(' ')} }`;
    // A subscription whose filter lists many values: many tokens, almost no cost, depth 2.
    const tokenHeavy = (n: number): string =>
      `subscription { outboundRecordEvents(filter: { notificationTypes: [${Array(n).fill('UNKNOWN').join(', ')}] }) { referenceId } }`;
    const deepMutation =
      'mutation { completeRecord(recordHandle: 12, input: { applicationId: 134, campaignName: "Campaign1", callingList: "CallingList1", devicePath: "/devices/42e3a1c6-fc5e-425b-9411-125f536fde00" }) { acknowledgement { record { ... on OutboundRecord { recordHandle } } } } }';

    const over: [string, string, RegExp][] = [
      ['depth', nested(3), /depth/i],
      ['depth (mutation)', deepMutation, /depth/i],
      ['aliases', aliased(4), /alias/i],
      ['cost', wide(70), /cost/i],
      ['tokens', tokenHeavy(400), /token/i],
    ];

    it.each(over)('over HTTP: %s over the limit is a GraphQL validation error, nothing executed', async (_name, query, message) => {
      const received = stack.simulator.received.length;
      const { status, text } = await post(JSON.stringify({ query }));
      const body = JSON.parse(text) as Body;
      expect(status, text).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors).toHaveLength(1);
      expect(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']).toContain(body.errors![0]!.extensions?.['code']);
      expect(body.errors![0]!.message).toMatch(message);
      expect(text).not.toMatch(STACK_TRACE);
      expect(stack.simulator.received.length).toBe(received);
    });

    it.each(over)('over graphql-ws: %s over the limit is a GraphQL validation error, the socket stays open', async (_name, query, message) => {
      const received = stack.simulator.received.length;
      const ws = await initialisedSocket(stack);
      try {
        ws.send({ id: 'q', type: 'subscribe', payload: { query } });
        const answer = await ws.waitFor((m) => m.id === 'q' && (m.type === 'error' || m.type === 'next' || m.type === 'complete'));
        expect(answer.type, JSON.stringify(answer)).toBe('error');
        const errors = answer.payload as { message: string; extensions?: Record<string, unknown> }[];
        expect(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']).toContain(errors[0]!.extensions?.['code']);
        expect(errors[0]!.message).toMatch(message);
        expect(JSON.stringify(errors)).not.toMatch(STACK_TRACE);
        // The connection is still usable.
        ws.send({ id: 'ok', type: 'subscribe', payload: { query: '{ eventStream { state } }' } });
        await ws.waitFor((m) => m.type === 'next' && m.id === 'ok');
        expect(stack.simulator.received.length).toBe(received);
      } finally {
        ws.socket.close();
      }
    });

    it('over graphql-ws: an ordinary validation error is GRAPHQL_VALIDATION_FAILED, not INTERNAL_SERVER_ERROR', async () => {
      const ws = await initialisedSocket(stack);
      try {
        ws.send({ id: 'v', type: 'subscribe', payload: { query: '{ noSuchField }' } });
        const answer = await ws.waitFor((m) => m.id === 'v' && m.type === 'error');
        expect((answer.payload as { extensions?: Record<string, unknown> }[])[0]!.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      } finally {
        ws.socket.close();
      }
    });

    it('just under each limit, the same shapes are served (the limits come from the configuration)', async () => {
      for (const query of [nested(2), aliased(3), wide(40)]) {
        const { status, text } = await post(JSON.stringify({ query }));
        expect(status, `${query} -> ${text}`).toBe(200);
        expect((JSON.parse(text) as Body).errors, text).toBeUndefined();
      }
      // Under the token limit the subscription document is valid; over HTTP it is refused only because it is a subscription.
      const { text } = await post(JSON.stringify({ query: tokenHeavy(100) }));
      expect(text).not.toMatch(/token/i);
    });
  });
});

describe('a flood of requests from one credential', () => {
  const POINTS = 10;
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({ env: { RATE_LIMIT_POINTS: String(POINTS), RATE_LIMIT_WINDOW_SECONDS: '60' } });
  });
  afterAll(() => stack.stop());

  /** `count` devices queries from one credential, `concurrency` at a time: how many succeeded and how many were limited. */
  async function flood(authorization: string, count: number, concurrency = 50): Promise<{ ok: number; limited: number; statuses: Set<number> }> {
    let ok = 0;
    let limited = 0;
    const statuses = new Set<number>();
    for (let sent = 0; sent < count; sent += concurrency) {
      const batch = Array.from({ length: Math.min(concurrency, count - sent) }, () => stack.gql('{ devices { id } }', undefined, authorization));
      for (const { status, body } of await Promise.all(batch)) {
        statuses.add(status);
        expect(status).toBeLessThan(500);
        if (!body.errors) ok++;
        else {
          expect(body.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED' });
          expect(body.errors[0]!.extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
          limited++;
        }
      }
    }
    return { ok, limited, statuses };
  }

  it('RATE_LIMITED past the budget over HTTP and graphql-ws; another credential is unaffected; the heap does not grow over a second flood', async () => {
    const first = await flood(AGENT1, 300);
    expect(first).toMatchObject({ ok: POINTS, limited: 300 - POINTS });
    // The limited answers carry HTTP 429 (extensions.http), the others 200.
    expect([...first.statuses].sort()).toEqual([200, 429]);

    // The same credential over graphql-ws is limited too.
    const sub = subscribe(stack.wsClient(AGENT1), 'subscription { outboundRecordEvents { referenceId } }');
    const ended = await within(sub.ended, 5_000, 'the refused subscription to end');
    // Refused in the subscribe resolver: a `next` carrying the error, then `complete` (or an `error` message).
    expect(JSON.stringify([ended.error ?? null, sub.results])).toContain('RATE_LIMITED');

    // Others are unaffected, and the gateway answers normally.
    expect(await flood(AGENT2, POINTS)).toMatchObject({ ok: POINTS, limited: 0 });
    expect((await stack.http('/healthz')).status).toBe(200);
    const metrics = await stack.http('/metrics');
    expect(metricValue(metrics.text, 'gateway_rate_limited_total')).toBe(300 - POINTS + 1);

    const before = await settledHeapUsed();
    expect(await flood(AGENT1, 300)).toMatchObject({ ok: 0, limited: 300 });
    const after = await settledHeapUsed();
    expect(after - before).toBeLessThan(heapBound(forceGc() !== undefined));
    expect(await flood(AGENT3, 1)).toMatchObject({ ok: 1 });
  });
});

describe('a flood of subscriptions on one connection', () => {
  const MAX = 5;
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({ env: { WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: String(MAX), EVENT_PAIRING_WINDOW_MS: '0' } });
  });
  afterAll(() => stack.stop());

  const QUERY = 'subscription { outboundRecordEvents { referenceId } }';
  type EventResult = { outboundRecordEvents: { referenceId: string } };
  let round = 0;

  async function flood(): Promise<void> {
    round++;
    const client = stack.wsClient(AGENT1);
    const live = Array.from({ length: MAX }, () => subscribe<EventResult>(client, QUERY));
    await untilSubscribed(stack, AGENT1, MAX);
    const refused = Array.from({ length: 3 * MAX }, () => subscribe<EventResult>(client, QUERY));
    for (const sub of refused) {
      const { error } = await within(sub.ended, 5_000, 'a refused subscription to end');
      expect(JSON.stringify(error)).toContain('RATE_LIMITED');
    }
    // A second connection has its own allowance.
    const otherClient = stack.wsClient(AGENT1);
    const other = subscribe<EventResult>(otherClient, QUERY);
    await untilSubscribed(stack, AGENT1, MAX + 1);

    stack.simulator.publish('agent1', '/v2/me/outbound', ackMessage(`flood-${round}`));
    for (const sub of [...live, other]) {
      const result = await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === `flood-${round}`);
      expect(result.errors).toBeUndefined();
    }
    // Refusals were not counted against the connection: freeing one slot lets one more in.
    live[0]!.unsubscribe();
    await until(() => stack.gateway.services.sessions.peek(AGENT1)!.eventStreamStatus().subscribers === MAX, 'a slot to free');
    const again = subscribe<EventResult>(client, QUERY);
    await untilSubscribed(stack, AGENT1, MAX + 1);
    for (const sub of [...live.slice(1), again, other]) sub.unsubscribe();
    await untilNoSubscribers(stack);
    await Promise.all([client.dispose(), otherClient.dispose()]);
    const { body } = await stack.gql('{ eventStream { state subscribers } }', undefined, AGENT1);
    expect(body.errors).toBeUndefined();
  }

  it(`refuses subscriptions past ${MAX} per connection with RATE_LIMITED; the live ones keep working; the heap does not grow over a second flood`, async () => {
    await flood();
    const before = await settledHeapUsed();
    await flood();
    const after = await settledHeapUsed();
    expect(after - before).toBeLessThan(heapBound(forceGc() !== undefined));
    expect(eventLogWatchers(stack)).toBe(0);
  });
});

describe('a flood of connections that never send connection_init', () => {
  const INIT_TIMEOUT_MS = 300;
  const SOCKETS = 40;
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({ env: { WS_CONNECTION_INIT_TIMEOUT_MS: String(INIT_TIMEOUT_MS) } });
  });
  afterAll(() => stack.stop());

  async function flood(): Promise<void> {
    const started = Date.now();
    const sockets = Array.from({ length: SOCKETS }, () => rawSocket(stack.gateway.wsUrl));
    await Promise.all(sockets.map((s) => s.opened));
    const closes = await within(Promise.all(sockets.map((s) => s.closed)), INIT_TIMEOUT_MS + 3_000, 'every silent socket to be closed');
    const elapsed = Date.now() - started;
    for (const close of closes) expect(close.code).toBe(4408);
    expect(elapsed).toBeGreaterThanOrEqual(INIT_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(INIT_TIMEOUT_MS + 3_000);
    await until(async () => metricValue((await stack.http('/metrics')).text, 'gateway_ws_connections') === 0, 'no ws connection left', 3_000);
    // A well-behaved client is served right after.
    const ws = await initialisedSocket(stack);
    ws.send({ id: '1', type: 'subscribe', payload: { query: '{ eventStream { state } }' } });
    await ws.waitFor((m) => m.type === 'next' && m.id === '1');
    ws.socket.close();
    await ws.closed;
  }

  it(`closes each with 4408 after WS_CONNECTION_INIT_TIMEOUT_MS; the gateway serves others; the heap does not grow over a second flood`, async () => {
    await flood();
    const before = await settledHeapUsed();
    await flood();
    const after = await settledHeapUsed();
    expect(after - before).toBeLessThan(heapBound(forceGc() !== undefined));
  });
});
