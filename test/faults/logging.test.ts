/**
 * Logs at level trace never show a secret: not the Authorization value (nor
 * its base64 part, nor the password), not a cookie value the gateway holds
 * for GWS (JSESSIONID, BAYEUX_BROWSER, AWSELB), not a CSRF token. Driven
 * through successful, rejected, unauthenticated and wrongly authenticated
 * mutations, a live subscription, a GWS session loss (CSRF refresh) and a GWS
 * outage. Also: each HTTP GraphQL request logs one line with its request id
 * and operation name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationByName } from '../../src/operations/record-operations.js';
import { DEMO_USERS } from '../../src/simulator/index.js';
import { AGENT1, AGENT2, basic, subscribe, untilNoSubscribers, untilSubscribed } from '../support/stack.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import { capturedLogger, startFaultStack, until, type CapturedLog, type FaultStack } from './support/harness.js';

const WRONG_PASSWORD = 'wr0ng-Pa55word-XYZ';
const WRONG = basic('agent1', WRONG_PASSWORD);
const update = operationByName('UpdateRecord')!;
const SUBSCRIPTION = 'subscription Live { outboundRecordEvents { referenceId } }';

let stack: FaultStack;
let gatewayLog: CapturedLog;
let simulatorLog: CapturedLog;
/** Every secret seen during the run: credentials, and cookie values and CSRF tokens sampled from the session jars. */
const secrets = new Set<string>();
let sampler: NodeJS.Timeout | undefined;

function sampleSessionSecrets(): void {
  for (const authorization of [AGENT1, AGENT2]) {
    const user = stack.gateway.services.sessions.peek(authorization);
    if (!user) continue;
    for (const cookie of user.gws.jar.serializeSync()?.cookies ?? []) {
      if (typeof cookie.value === 'string' && cookie.value.length >= 8) secrets.add(cookie.value);
    }
    if (user.gws.csrf?.token) secrets.add(user.gws.csrf.token);
  }
}

async function post(query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>) {
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } };
}

const updateVars = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const vars = variablesFromSeed(update, seedOf(update)) as { recordHandle: number; input: Record<string, unknown> };
  return { ...vars, ...overrides };
};
const codeOf = (body: { errors?: { extensions?: Record<string, unknown> }[] }): unknown => body.errors?.[0]?.extensions?.['code'];

beforeAll(async () => {
  gatewayLog = capturedLogger('trace');
  simulatorLog = capturedLogger('trace', 'simulator');
  stack = await startFaultStack({ logger: gatewayLog.logger, simulator: { logger: simulatorLog.logger }, env: { ACK_TIMEOUT_MS: '3000' } });
  for (const user of DEMO_USERS) {
    secrets.add(user.password);
    const auth = basic(user.username, user.password);
    secrets.add(auth);
    secrets.add(auth.slice('Basic '.length));
  }
  secrets.add(WRONG_PASSWORD);
  secrets.add(WRONG.slice('Basic '.length));
  sampler = setInterval(sampleSessionSecrets, 5);

  // Drive everything that logs.
  const ok = await post(mutationDocument(update).replace('mutation Op', 'mutation LogProbe'), updateVars(), { authorization: AGENT1, 'x-request-id': 'log-req-1' });
  expect(ok.body.errors).toBeUndefined();
  sampleSessionSecrets();
  const rejected = await post(mutationDocument(update), updateVars({ recordHandle: 999_999 }), { authorization: AGENT1, 'x-request-id': 'log-req-2' });
  expect(codeOf(rejected.body)).toBe('UPSTREAM_REJECTED');
  const badInput = await post(mutationDocument(update), updateVars({ input: { ...(updateVars().input as object), phoneNumber: 'call me\u0007' } }), { authorization: AGENT1 });
  expect(codeOf(badInput.body)).toBe('BAD_USER_INPUT');
  const anonymous = await post(mutationDocument(update), updateVars(), {});
  expect(codeOf(anonymous.body)).toBe('UNAUTHENTICATED');
  const wrong = await post(mutationDocument(update), updateVars(), { authorization: WRONG, 'x-request-id': 'log-req-wrong' });
  expect(codeOf(wrong.body)).toBe('UNAUTHENTICATED');
  const wrongWs = subscribe(stack.wsClient(WRONG), SUBSCRIPTION);
  await wrongWs.ended;

  const sub = subscribe<{ outboundRecordEvents: { referenceId: string } }>(stack.wsClient(AGENT1), SUBSCRIPTION);
  const sub2 = subscribe(stack.wsClient(AGENT2), SUBSCRIPTION);
  await untilSubscribed(stack, AGENT1);
  await untilSubscribed(stack, AGENT2);
  sampleSessionSecrets();
  expect((await post(mutationDocument(update), updateVars({ input: { ...(updateVars().input as object), referenceId: 'log-ev-1' } }), { authorization: AGENT1 })).body.errors).toBeUndefined();
  await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'log-ev-1');

  // GWS forgets every session: CSRF refresh on the next POST, CometD re-handshake.
  stack.simulator.forgetHttpSessions();
  expect((await post(mutationDocument(update), updateVars({ input: { ...(updateVars().input as object), referenceId: 'log-ev-2' } }), { authorization: AGENT1, 'x-request-id': 'log-req-refresh' })).body.errors).toBeUndefined();
  sampleSessionSecrets();
  let n = 0;
  await until(() => {
    stack.simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'RecordRejectAcknowledge', messageType: 'OutboundRecordMessage', referenceId: `log-probe-${n++}`, record: { recordHandle: 1 } });
    return sub.results.some((r) => r.data?.outboundRecordEvents.referenceId.startsWith('log-probe-'));
  }, 'events after the session loss', 10_000, 100);
  sampleSessionSecrets();

  // An outage: transport errors are logged too.
  stack.simulator.setFault('down');
  expect(codeOf((await post('{ devices { id } }', undefined, { authorization: AGENT2 })).body)).toBe('UPSTREAM_UNAVAILABLE');
  stack.simulator.setFault(null);

  sub.unsubscribe();
  sub2.unsubscribe();
  await untilNoSubscribers(stack);
  sampleSessionSecrets();
});

afterAll(async () => {
  clearInterval(sampler);
  await stack?.stop();
});

/** Lines that contain any secret, with the secret's kind, for the failure message. */
function leaks(lines: string[]): string[] {
  const found: string[] = [];
  for (const line of lines) {
    for (const secret of secrets) {
      if (line.includes(secret)) found.push(`${secret.slice(0, 6)}… in ${line.slice(0, 300)}`);
    }
    if (/JSESSIONID=|BAYEUX_BROWSER=|AWSELB=/.test(line)) found.push(`cookie header in ${line.slice(0, 300)}`);
  }
  return found;
}

describe('secrets never reach the logs', () => {
  it('the run produced logs and secrets to look for', () => {
    expect(gatewayLog.lines.length).toBeGreaterThan(20);
    // Two users' JSESSIONIDs before and after the loss, CometD cookies and CSRF tokens: well over the static credentials.
    expect(secrets.size).toBeGreaterThan(DEMO_USERS.length * 3 + 2 + 4);
  });

  it('no gateway log line (level trace) contains a credential, password, cookie value or CSRF token', () => {
    expect(leaks(gatewayLog.lines)).toEqual([]);
  });

  it('no line of the built-in simulator (logged through the same logger when GWS_BASE_URL is unset) contains one either', () => {
    expect(leaks(simulatorLog.lines)).toEqual([]);
  });
});

describe('request log lines', () => {
  it('each HTTP GraphQL request logs one line with its request id and operation name', () => {
    const requests = gatewayLog.records().filter((r) => r['msg'] === 'graphql request');
    expect(requests.length, 'no "graphql request" lines: the request-logging plugin did not log').toBeGreaterThan(0);
    for (const r of requests) expect(typeof r['requestId'] === 'string' && (r['requestId'] as string).length > 0, JSON.stringify(r)).toBe(true);
    const probe = requests.filter((r) => r['requestId'] === 'log-req-1');
    expect(probe).toHaveLength(1);
    expect(probe[0]).toMatchObject({ operationName: 'LogProbe', operationType: 'mutation' });
    expect(requests.find((r) => r['requestId'] === 'log-req-2')).toMatchObject({ operationName: 'Op', errorCodes: ['UPSTREAM_REJECTED'] });
    expect(requests.find((r) => r['requestId'] === 'log-req-wrong')).toMatchObject({ errorCodes: ['UNAUTHENTICATED'] });
  });

  it('the record operation line of a request carries the same request id', () => {
    const lines = gatewayLog.records().filter((r) => r['requestId'] === 'log-req-1');
    expect(lines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['record operation', 'graphql request']));
  });
});
