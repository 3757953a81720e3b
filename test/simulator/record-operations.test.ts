/**
 * The five outbound record operations: validation, calling-list rules, and
 * the CometD messages each accepted operation publishes to its user only.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSimulator } from '../../src/simulator/index.js';
import { RECORD_OPERATIONS } from '../../src/operations/record-operations.js';
import type { BayeuxMessage } from './support/bayeux-client.js';
import { subscribedAgent, twoAgents, type TwoAgents } from './support/fixture.js';
import { agentClient } from './support/gws-client.js';
import { SEED_SAMPLES, seedSample } from './support/seed-samples.js';

let env: TwoAgents;
beforeAll(async () => {
  env = await twoAgents();
});
afterAll(() => env.close());
beforeEach(() => env.sim.resetCallingList());

const post = (path: string, body: unknown) => env.agent1.rest.post(path, body);
const nextOn = (channel: string) => env.agent1.bayeux.next((m: BayeuxMessage) => m.channel === channel);

const metrics = {
  eventProcessing: {
    serverGenerationTimestamp: expect.any(Number),
    nodeProcessingTimeNanos: expect.any(Number),
    serverProcessingTimeTotalMs: expect.any(Number),
  },
};

it('has a seed sample for every operation of the table', () => {
  expect(SEED_SAMPLES.map((s) => s.operationName).sort()).toEqual(RECORD_OPERATIONS.map((o) => o.operationName).sort());
});

describe.each(SEED_SAMPLES)('$operationName seed sample', (sample) => {
  it('is accepted with statusCode 0 and publishes exactly the seed messages, ack first, to agent1 only', async () => {
    const res = await post(sample.path, sample.body);
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({ statusCode: 0 });

    const [first, second] = [await env.agent1.bayeux.next(), await env.agent1.bayeux.next()];
    expect(first).toStrictEqual({ channel: '/v2/me/outbound', data: sample.ack });
    expect(second).toStrictEqual({
      channel: '/me/internal',
      data: { metrics, userData: sample.userData, deviceId: sample.deviceId, messageType: 'DeviceUserEventMessage' },
    });
    await env.expectNothingElse(env.agent2, 'agent2');
    await env.expectNothingElse(env.agent1, 'agent1');

    expect(env.sim.received.at(-1)).toStrictEqual({
      username: 'agent1',
      method: 'POST',
      path: sample.path,
      ...(sample.path.endsWith('outbound-records') ? {} : { recordHandle: Number(sample.path.split('/').pop()) }),
      body: sample.body,
      receivedAt: expect.any(Number),
      httpStatus: 200,
      statusCode: 0,
    });
  });

  it('leaves referenceId out of the ack when the request has none', async () => {
    const { referenceId: _dropped, ...body } = sample.body;
    expect((await post(sample.path, body)).body).toEqual({ statusCode: 0 });
    const ack = await nextOn('/v2/me/outbound');
    expect(ack.data).not.toHaveProperty('referenceId');
    expect(ack.data).toStrictEqual((({ referenceId: _r, ...rest }) => rest)(sample.ack));
    await nextOn('/me/internal');
  });
});

describe('validation', () => {
  const reject = seedSample('RejectRecord');
  const cancel = seedSample('CancelRecord');

  it.each(['campaignName', 'devicePath', 'applicationId', 'callingList'])(
    'answers 400 statusCode 1 when required %s is missing, and remembers the request',
    async (name) => {
      const { [name]: _missing, ...body } = reject.body;
      const res = await post(reject.path, body);
      expect(res.statusCode).toBe(400);
      expect(res.body).toEqual({ statusCode: 1, statusMessage: `Required parameter ${name} is missing` });
      expect(env.sim.received.at(-1)).toMatchObject({ body, httpStatus: 400, statusCode: 1 });
    },
  );

  it('answers statusCode 1 without operationName, 10 for an unknown one', async () => {
    const { operationName: _o, ...body } = reject.body;
    expect((await post(reject.path, body)).body).toMatchObject({ statusCode: 1 });
    expect((await post(reject.path, { ...body, operationName: 'EraseRecord' })).body).toMatchObject({ statusCode: 10 });
  });

  it('wants the handle in the URL exactly where the table puts it', async () => {
    const noHandle = await post('/api/v2/me/outbound-records', reject.body);
    expect(noHandle.statusCode).toBe(400);
    expect(noHandle.body).toEqual({ statusCode: 1, statusMessage: 'Required parameter recordHandle is missing' });
    const handle = await post('/api/v2/me/outbound-records/11', cancel.body);
    expect(handle.statusCode).toBe(400);
    expect(handle.body).toMatchObject({ statusCode: 10 });
    expect((await post('/api/v2/me/outbound-records/nine', reject.body)).body).toMatchObject({ statusCode: 10 });
  });

  it.each([
    ['devicePath', 'devices/2b00393c'],
    ['devicePath', '/device/2b00393c'],
    ['applicationId', '134'],
    ['applicationId', -1],
    ['referenceId', 123456789],
  ])('answers statusCode 10 when %s is %j', async (name, value) => {
    const res = await post(reject.path, { ...reject.body, [name]: value });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 10, statusMessage: expect.stringContaining(name) });
  });

  it('checks enum values against the tables', async () => {
    const res = await post(cancel.path, { ...cancel.body, chainAttribute: 'SomeChain' });
    expect(res.body).toMatchObject({ statusCode: 10, statusMessage: expect.stringContaining('AllChain') });
  });

  it('publishes nothing for a refused request', async () => {
    await post(reject.path, { ...reject.body, devicePath: 'nope' });
    await env.expectNothingElse(env.agent1, 'agent1');
  });
});

describe('calling list', () => {
  const reject = seedSample('RejectRecord');
  const complete = seedSample('CompleteRecord');
  const cancel = seedSample('CancelRecord');
  const update = seedSample('UpdateRecord');
  const drain = async () => {
    await nextOn('/v2/me/outbound');
    await nextOn('/me/internal');
  };

  it('refuses to reject, reschedule, cancel or complete a completed record (statusCode 2)', async () => {
    expect((await post(complete.path, complete.body)).body).toEqual({ statusCode: 0 });
    await drain();
    const refusals = [
      await post('/api/v2/me/outbound-records/12', reject.body),
      await post('/api/v2/me/outbound-records/12', seedSample('RescheduleRecord').body),
      await post(cancel.path, { ...cancel.body, phoneNumber: '4100180912' }),
      await post(complete.path, complete.body),
    ];
    for (const res of refusals) {
      expect(res.statusCode).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 2 });
    }
    await env.expectNothingElse(env.agent1, 'agent1');
  });

  it('cancels by phone number: finds record 11, and refuses a second cancel', async () => {
    expect((await post(cancel.path, cancel.body)).body).toEqual({ statusCode: 0 });
    await nextOn('/v2/me/outbound');
    expect((await nextOn('/me/internal')).data).toMatchObject({ userData: { GSW_RECORD_HANDLE: 11 } });
    expect((await post(cancel.path, cancel.body)).body).toMatchObject({ statusCode: 2 });
  });

  it('answers statusCode 6 when no record matches', async () => {
    const cases = [
      post('/api/v2/me/outbound-records/99', reject.body),
      post(reject.path, { ...reject.body, campaignName: 'Campaign2' }),
      post(reject.path, { ...reject.body, callingList: 'CallingList2' }),
      post(reject.path, { ...reject.body, applicationId: 135 }),
      post(cancel.path, { ...cancel.body, phoneNumber: '5550000000' }),
      post(complete.path, { ...complete.body, phoneNumber: '5550000000' }),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.statusCode).toBe(404);
      expect(res.body).toEqual({ statusCode: 6, statusMessage: 'Record not found' });
    }
  });

  it('reports the call result as an OCS code: number on complete, string on a later update', async () => {
    expect((await post(complete.path, { ...complete.body, callResult: 'NoAnswer' })).body).toEqual({ statusCode: 0 });
    await nextOn('/v2/me/outbound');
    expect((await nextOn('/me/internal')).data).toMatchObject({ userData: { GSW_CALL_RESULT: 7 } });
    expect((await post('/api/v2/me/outbound-records/12', update.body)).body).toEqual({ statusCode: 0 });
    await nextOn('/v2/me/outbound');
    expect((await nextOn('/me/internal')).data).toMatchObject({ userData: { GSW_CALL_RESULT: '7' } });
  });

  it('omits GSW_CHAIN_ATTR when the cancel has no chainAttribute', async () => {
    const { chainAttribute: _c, ...body } = cancel.body;
    expect((await post(cancel.path, body)).body).toEqual({ statusCode: 0 });
    await nextOn('/v2/me/outbound');
    expect((await nextOn('/me/internal')).data).not.toHaveProperty('userData.GSW_CHAIN_ATTR');
  });

  it('resetCallingList makes a completed record usable again', async () => {
    expect((await post(complete.path, complete.body)).body).toEqual({ statusCode: 0 });
    await drain();
    env.sim.resetCallingList();
    expect((await post('/api/v2/me/outbound-records/12', reject.body)).body).toEqual({ statusCode: 0 });
    await drain();
  });
});

describe('event timing options and logging', () => {
  it('userEventFirst publishes /me/internal before the ack, after eventDelayMs', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      stream: new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    const sim = await startSimulator({ userEventFirst: true, eventDelayMs: 50, logger });
    const agent = await subscribedAgent(sim, 'agent1', 'agent1pass');
    try {
      const sample = seedSample('RejectRecord');
      const answeredAt = await agent.rest.post(sample.path, sample.body).then(() => Date.now());
      const first = await agent.bayeux.next();
      expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(40);
      expect(first.channel).toBe('/me/internal');
      expect((await agent.bayeux.next()).channel).toBe('/v2/me/outbound');

      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => 'operation' in l);
      expect(logged).toMatchObject({ level: 30, operation: { username: 'agent1', body: sample.body } });
      const all = lines.join('\n');
      expect(all).not.toContain('agent1pass');
      expect(all).not.toContain(agent.rest.csrfToken!);
      expect(all).not.toContain((await agent.rest.sessionId())!);
    } finally {
      await agent.bayeux.disconnect();
      await sim.close();
    }
  });

  it('close() drops events still waiting for their delay', async () => {
    const sim = await startSimulator({ eventDelayMs: 60_000 });
    const client = agentClient(sim.url, 'agent1', 'agent1pass');
    await client.bootstrap();
    const sample = seedSample('RejectRecord');
    expect((await client.post(sample.path, sample.body)).body).toEqual({ statusCode: 0 });
    await sim.close(); // vitest would hang on the 60 s timer if close() left it
  });
});
