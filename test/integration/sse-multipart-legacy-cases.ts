/**
 * The cases every added transport must pass with its real client (see
 * sse-multipart-legacy-clients.ts): the acknowledgement of each record
 * operation reaches the subscriber with the seed's CometD fields, no
 * credentials give UNAUTHENTICATED, queries and mutations work too, the
 * document limits and persisted queries answer as over HTTP, and an
 * unsubscribe reaches the server.
 */
import { createHash } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RECORD_OPERATIONS, operationByName } from '../../src/operations/record-operations.js';
import { AGENT1, AGENT2, startStack, untilNoSubscribers, untilSubscribed, type Stack } from '../support/stack.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import { publishFlood, type EventResult } from '../support/events.js';
import { errorCodesOf, type ClientFactory, type TransportClient } from './sse-multipart-legacy-clients.js';

export const EVENT_FIELDS = `notificationType upstreamNotificationType messageType referenceId
  record { recordHandle applicationId campaignName callingList devicePath } userData receivedAt`;
export const SUBSCRIPTION = `subscription S($filter: OutboundRecordEventFilter) { outboundRecordEvents(filter: $filter) { ${EVENT_FIELDS} } }`;

export type { EventResult, EventShape } from '../support/events.js';

/** Runs the common cases on one transport, on a stack of its own. `env` adds to the stack's configuration. */
export function describeTransportCases(name: string, factory: ClientFactory, env: Record<string, string> = {}): { stack: () => Stack } {
  let stack: Stack;
  const clients: TransportClient[] = [];
  const client = (authorization?: string): TransportClient => {
    const c = factory(stack, authorization);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    // The upstream session outlives its last subscriber, so a client that comes back can resume.
    stack = await startStack({ env: { ACK_TIMEOUT_MS: '3000', COMETD_IDLE_GRACE_MS: '60000', ...env } });
  });
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.dispose()));
    await stack.stop();
  });
  beforeEach(() => stack.simulator.resetCallingList());
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.dispose()));
    await untilNoSubscribers(stack);
  });

  async function run(opName: string, authorization = AGENT1, selection?: string) {
    const op = operationByName(opName)!;
    const { body } = await stack.gql(mutationDocument(op, selection), variablesFromSeed(op, seedOf(op)), authorization);
    return body;
  }

  describe(`${name}: the common transport cases`, () => {
    it.each(RECORD_OPERATIONS.map((op) => [op.operationName, op] as const))('%s: the acknowledgement arrives with the seed CometD fields', async (_n, op) => {
      const seed = seedOf(op);
      const sub = client(AGENT1).subscribe<EventResult>(SUBSCRIPTION);
      await untilSubscribed(stack, AGENT1);
      expect((await run(op.operationName)).errors).toBeUndefined();
      const [result] = await sub.waitFor(1);
      expect(result!.errors).toBeUndefined();
      const event = result!.data!.outboundRecordEvents;
      const ack = seed.cometd.find((m) => m.channel === '/v2/me/outbound')!.data!;
      const internal = seed.cometd.find((m) => m.channel === '/me/internal')!.data!;
      const userData = internal['userData'] as Record<string, unknown>;
      expect(event.upstreamNotificationType).toBe(ack['notificationType']);
      expect(event.messageType).toBe(ack['messageType']);
      expect(event.referenceId).toBe(ack['referenceId']);
      expect(event.record).toEqual({ recordHandle: userData['GSW_RECORD_HANDLE'], ...(ack['record'] as object) });
      expect(event.userData).toEqual(userData);
      expect(Date.parse(event.receivedAt)).not.toBeNaN();
      sub.unsubscribe();
    });

    it('no credentials: UNAUTHENTICATED, and nothing is opened upstream', async () => {
      const before = stack.simulator.requestCount;
      const sessions = stack.gateway.services.sessions.values().length;
      const sub = client().subscribe(SUBSCRIPTION);
      expect(await errorCodesOf(sub)).toContain('UNAUTHENTICATED');
      expect(stack.gateway.services.sessions.values()).toHaveLength(sessions);
      expect(stack.simulator.requestCount).toBe(before);
    });

    it('wrong credentials: UNAUTHENTICATED', async () => {
      const sub = client('Basic ' + Buffer.from('agent1:wrong').toString('base64')).subscribe(SUBSCRIPTION);
      expect(await errorCodesOf(sub, 10_000)).toContain('UNAUTHENTICATED');
    });

    it('a user only sees their own events', async () => {
      const sub1 = client(AGENT1).subscribe<EventResult>(SUBSCRIPTION);
      const sub2 = client(AGENT2).subscribe<EventResult>(SUBSCRIPTION);
      await untilSubscribed(stack, AGENT1);
      await untilSubscribed(stack, AGENT2);
      expect((await run('RejectRecord', AGENT2)).errors).toBeUndefined();
      expect((await run('UpdateRecord', AGENT1)).errors).toBeUndefined();
      const [first] = await sub1.waitFor(1);
      await sub2.waitFor(1);
      expect(first!.data!.outboundRecordEvents.upstreamNotificationType).toBe('UpdateCallCompletionStatsAcknowledge');
      expect(sub2.results.map((r) => r.data!.outboundRecordEvents.upstreamNotificationType)).toEqual(['RecordRejectAcknowledge']);
      sub1.unsubscribe();
      sub2.unsubscribe();
    });

    it('a query and a mutation with its acknowledgement run over it too', async () => {
      const query = client(AGENT1).subscribe<{ devices: { devicePath: string }[] }>('query D { devices { devicePath } }');
      const [devices] = await query.waitFor(1);
      expect(devices!.errors).toBeUndefined();
      expect(devices!.data!.devices.length).toBeGreaterThan(0);
      await query.ended;

      const op = operationByName('RejectRecord')!;
      const mutation = client(AGENT1).subscribe<{ rejectRecord: { statusCode: number; acknowledgement: { referenceId: string } } }>(
        mutationDocument(op, 'statusCode acknowledgement { referenceId notificationType }'),
        variablesFromSeed(op, seedOf(op)),
      );
      const [done] = await mutation.waitFor(1, 8_000);
      expect(done!.errors).toBeUndefined();
      expect(done!.data!.rejectRecord).toMatchObject({ statusCode: 0, acknowledgement: { referenceId: seedOf(op).request['referenceId'] } });
      expect(await mutation.ended).toEqual({});
    });

    it('documents over the alias or token limits: GRAPHQL_VALIDATION_FAILED, GRAPHQL_PARSE_FAILED, as over HTTP', async () => {
      const aliases = `query { ${Array.from({ length: 16 }, (_, i) => `a${i}: eventStream { state }`).join(' ')} }`;
      expect(await errorCodesOf(client(AGENT1).subscribe(aliases))).toContain('GRAPHQL_VALIDATION_FAILED');
      const tokens = `query { ${'__typename '.repeat(2_100)}}`;
      expect(await errorCodesOf(client(AGENT1).subscribe(tokens))).toContain('GRAPHQL_PARSE_FAILED');
    });

    it.skipIf(factory.documentsAsText === false)('persisted queries: an unknown hash gives PERSISTED_QUERY_NOT_FOUND; the hash with its document registers it', async () => {
      const query = 'query PQ { eventStream { state } }';
      const sha256Hash = createHash('sha256').update(query).digest('hex');
      const extensions = { persistedQuery: { version: 1, sha256Hash } };
      const unknown = client(AGENT1).subscribe('', undefined, extensions);
      expect(await errorCodesOf(unknown)).toContain('PERSISTED_QUERY_NOT_FOUND');
      const registering = client(AGENT1).subscribe<{ eventStream: { state: string } }>(query, undefined, extensions);
      expect((await registering.waitFor(1))[0]!.data?.eventStream.state).toBeDefined();
      const byHash = client(AGENT1).subscribe<{ eventStream: { state: string } }>('', undefined, extensions);
      expect((await byHash.waitFor(1))[0]!.data?.eventStream.state).toBeDefined();
    });

    it('resume with `after`: what was missed while away, in order, then live; nothing twice', async () => {
      const RESUME = `subscription R($after: String) { outboundRecordEvents(after: $after) { cursor referenceId } }`;
      type R = { outboundRecordEvents: { cursor: string; referenceId: string } };
      const publish = (referenceId: string): void =>
        stack.simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'RecordRejectAcknowledge', messageType: 'OutboundRecordMessage', referenceId, record: { recordHandle: 1 } });
      const first = client(AGENT1);
      const live = first.subscribe<R>(RESUME);
      await untilSubscribed(stack, AGENT1);
      publish(`${name}-a`);
      const [a] = await live.waitFor(1);
      live.unsubscribe();
      await first.dispose();
      await untilNoSubscribers(stack);
      // Away: the gateway keeps receiving the user's events (EVENT_RETENTION_SECONDS).
      publish(`${name}-b`);
      publish(`${name}-c`);
      const user = stack.gateway.services.sessions.peek(AGENT1)!;
      const deadline = Date.now() + 10_000;
      while ((await stack.gateway.services.eventLog.read(user.key, a!.data!.outboundRecordEvents.cursor, 100)).entries.length < 2) {
        if (Date.now() > deadline) throw new Error('the events sent while away were not logged');
        await new Promise((r) => setTimeout(r, 10));
      }
      const resumed = client(AGENT1).subscribe<R>(RESUME, { after: a!.data!.outboundRecordEvents.cursor });
      await resumed.waitFor(2);
      await untilSubscribed(stack, AGENT1);
      publish(`${name}-d`);
      await resumed.waitFor(3);
      await new Promise((r) => setTimeout(r, 100)); // anything twice would show here
      expect(resumed.results.map((r) => r.data?.outboundRecordEvents.referenceId)).toEqual([`${name}-b`, `${name}-c`, `${name}-d`]);
      const cursors = resumed.results.map((r) => r.data!.outboundRecordEvents.cursor);
      expect(new Set([a!.data!.outboundRecordEvents.cursor, ...cursors]).size).toBe(4);
      resumed.unsubscribe();
    });

    it('resume with a string that is not a cursor: BAD_USER_INPUT', async () => {
      const sub = client(AGENT1).subscribe('subscription R($after: String) { outboundRecordEvents(after: $after) { cursor } }', { after: 'not a cursor' });
      expect(await errorCodesOf(sub)).toContain('BAD_USER_INPUT');
    });

    it('unsubscribing ends the subscription on the server', async () => {
      const sub = client(AGENT1).subscribe(SUBSCRIPTION);
      await untilSubscribed(stack, AGENT1);
      sub.unsubscribe();
      await untilNoSubscribers(stack);
    });
  });
  return { stack: () => stack };
}

/**
 * An HTTP stream reader that stops reading: the response's TCP window fills,
 * the gateway stops taking results from the subscriber's queue, the queue
 * overflows, and the subscriber is ended with SUBSCRIBER_TOO_SLOW while a
 * subscriber that keeps reading gets every event.
 */
export function describeSlowHttpReader(name: string, accept: string, fastClient: ClientFactory, lastResultOf: (body: string) => { errors?: { extensions?: { code?: string } }[] } | undefined): void {
  let stack: Stack;
  beforeAll(async () => {
    // Bursts of 64 KB events arrive in one CometD reply: above the default reply bound of 1 MB.
    stack = await startStack({ env: { SUBSCRIBER_QUEUE_MAX: '50', EVENT_PAIRING_WINDOW_MS: '0', UPSTREAM_MAX_RESPONSE_BYTES: '33554432' } });
  });
  afterAll(() => stack.stop());

  it(`${name}: a reader that stops reading is ended with SUBSCRIBER_TOO_SLOW; another keeps every event`, async () => {
    const QUERY = 'subscription { outboundRecordEvents { referenceId record { campaignName } } }';
    const target = new URL(stack.gateway.url);
    const body = JSON.stringify({ query: QUERY });
    let text = '';
    let paused!: IncomingMessage;
    const ended = new Promise<void>((resolve, reject) => {
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { accept, 'content-type': 'application/json', authorization: AGENT1 } },
        (res) => {
          paused = res;
          res.pause();
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    const fastClient_ = fastClient(stack, AGENT1);
    const fast = fastClient_.subscribe<{ outboundRecordEvents: { referenceId: string } }>(QUERY);
    await untilSubscribed(stack, AGENT1, 2);
    const expected = await publishFlood(stack, (count, ms) => fast.waitFor(count, ms));
    expect(fast.results.map((r) => r.data?.outboundRecordEvents.referenceId)).toEqual(expected);
    expect(stack.gateway.services.sessions.peek(AGENT1)!.eventStreamStatus().subscribers).toBe(1);
    paused.resume();
    await ended;
    const delivered = text.match(/"flood-\d+"/g) ?? [];
    expect(delivered.length).toBeLessThan(expected.length);
    expect(lastResultOf(text)?.errors?.[0]?.extensions?.code).toBe('SUBSCRIBER_TOO_SLOW');
    fast.unsubscribe();
    await fastClient_.dispose();
  });
}
