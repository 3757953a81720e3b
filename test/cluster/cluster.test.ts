/**
 * Several instances as one gateway (CONTRACT.md "Several instances"): two
 * in-process gateways on one real redis-server and one simulator, real
 * clients. Process deaths (SIGKILL, SIGTERM) are in cluster-process.test.ts.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operationByName } from '../../src/operations/record-operations.js';
import { DEMO_USERS } from '../../src/simulator/index.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import { AGENT1, AGENT2, subscribe } from '../support/stack.js';
import { startClusterStack, type ClusterStack } from './support/cluster-stack.js';
import { until } from './support/until.js';

const SUBSCRIPTION = `subscription S($filter: OutboundRecordEventFilter, $after: String) {
  outboundRecordEvents(filter: $filter, after: $after) { notificationType referenceId cursor record { recordHandle } } }`;
type EventResult = { outboundRecordEvents: { notificationType: string; referenceId: string | null; cursor: string } };

let stack: ClusterStack;

async function run(instance: number, referenceId: string, authorization = AGENT1, selection = 'referenceId statusCode') {
  const op = operationByName('UpdateRecord')!;
  const vars = variablesFromSeed(op, seedOf(op)) as { input: Record<string, unknown> };
  const { body } = await stack.gql(instance, mutationDocument(op, selection), { ...vars, input: { ...vars.input, referenceId } }, authorization);
  return body as { data?: { updateRecord: Record<string, unknown> }; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** Until the user's subscription on this instance is live (its events flow, from whichever instance holds the CometD session). */
async function untilLive(instance: number, authorization = AGENT1, subscribers = 1): Promise<void> {
  await until(
    () => {
      const status = stack.gateways[instance]!.services.sessions.peek(authorization)?.eventStreamStatus();
      return status?.state === 'CONNECTED' && status.subscribers >= subscribers;
    },
    10_000,
    `subscription live on instance ${instance}`,
  );
}

beforeAll(async () => {
  stack = await startClusterStack({ env: { ACK_TIMEOUT_MS: '5000', RATE_LIMIT_POINTS: '1000' } });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => stack.simulator.resetCallingList());
afterEach(async () => {
  // No subscription left over from the test before.
  await until(() => stack.gateways.every((g) => g.services.sessions.values().every((u) => u.eventStreamStatus().subscribers === 0)), 5_000, 'no subscribers');
});

describe('several instances as one gateway', () => {
  it('a subscriber on A receives the event of a mutation sent through B; acknowledgement works on B', async () => {
    const sub = subscribe<EventResult>(stack.wsClient(0, AGENT1), SUBSCRIPTION);
    await untilLive(0);
    const body = await run(1, 'through-b', AGENT1, 'referenceId statusCode acknowledgement { notificationType referenceId cursor }');
    expect(body.errors).toBeUndefined();
    expect(body.data!.updateRecord).toMatchObject({ statusCode: 0, acknowledgement: { referenceId: 'through-b' } });
    const result = await sub.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'through-b', 10_000);
    // The same event, at the same cursor, on both instances.
    expect(result.data!.outboundRecordEvents.cursor).toBe((body.data!.updateRecord['acknowledgement'] as { cursor: string }).cursor);
    sub.unsubscribe();
  });

  it('keeps one upstream CometD session per user across instances (counted at the simulator), one per user', async () => {
    const subs = [
      subscribe<EventResult>(stack.wsClient(0, AGENT1), SUBSCRIPTION),
      subscribe<EventResult>(stack.wsClient(1, AGENT1), SUBSCRIPTION),
      subscribe<EventResult>(stack.wsClient(1, AGENT1), SUBSCRIPTION),
      subscribe<EventResult>(stack.wsClient(0, AGENT2), SUBSCRIPTION),
      subscribe<EventResult>(stack.wsClient(1, AGENT2), SUBSCRIPTION),
    ];
    await untilLive(0);
    await untilLive(1, AGENT1, 2);
    await untilLive(0, AGENT2);
    await untilLive(1, AGENT2);
    expect(stack.simulator.bayeuxClientCount(DEMO_USERS[0]!.username)).toBe(1);
    expect(stack.simulator.bayeuxClientCount(DEMO_USERS[1]!.username)).toBe(1);
    // Awaited acknowledgements on both instances do not open more.
    const [a, b] = await Promise.all([
      run(0, 'ack-a', AGENT1, 'referenceId acknowledgement { referenceId }'),
      run(1, 'ack-b', AGENT1, 'referenceId acknowledgement { referenceId }'),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(stack.simulator.bayeuxClientCount(DEMO_USERS[0]!.username)).toBe(1);
    // Every subscriber of agent1 got each event once, agent2's none of them.
    for (const sub of subs.slice(0, 3)) {
      await sub.waitFor(2, 10_000);
      expect(sub.results.map((r) => r.data!.outboundRecordEvents.referenceId).sort()).toEqual(['ack-a', 'ack-b']);
    }
    for (const sub of subs.slice(3)) expect(sub.results).toEqual([]);
    for (const sub of subs) sub.unsubscribe();
  });

  it('resumes on B from a cursor taken on A: the events since, in order, none twice, then live', async () => {
    const onA = subscribe<EventResult>(stack.wsClient(0, AGENT1), SUBSCRIPTION);
    await untilLive(0);
    expect((await run(1, 'r1')).errors).toBeUndefined();
    const [first] = await onA.waitFor(1, 10_000);
    const cursor = first!.data!.outboundRecordEvents.cursor;
    // The client goes away (A keeps the upstream session for the retention); events go on meanwhile.
    onA.unsubscribe();
    expect((await run(1, 'r2')).errors).toBeUndefined();
    expect((await run(0, 'r3')).errors).toBeUndefined();
    // Both events are in the shared log before the client comes back (the acknowledgement waits prove it).
    expect((await run(1, 'r4', AGENT1, 'referenceId acknowledgement { referenceId }')).data!.updateRecord).toMatchObject({ acknowledgement: { referenceId: 'r4' } });
    const onB = subscribe<EventResult>(stack.wsClient(1, AGENT1), SUBSCRIPTION, { after: cursor });
    await onB.waitFor(3, 10_000);
    await untilLive(1);
    expect((await run(0, 'r5')).errors).toBeUndefined();
    await onB.waitFor(4, 10_000);
    expect(onB.results.map((r) => r.data!.outboundRecordEvents.referenceId)).toEqual(['r2', 'r3', 'r4', 'r5']);
    expect(onB.results.every((r) => r.errors === undefined)).toBe(true);
    onB.unsubscribe();
  });

  it('holds the rate limit across instances', async () => {
    const limited = await startClusterStack({ env: { RATE_LIMIT_POINTS: '3', RATE_LIMIT_WINDOW_SECONDS: '60' } });
    try {
      const op = operationByName('UpdateRecord')!;
      const vars = variablesFromSeed(op, seedOf(op));
      const results: (string | undefined)[] = [];
      for (const instance of [0, 1, 0, 1, 0]) {
        const { body } = await limited.gql(instance, mutationDocument(op), vars, AGENT2);
        results.push((body.errors?.[0]?.extensions?.['code'] as string | undefined) ?? 'ok');
      }
      expect(results.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
      expect(results.slice(3)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    } finally {
      await limited.stop();
    }
  });

  it('holds the refused-credential limit per client address across instances', async () => {
    const limited = await startClusterStack({ env: { AUTH_FAILURES_PER_MINUTE: '2' } });
    try {
      const madeUp = (i: number) => `Basic ${Buffer.from(`nobody${i}:wrong`).toString('base64')}`;
      const codes: unknown[] = [];
      for (const [i, instance] of [0, 1, 0, 1].entries()) {
        const { body } = await limited.gql(instance, '{ devices { id } }', {}, madeUp(i));
        codes.push(body.errors?.[0]?.extensions?.['code']);
      }
      // Two refusals in all (one on each instance) use up the address's budget on both.
      expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED', 'RATE_LIMITED']);
    } finally {
      await limited.stop();
    }
  });

  it('finds on B a persisted query registered on A', async () => {
    const query = '{ eventStream { state subscribers } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const unknown = await stack.gql(1, undefined as unknown as string, undefined, AGENT1, { extensions });
    expect(unknown.body.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await stack.gql(0, query, undefined, AGENT1, { extensions });
    expect(registered.body.errors).toBeUndefined();
    const onB = await stack.gql(1, undefined as unknown as string, undefined, AGENT1, { extensions });
    expect(onB.body.errors).toBeUndefined();
    expect(onB.body.data).toEqual({ eventStream: { state: expect.any(String), subscribers: 0 } });
  });

  it('writes no secret to Redis: every key and value after traffic is free of credentials, cookies and CSRF tokens', async () => {
    const sub = subscribe<EventResult>(stack.wsClient(0, AGENT1), SUBSCRIPTION);
    await untilLive(0);
    expect((await run(1, 'secret-check', AGENT1, 'referenceId acknowledgement { referenceId }')).errors).toBeUndefined();
    await sub.waitFor(1, 10_000);
    await run(0, 'as-agent2', AGENT2);
    sub.unsubscribe();
    const dump = await dumpRedis(stack);
    expect(dump.keys.length).toBeGreaterThan(3);
    const forbidden = [
      ...DEMO_USERS.flatMap((u) => [u.password, Buffer.from(`${u.username}:${u.password}`).toString('base64')]),
      AGENT1,
      AGENT2,
      'JSESSIONID',
      'authorization',
      'Authorization',
      'cookie',
      'Cookie',
      'X-CSRF',
      'csrf',
    ];
    for (const word of forbidden) expect(dump.text, `found "${word}" in Redis`).not.toContain(word);
    // The session cookies' values and the CSRF tokens the gateway holds in memory for these users.
    const secrets = await sessionSecrets(stack);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(dump.text).not.toContain(secret);
  });
});

/** Every key (SCAN) and every value, by type, as one text. */
async function dumpRedis(s: ClusterStack): Promise<{ keys: string[]; text: string }> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = (await s.redis.command('SCAN', cursor, 'COUNT', '1000')) as [string, string[]];
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  const parts: string[] = [];
  for (const key of keys) {
    const type = String(await s.redis.command('TYPE', key));
    const value =
      type === 'string' ? await s.redis.command('GET', key)
      : type === 'hash' ? await s.redis.command('HGETALL', key)
      : type === 'stream' ? await s.redis.command('XRANGE', key, '-', '+')
      : type === 'list' ? await s.redis.command('LRANGE', key, '0', '-1')
      : type === 'set' ? await s.redis.command('SMEMBERS', key)
      : type === 'zset' ? await s.redis.command('ZRANGE', key, '0', '-1', 'WITHSCORES')
      : `(${type})`;
    parts.push(`${key} ${type} ${JSON.stringify(value)}`);
  }
  return { keys, text: parts.join('\n') };
}

/** The cookie values and CSRF tokens of every upstream session the instances hold. */
async function sessionSecrets(s: ClusterStack): Promise<string[]> {
  const secrets: string[] = [];
  for (const gateway of s.gateways) {
    for (const user of gateway.services.sessions.values()) {
      const cookies = await user.gws.jar.getCookies(gateway.services.gws.baseUrl);
      secrets.push(...cookies.map((c) => c.value).filter((v) => v.length >= 8));
      if (user.gws.csrf) secrets.push(user.gws.csrf.token);
    }
  }
  return secrets;
}

describe('Redis killed and restarted mid-stream', () => {
  let own: ClusterStack;
  beforeAll(async () => {
    own = await startClusterStack({ env: { ACK_TIMEOUT_MS: '3000' } });
  });
  afterAll(async () => {
    await own?.stop();
  });
  const codeOf = (r: { errors?: readonly { extensions?: Record<string, unknown> }[] } | undefined) => r?.errors?.[0]?.extensions?.['code'];

  it('/readyz 503 naming Redis, mutations keep working, subscriptions fail with UPSTREAM_UNAVAILABLE; all recovers without a restart', async () => {
    const live = subscribe<EventResult>(own.wsClient(0, AGENT1), SUBSCRIPTION);
    await until(() => own.gateways[0]!.services.sessions.peek(AGENT1)?.eventStreamStatus().state === 'CONNECTED', 10_000, 'live');
    expect((await own.readyz(0)).status).toBe(200);

    await own.redis.kill();
    // The live subscription ends with UPSTREAM_UNAVAILABLE (the client resumes with its cursor later).
    await live.ended;
    expect(codeOf(live.results.at(-1))).toBe('UPSTREAM_UNAVAILABLE');
    for (const instance of [0, 1]) {
      const ready = await own.readyz(instance);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'unavailable', redis: { reachable: false } });
    }
    // Mutations do not need Redis: the rate limit falls back to memory, GWS answers.
    const op = operationByName('UpdateRecord')!;
    const vars = variablesFromSeed(op, seedOf(op));
    const mutation = await own.gql(1, mutationDocument(op), vars, AGENT1);
    expect(mutation.body.errors).toBeUndefined();
    expect(mutation.body.data).toMatchObject({ updateRecord: { statusCode: 0 } });
    // A new subscription fails at once.
    const refused = subscribe<EventResult>(own.wsClient(1, AGENT1), SUBSCRIPTION);
    await refused.ended;
    expect(codeOf(refused.results.at(-1))).toBe('UPSTREAM_UNAVAILABLE');

    await own.redis.restart();
    await until(async () => (await own.readyz(0)).status === 200 && (await own.readyz(1)).status === 200, 15_000, 'ready again');
    const again = subscribe<EventResult>(own.wsClient(1, AGENT1), SUBSCRIPTION);
    await until(() => own.gateways[1]!.services.sessions.peek(AGENT1)?.eventStreamStatus().state === 'CONNECTED', 15_000, 'live again');
    const body = await own.gql(0, mutationDocument(op, 'referenceId acknowledgement { referenceId }'), { ...vars, input: { ...(vars as { input: object }).input, referenceId: 'after-recovery' } }, AGENT1);
    expect(body.body.errors).toBeUndefined();
    await again.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'after-recovery', 10_000);
    again.unsubscribe();
  });
});

describe('a subscriber on an instance that does not hold the user\'s CometD session', () => {
  let own: ClusterStack;
  beforeAll(async () => {
    // A short stall notice: a standby that never learns the holder is connected would end its subscribers after it.
    own = await startClusterStack({ env: { COMETD_STALL_NOTICE_MS: '300', RATE_LIMIT_POINTS: '1000' } });
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('stays live past the stall notice and receives the events (the holder\'s connected state reaches the standby)', async () => {
    const onA = subscribe<EventResult>(own.wsClient(0, AGENT1), SUBSCRIPTION);
    const statusOn = (i: number) => own.gateways[i]!.services.sessions.peek(AGENT1)?.eventStreamStatus();
    await until(() => statusOn(0)?.state === 'CONNECTED' && statusOn(0)!.subscribers === 1, 10_000, 'live on A (the holder)');
    const onB = subscribe<EventResult>(own.wsClient(1, AGENT1), SUBSCRIPTION);
    await until(() => statusOn(1)?.state === 'CONNECTED' && statusOn(1)!.subscribers === 1, 10_000, 'live on B (standby)');
    // Well past the stall notice: nothing may have ended B's subscriber or closed its stream.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(statusOn(1)).toMatchObject({ state: 'CONNECTED', subscribers: 1, failingSince: null });
    const op = operationByName('UpdateRecord')!;
    const vars = variablesFromSeed(op, seedOf(op)) as { input: Record<string, unknown> };
    const { body } = await own.gql(0, mutationDocument(op, 'referenceId statusCode'), { ...vars, input: { ...vars.input, referenceId: 'standby-live' } }, AGENT1);
    expect((body as { errors?: unknown }).errors).toBeUndefined();
    const got = await onB.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'standby-live', 10_000);
    expect(got.errors).toBeUndefined();
    expect(onB.results.every((r) => r.errors === undefined)).toBe(true);
    expect(own.simulator.bayeuxClientCount(DEMO_USERS[0]!.username)).toBe(1);
    onA.unsubscribe();
    onB.unsubscribe();
  });
});
