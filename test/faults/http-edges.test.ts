/**
 * The HTTP edge, over raw sockets: slow headers and slow bodies are cut by the
 * configured timeouts (408) instead of Node's 60 s / 300 s; idle keep-alive
 * sockets are closed; a Content-Length over MAX_BODY_BYTES gets its 413 at
 * once, without the body ever being sent; connections past HTTP_MAX_CONNECTIONS
 * are refused. requestTimeout cuts only the receiving of a request: a slow
 * answer and a long-lived WebSocket outlive it. Unknown paths and wrong methods
 * get JSON, never Express's HTML page.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationByName } from '../../src/operations/record-operations.js';
import { AGENT1, subscribe, untilSubscribed } from '../support/stack.js';
import { seedOf, variablesFromSeed } from '../support/operations.js';
import { startFaultStack, until, type FaultStack } from './support/harness.js';

const HEADERS_TIMEOUT_MS = 400;
// Not tighter: Node checks the timeouts on a timer that runs before the poll phase, so on a machine busy enough to stall the
// event loop for this long a request whose bytes have arrived but not yet been read would be cut (408) too.
const REQUEST_TIMEOUT_MS = 3_000;
const KEEPALIVE_TIMEOUT_MS = 300;
const EVENT_DELAY_MS = REQUEST_TIMEOUT_MS + 1_500;
const MAX_BODY_BYTES = 2_048;

/** A raw TCP client: everything received, and when the server closed it. */
interface RawClient {
  socket: Socket;
  received: () => string;
  closed: Promise<number>;
  /** Resolves with the data once it contains `text`, or rejects at the deadline. */
  waitFor(text: string, timeoutMs: number): Promise<string>;
}

async function rawClient(origin: string): Promise<RawClient> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (data += chunk));
  socket.on('error', () => undefined); // a reset by the server is an outcome the tests look at, not a crash
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  return {
    socket,
    received: () => data,
    closed,
    waitFor: (text, timeoutMs) => until(() => data.includes(text) && data, `"${text}" from the server; got ${JSON.stringify(data)}`, timeoutMs),
  };
}

const jsonBodyOf = (response: string): unknown => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));

describe('HTTP server limits', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({
      simulator: { eventDelayMs: EVENT_DELAY_MS },
      env: {
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        HTTP_KEEPALIVE_TIMEOUT_MS: String(KEEPALIVE_TIMEOUT_MS),
        MAX_BODY_BYTES: String(MAX_BODY_BYTES),
        ACK_TIMEOUT_MS: '10000',
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('a Content-Length over MAX_BODY_BYTES: 413 JSON at once, without the body being sent, and the connection closed', async () => {
    const client = await rawClient(stack.origin);
    client.socket.write(`POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nAuthorization: ${AGENT1}\r\nContent-Length: 50000000\r\n\r\n`);
    const response = await client.waitFor('}]}', 3_000);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response.toLowerCase()).toContain('connection: close');
    expect(jsonBodyOf(response)).toEqual({ errors: [{ message: 'Request body too large', extensions: { code: 'BAD_REQUEST', maxBodyBytes: MAX_BODY_BYTES } }] });
    await client.closed;
    expect(stack.simulator.requestCount).toBe(0);
  });

  it('headers that never end: 408 and closed after HTTP_HEADERS_TIMEOUT_MS, not 60 s', async () => {
    const client = await rawClient(stack.origin);
    const startedAt = Date.now();
    client.socket.write('POST /graphql HTTP/1.1\r\nHost: gw\r\nX-Slow: ');
    const closedAt = await Promise.race([client.closed, new Promise<number>((r) => setTimeout(() => r(-1), 8_000))]);
    expect(closedAt, 'the socket was still open after 8 s').toBeGreaterThan(0);
    expect(closedAt - startedAt).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a body that never ends: 408 and closed after HTTP_REQUEST_TIMEOUT_MS, not 300 s', async () => {
    const client = await rawClient(stack.origin);
    const startedAt = Date.now();
    client.socket.write(`POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"query":`);
    const closedAt = await Promise.race([client.closed, new Promise<number>((r) => setTimeout(() => r(-1), 12_000))]);
    expect(closedAt, 'the socket was still open after 12 s').toBeGreaterThan(0);
    expect(closedAt - startedAt).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('an idle keep-alive connection is closed after HTTP_KEEPALIVE_TIMEOUT_MS', async () => {
    const client = await rawClient(stack.origin);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n');
    await client.waitFor('"ok"', 3_000);
    const answeredAt = Date.now();
    // Node closes it keepAliveTimeout plus its own 1 s margin after the answer; its default would be 5 s plus that margin.
    const closedAt = await Promise.race([client.closed, new Promise<number>((r) => setTimeout(() => r(-1), 4_500))]);
    expect(closedAt, 'the idle socket was still open after 4.5 s (Node default: 6 s)').toBeGreaterThan(0);
    expect(closedAt - answeredAt).toBeGreaterThanOrEqual(KEEPALIVE_TIMEOUT_MS - 50);
  });

  it('requestTimeout does not cut an answer that takes longer than it (an awaited acknowledgement)', async () => {
    const op = operationByName('RejectRecord')!;
    const vars = variablesFromSeed(op, seedOf(op)) as { recordHandle: number; input: Record<string, unknown> };
    const startedAt = Date.now();
    const { status, body } = await stack.gql(
      `mutation Op($recordHandle: Int!, $input: ${op.inputType}!) { ${op.mutation}(recordHandle: $recordHandle, input: $input) { statusCode acknowledgement { referenceId } } }`,
      { ...vars, input: { ...vars.input, referenceId: 'slow-answer' } },
      AGENT1,
    );
    const elapsed = Date.now() - startedAt;
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual({ data: { [op.mutation]: { statusCode: 0, acknowledgement: { referenceId: 'slow-answer' } } } });
    expect(elapsed).toBeGreaterThanOrEqual(EVENT_DELAY_MS - 50);
  });

  it('requestTimeout does not cut a WebSocket that lives longer than it', async () => {
    const sub = subscribe<{ outboundRecordEvents: { referenceId: string } }>(stack.wsClient(AGENT1), 'subscription { outboundRecordEvents { referenceId } }');
    await untilSubscribed(stack, AGENT1);
    await new Promise((r) => setTimeout(r, REQUEST_TIMEOUT_MS + 1_500));
    stack.simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'RecordRejectAcknowledge', messageType: 'OutboundRecordMessage', referenceId: 'after-timeout', record: { recordHandle: 1 } });
    const result = await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'after-timeout');
    expect(result.errors).toBeUndefined();
    sub.unsubscribe();
  });

  it('unknown paths get a JSON 404 with code NOT_FOUND; a wrong method on a known path a JSON 405 with Allow', async () => {
    for (const path of ['/', '/nope', '/graphq', '/healthz/x']) {
      const r = await stack.http(path);
      expect(r.status, path).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(r.text)).toEqual({ errors: [{ message: expect.stringContaining(path) as string, extensions: { code: 'NOT_FOUND' } }] });
    }
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const r = await stack.http(path, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(r.status, path).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD');
      expect(JSON.parse(r.text)).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    }
    const put = await stack.http('/graphql', { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(put.status).toBe(405);
    expect(JSON.parse(put.text)).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });
});

describe('HTTP_MAX_CONNECTIONS', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack({ env: { HTTP_MAX_CONNECTIONS: '2' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses connections past the cap at once and takes new ones when a slot frees', async () => {
    const first = await rawClient(stack.origin);
    const second = await rawClient(stack.origin);
    await until(async () => (await new Promise<number>((r) => stack.gateway.httpServer.getConnections((_e, n) => r(n)))) === 2, 'two connections counted');
    const third = await rawClient(stack.origin);
    const closedAt = await Promise.race([third.closed, new Promise<number>((r) => setTimeout(() => r(-1), 3_000))]);
    expect(closedAt, 'the connection past the cap stayed open').toBeGreaterThan(0);
    expect(third.received()).toBe('');

    first.socket.destroy();
    await first.closed;
    await until(async () => (await new Promise<number>((r) => stack.gateway.httpServer.getConnections((_e, n) => r(n)))) === 1, 'one connection left');
    const fourth = await rawClient(stack.origin);
    fourth.socket.write('GET /healthz HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    expect(await fourth.waitFor('"ok"', 3_000)).toMatch(/^HTTP\/1\.1 200 /);
    second.socket.destroy();
  });
});
