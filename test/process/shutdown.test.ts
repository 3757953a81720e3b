/**
 * The real process (`node --import tsx src/main.ts`, built-in simulator):
 * SIGTERM and SIGINT shut it down in order (an in-flight HTTP request is
 * finished, graphql-ws clients get 1001, upstream sessions and the simulator
 * are closed) and it exits 0 within the grace period; its logs show the steps
 * and never a credential, cookie or CSRF token. A wrong configuration value
 * stops it at once with a non-zero code and the variable named.
 */
import { request } from 'node:http';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AGENT1 } from '../support/stack.js';
import { freePort, spawnGateway, type GatewayProcess, type LogRecord } from './gateway-process.js';

const GRACE_MS = 3_000;
const START_TIMEOUT_MS = 30_000;
const CREDENTIAL_BASE64 = AGENT1.slice('Basic '.length);

/** Registers cleanup for the current test (the tests run concurrently: each cleans up only what it started). */
type OnFinished = (fn: () => void | Promise<void>) => void;

async function start(onFinished: OnFinished, env: Record<string, string> = {}): Promise<{ gateway: GatewayProcess; url: string; wsUrl: string }> {
  const port = await freePort();
  const gateway = spawnGateway({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: String(GRACE_MS), ...env });
  onFinished(() => gateway.kill());
  const listening = await gateway.waitForLog((r) => r.msg === 'gateway listening', START_TIMEOUT_MS, 'gateway listening');
  const url = String(listening['url']);
  expect(url).toBe(`http://127.0.0.1:${port}/graphql`);
  return { gateway, url, wsUrl: String(listening['ws']) };
}

async function gql(url: string, query: string, variables?: Record<string, unknown>): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AGENT1 },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

/** A graphql-ws client (the real one) with one live subscription; `closeCode` resolves with the socket's close code. */
async function liveSubscriber(onFinished: OnFinished, url: string, wsUrl: string) {
  let resolveClose!: (code: number) => void;
  const closeCode = new Promise<number>((r) => (resolveClose = r));
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    onNonLazyError: () => undefined, // the close at shutdown is expected; its code is checked through `on.closed`
    retryAttempts: 0,
    connectionParams: { authorization: AGENT1 },
    on: { closed: (event) => resolveClose((event as { code: number }).code) },
  });
  onFinished(() => client.dispose());
  const events: unknown[] = [];
  client.subscribe({ query: 'subscription { outboundRecordEvents { referenceId } }' }, { next: (v) => events.push(v), error: () => undefined, complete: () => undefined });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { data } = await gql(url, '{ eventStream { state subscribers } }');
    const status = data?.['eventStream'] as { state: string; subscribers: number } | undefined;
    if (status?.state === 'CONNECTED' && status.subscribers === 1) break;
    if (Date.now() > deadline) throw new Error(`subscription not live: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { client, closeCode, events };
}

/** A POST whose body is only half sent: completed later with `finish()`. */
function halfSentRequest(url: string, body: string) {
  const target = new URL(url);
  const split = Math.floor(body.length / 2);
  let finish!: () => void;
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: AGENT1 },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, split));
    finish = () => req.end(body.slice(split));
  });
  return { response, finish: () => finish() };
}

/** Log lines carrying a secret: the credential, the password, a cookie, a JSESSIONID-shaped value or a CSRF token. */
function secretLines(lines: string[]): string[] {
  const patterns = [
    new RegExp(CREDENTIAL_BASE64.replace(/[+/=]/g, '\\$&')),
    /agent[123]pass/,
    /JSESSIONID=|BAYEUX_BROWSER=|AWSELB=/,
    /\b[0-9A-F]{32}\b/, // the simulator's JSESSIONID values
    /csrf[^,}]*"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/i,
    /Basic [A-Za-z0-9+/=]{8,}/,
  ];
  return lines.filter((line) => patterns.some((p) => p.test(line)));
}

const indexOfMsg = (records: LogRecord[], msg: string): number => records.findIndex((r) => r.msg === msg);

describe.concurrent('the gateway process', () => {
  it('SIGTERM: finishes the in-flight request, closes graphql-ws clients with 1001, exits 0 within the grace period, logs the steps and no secret', async ({ onTestFinished }) => {
    const { gateway, url, wsUrl } = await start(onTestFinished);
    const { closeCode, events } = await liveSubscriber(onTestFinished, url, wsUrl);
    // An operation with its acknowledgement: the user's HTTP session, CSRF token and CometD cookies all exist.
    const done = await gql(
      url,
      'mutation { rejectRecord(recordHandle: 9, input: { applicationId: 134, campaignName: "Campaign1", callingList: "CallingList1", devicePath: "/devices/2b00393c-9ad3-418f-8b3d-a06cbe8af395", referenceId: "proc-1" }) { statusCode acknowledgement { referenceId } } }',
    );
    expect(done.errors, JSON.stringify(done)).toBeUndefined();
    expect(done.data).toEqual({ rejectRecord: { statusCode: 0, acknowledgement: { referenceId: 'proc-1' } } });

    const inFlight = halfSentRequest(url, JSON.stringify({ query: '{ devices { id } }' }));
    await new Promise((r) => setTimeout(r, 100)); // let the request's head reach the server
    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    await gateway.waitForLog((r) => r.msg === 'shutting down', 5_000, 'shutting down');
    inFlight.finish();

    const exit = await gateway.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(GRACE_MS + 3_000);
    expect(await closeCode).toBe(1001);
    const answer = await inFlight.response;
    expect(answer.status, answer.text).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ data: { devices: expect.any(Array) } });
    expect(events.length).toBeGreaterThanOrEqual(1);

    const records = gateway.records();
    const shuttingDown = records.find((r) => r.msg === 'shutting down');
    expect(shuttingDown).toMatchObject({ signal: 'SIGTERM' });
    const order = ['shutting down', 'CometD session closed', 'GWS simulator closed', 'stopped'].map((m) => indexOfMsg(records, m));
    expect(order.every((i) => i >= 0), JSON.stringify(records.map((r) => r.msg))).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(records.filter((r) => (r.level ?? 0) >= 50), 'no error lines').toEqual([]);
    expect(secretLines(gateway.lines)).toEqual([]);
    expect(secretLines(gateway.stderr().split('\n'))).toEqual([]);
  });

  it('SIGINT (production mode): closes the graphql-ws client with 1001 and exits 0; a malformed body shows no stack trace', async ({ onTestFinished }) => {
    const { gateway, url, wsUrl } = await start(onTestFinished, { NODE_ENV: 'production', GWS_SIMULATOR: 'true' });
    const { closeCode } = await liveSubscriber(onTestFinished, url, wsUrl);
    const malformed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
    const text = await malformed.text();
    expect(malformed.status).toBe(400);
    expect(text).not.toMatch(/\n\s+at |node_modules/);

    const signalledAt = Date.now();
    gateway.child.kill('SIGINT');
    const exit = await gateway.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(GRACE_MS + 3_000);
    expect(await closeCode).toBe(1001);
    const records = gateway.records();
    expect(records.find((r) => r.msg === 'shutting down')).toMatchObject({ signal: 'SIGINT' });
    expect(indexOfMsg(records, 'stopped')).toBeGreaterThan(indexOfMsg(records, 'shutting down'));
    expect(secretLines(gateway.lines)).toEqual([]);
  });

  it('a wrong configuration value (PORT=abc): exits non-zero at once, naming PORT', async ({ onTestFinished }) => {
    const gateway = spawnGateway({ PORT: 'abc', LOG_LEVEL: 'info' });
    onTestFinished(() => gateway.kill());
    const exit = await gateway.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(gateway.stderr()).toMatch(/\bPORT\b/);
    expect(gateway.lines.some((l) => l.includes('gateway listening'))).toBe(false);
  });
});
