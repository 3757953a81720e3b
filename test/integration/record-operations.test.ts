/**
 * The five mutations end to end: gateway -> real HTTP -> simulator. For each
 * seed, what the simulator receives must deep-equal the seed's sample request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RECORD_OPERATIONS, operationByName } from '../../src/operations/record-operations.js';
import { AGENT1, AGENT2, basic, startStack, type Stack } from '../support/stack.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});
beforeEach(() => {
  stack.simulator.resetCallingList();
});

const lastReceived = () => stack.simulator.received.at(-1)!;

describe.each(RECORD_OPERATIONS.map((op) => [op.operationName, op] as const))('%s', (_name, op) => {
  const seed = seedOf(op);

  it('sends exactly the seed sample request', async () => {
    const { status, body } = await stack.gql(mutationDocument(op), variablesFromSeed(op, seed), AGENT1);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(body.data![op.mutation]).toEqual({ operationName: op.operationName, referenceId: '123456789', statusCode: 0 });
    const received = lastReceived();
    expect(received.path).toBe(seed.path);
    expect(received.body).toEqual(seed.request);
  });

  it('generates a referenceId when none is given, and leaves out what was not given', async () => {
    const variables = variablesFromSeed(op, seed) as { input: Record<string, unknown> };
    const input = Object.fromEntries(
      op.fields.filter((f) => f.required).map((f) => [f.name, variables.input[f.name]]),
    );
    const { body } = await stack.gql(mutationDocument(op), { ...variables, input }, AGENT1);
    expect(body.errors).toBeUndefined();
    const result = body.data![op.mutation] as { referenceId: string };
    expect(result.referenceId).toMatch(/^gql-/);
    const sent = lastReceived().body;
    expect(sent['referenceId']).toBe(result.referenceId);
    const expected = { ...Object.fromEntries(op.fields.filter((f) => f.required).map((f) => [f.name, seed.request[f.name]])), operationName: op.operationName, referenceId: result.referenceId };
    expect(sent).toEqual(expected);
  });
});

describe('optional fields and enums reach GWS as GWS strings', () => {
  it('UpdateRecord with every optional field', async () => {
    const op = operationByName('UpdateRecord')!;
    const input = {
      applicationId: 134, campaignName: 'Campaign1', callingList: 'CallingList1', phoneNumber: '+1 555 0100',
      timeZone: 'Europe/Paris', phoneType: 'DIRECT_BUSINESS_PHONE', from: 28800, until: 64800,
      devicePath: '/devices/68b39a39-dfb5-417d-9efe-93c03a1375af', referenceId: 'upd-1',
    };
    const { body } = await stack.gql(mutationDocument(op), { recordHandle: 6, input }, AGENT1);
    expect(body.errors).toBeUndefined();
    expect(lastReceived().body).toEqual({ ...input, phoneType: 'DirectBusinessPhone', operationName: 'UpdateRecord' });
  });

  it('CompleteRecord with a call result', async () => {
    const op = operationByName('CompleteRecord')!;
    const seed = seedOf(op);
    const variables = variablesFromSeed(op, seed) as { recordHandle: number; input: Record<string, unknown> };
    const { body } = await stack.gql(mutationDocument(op), { ...variables, input: { ...variables.input, callResult: 'ANSWERING_MACHINE_DETECTED' } }, AGENT1);
    expect(body.errors).toBeUndefined();
    expect(lastReceived().body['callResult']).toBe('AnsweringMachineDetected');
  });
});

describe('GWS errors', () => {
  it('a completed record cannot be rejected: UPSTREAM_REJECTED with statusCode 2', async () => {
    const complete = operationByName('CompleteRecord')!;
    const reject = operationByName('RejectRecord')!;
    const done = await stack.gql(mutationDocument(complete), variablesFromSeed(complete, seedOf(complete)), AGENT1);
    expect(done.body.errors).toBeUndefined();
    const rejectVars = variablesFromSeed(reject, seedOf(reject)) as { input: Record<string, unknown> };
    const { body } = await stack.gql(mutationDocument(reject), { recordHandle: 12, input: rejectVars.input }, AGENT1);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', upstreamStatusCode: 2 });
    expect(typeof body.errors?.[0]?.extensions?.['upstreamMessage']).toBe('string');
    expect(body.errors?.[0]?.extensions?.['stacktrace']).toBeUndefined();
  });

  it('an unknown record: UPSTREAM_REJECTED with GWS statusCode', async () => {
    const reject = operationByName('RejectRecord')!;
    const rejectVars = variablesFromSeed(reject, seedOf(reject)) as { input: Record<string, unknown> };
    const { body } = await stack.gql(mutationDocument(reject), { recordHandle: 999_999, input: rejectVars.input }, AGENT1);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', upstreamStatusCode: 6 });
  });
});

describe('input validation: BAD_USER_INPUT and nothing sent upstream', () => {
  const reject = operationByName('RejectRecord')!;
  const good = () => (variablesFromSeed(reject, seedOf(reject)) as { input: Record<string, unknown> }).input;
  it.each<[string, { recordHandle?: number; input?: Record<string, unknown> }]>([
    ['recordHandle <= 0', { recordHandle: 0 }],
    ['empty campaign', { input: { campaignName: '' } }],
    ['bad devicePath', { input: { devicePath: 'devices/x' } }],
    ['very long calling list', { input: { callingList: 'x'.repeat(10_000) } }],
  ])('%s', async (_label, change) => {
    const before = stack.simulator.requestCount;
    const variables = { recordHandle: change.recordHandle ?? 9, input: { ...good(), ...(change.input ?? {}) } };
    const { body } = await stack.gql(mutationDocument(reject), variables, AGENT1);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(stack.simulator.requestCount).toBe(before);
  });

  it('a phone number with illegal characters', async () => {
    const cancel = operationByName('CancelRecord')!;
    const variables = variablesFromSeed(cancel, seedOf(cancel)) as { input: Record<string, unknown> };
    const before = stack.simulator.requestCount;
    const { body } = await stack.gql(mutationDocument(cancel), { input: { ...variables.input, phoneNumber: '41;DROP' } }, AGENT1);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', invalidFields: [{ field: 'input.phoneNumber' }] });
    expect(stack.simulator.requestCount).toBe(before);
  });

  it('a wrong enum value is GraphQL validation, with nothing sent', async () => {
    const op = operationByName('RescheduleRecord')!;
    const variables = variablesFromSeed(op, seedOf(op)) as { recordHandle: number; input: Record<string, unknown> };
    const before = stack.simulator.requestCount;
    const { status, body } = await stack.gql(mutationDocument(op), { ...variables, input: { ...variables.input, callbackType: 'Personal' } }, AGENT1);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(stack.simulator.requestCount).toBe(before);
  });
});

describe('authentication', () => {
  const reject = operationByName('RejectRecord')!;
  const variables = () => variablesFromSeed(reject, seedOf(reject));

  it('no credentials: UNAUTHENTICATED and nothing sent upstream', async () => {
    const before = stack.simulator.requestCount;
    const { body } = await stack.gql(mutationDocument(reject), variables());
    expect(body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(stack.simulator.requestCount).toBe(before);
  });

  it('a malformed Authorization header: UNAUTHENTICATED and nothing sent upstream', async () => {
    const before = stack.simulator.requestCount;
    const { body } = await stack.gql(mutationDocument(reject), variables(), 'Basic not base64!');
    expect(body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(stack.simulator.requestCount).toBe(before);
  });

  it('credentials GWS rejects: UNAUTHENTICATED', async () => {
    const posts = stack.simulator.received.length;
    const { body } = await stack.gql(mutationDocument(reject), variables(), basic('agent1', 'wrong-password'));
    expect(body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    // Refused at the session bootstrap (GET /api/v2/me): the operation itself was never posted.
    expect(stack.simulator.received.length).toBe(posts);
  });
});

describe('upstream sessions', () => {
  const op = operationByName('UpdateRecord')!;
  const variables = () => variablesFromSeed(op, seedOf(op));

  it('bootstraps the CSRF token with GET /api/v2/me, and refreshes it once after GWS forgot the session', async () => {
    const first = await stack.gql(mutationDocument(op), variables(), AGENT1);
    expect(first.body.errors).toBeUndefined();
    stack.simulator.forgetHttpSessions();
    const count = stack.simulator.received.length;
    const second = await stack.gql(mutationDocument(op), variables(), AGENT1);
    expect(second.body.errors).toBeUndefined();
    expect((second.body.data![op.mutation] as { statusCode: number }).statusCode).toBe(0);
    // One refused POST (stale token), then the same POST once more: no other retry.
    const posts = stack.simulator.received.slice(count);
    expect(posts).toHaveLength(2);
    expect(posts[0]!.body).toEqual(posts[1]!.body);
  });

  it('two users never share cookies or sessions', async () => {
    const a = await stack.gql(mutationDocument(op), variables(), AGENT1);
    const b = await stack.gql(mutationDocument(op), variables(), AGENT2);
    expect(a.body.errors).toBeUndefined();
    expect(b.body.errors).toBeUndefined();
    const received = stack.simulator.received.slice(-2);
    expect(received.map((r) => r.username)).toEqual(['agent1', 'agent2']);
    const s1 = stack.gateway.services.sessions.peek(AGENT1)!;
    const s2 = stack.gateway.services.sessions.peek(AGENT2)!;
    expect(s1).not.toBe(s2);
    const c1 = await s1.gws.jar.getCookieString(stack.simulator.url);
    const c2 = await s2.gws.jar.getCookieString(stack.simulator.url);
    const id = (c: string) => /JSESSIONID=([^;]+)/.exec(c)?.[1];
    expect(id(c1)).toBeDefined();
    expect(id(c2)).toBeDefined();
    expect(id(c1)).not.toBe(id(c2));
    expect(s1.gws.csrf?.token).not.toBe(s2.gws.csrf?.token);
  });
});
