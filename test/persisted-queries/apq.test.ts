/**
 * Automatic persisted queries against the real gateway (on the simulator),
 * with Apollo Client 4's own PersistedQueryLink over HTTP, watched on the
 * wire: hash only -> PERSISTED_QUERY_NOT_FOUND -> hash + query (registered)
 * -> hash only succeeds from then on, for any client. Over graphql-ws, the
 * same cache answers a hash sent with an empty query. The cache is bounded,
 * and PERSISTED_QUERIES=false turns APQ off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevicesDocument, UpdateRecordDocument } from '../../client/generated/graphql.js';
import { EXAMPLE_OPERATIONS } from '../../src/playground/examples.js';
import { AGENT1, startStack, untilNoSubscribers, untilSubscribed, type Stack } from '../support/stack.js';
import { apolloWithPersistedQueries, codesOf, collect, firstResult, post, recordingFetch, sha256, shapeOf } from './wire.js';

const example = (name: string) => EXAMPLE_OPERATIONS.find((op) => op.name === name)!;
const persistedQuery = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

describe('APQ (default configuration)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it('Apollo Client: hash only, PERSISTED_QUERY_NOT_FOUND, hash + query, then hash only', async () => {
    const wire = recordingFetch();
    const client = apolloWithPersistedQueries(stack.gateway.url, AGENT1, wire.fetch);

    const first = await client.query({ query: DevicesDocument, fetchPolicy: 'network-only' });
    expect(first.data?.devices.length).toBeGreaterThan(0);
    expect(wire.exchanges.map(shapeOf)).toEqual([
      { hash: expect.stringMatching(/^[0-9a-f]{64}$/), query: false },
      { hash: expect.any(String), query: true },
    ]);
    const [miss, register] = wire.exchanges;
    expect(codesOf(miss!.response)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(miss!.status).toBe(200);
    expect(register!.response.errors).toBeUndefined();
    const hash = shapeOf(register!).hash!;
    expect(shapeOf(miss!).hash).toBe(hash);
    expect(sha256(register!.request!['query'] as string)).toBe(hash);

    wire.exchanges.length = 0;
    const again = await client.query({ query: DevicesDocument, fetchPolicy: 'network-only' });
    expect(again.data).toEqual(first.data);
    expect(wire.exchanges.map(shapeOf)).toEqual([{ hash, query: false }]);
    expect(wire.exchanges[0]!.response.errors).toBeUndefined();

    // The cache is the server's: another client's first request is a hit.
    const other = recordingFetch();
    await apolloWithPersistedQueries(stack.gateway.url, AGENT1, other.fetch).query({ query: DevicesDocument });
    expect(other.exchanges.map(shapeOf)).toEqual([{ hash, query: false }]);
  });

  it('Apollo Client: a mutation goes the same way and still waits for its acknowledgement', async () => {
    const wire = recordingFetch();
    const client = apolloWithPersistedQueries(stack.gateway.url, AGENT1, wire.fetch);
    const { variables } = example('UpdateRecord') as { variables: { recordHandle: number; input: never } };
    const result = await client.mutate({ mutation: UpdateRecordDocument, variables });
    expect(result.data?.updateRecord).toMatchObject({
      statusCode: 0,
      acknowledgement: { notificationType: 'UPDATE_CALL_COMPLETION_STATS_ACKNOWLEDGE' },
    });
    expect(wire.exchanges.map((e) => shapeOf(e).query)).toEqual([false, true]);
    expect(codesOf(wire.exchanges[0]!.response)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('graphql-ws: a hash registered over HTTP runs with an empty query; an unknown one is not found', async () => {
    const text = 'query WsDevices { devices { devicePath } }';
    const hash = sha256(text);
    expect(codesOf((await post(stack.gateway.url, { extensions: persistedQuery(hash) }, AGENT1)).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await post(stack.gateway.url, { query: text, extensions: persistedQuery(hash) }, AGENT1)).body.errors).toBeUndefined();

    const ws = stack.wsClient(AGENT1, { lazy: false }); // one socket for the whole test
    const hit = await firstResult(ws, { query: '', extensions: persistedQuery(hash) });
    expect(hit.errors).toBeUndefined();
    expect(hit.data).toMatchObject({ devices: expect.arrayContaining([expect.objectContaining({ devicePath: expect.any(String) })]) });

    const miss = await firstResult(ws, { query: '', extensions: persistedQuery(sha256('query Nope { devices { id } }')) });
    expect(codesOf(miss)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

    const mismatch = await firstResult(ws, { query: text, extensions: persistedQuery(sha256('something else')) });
    expect(codesOf(mismatch)).toEqual(['BAD_REQUEST']);
  });

  it('graphql-ws: a subscription registered with its hash runs by hash alone and gets events', async () => {
    const { query } = example('OutboundRecordEvents');
    const hash = sha256(query);
    const ws = stack.wsClient(AGENT1, { lazy: false }); // one socket for the whole test
    expect(codesOf(await firstResult(ws, { query: '', extensions: persistedQuery(hash) }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

    // Registered by its first subscribe, which runs as usual.
    const registering = collect(ws, { query, extensions: persistedQuery(hash) });
    await untilSubscribed(stack, AGENT1);
    registering.stop();
    await untilNoSubscribers(stack);

    const byHash = collect<{ outboundRecordEvents: { notificationType: string } }>(ws, { query: '', extensions: persistedQuery(hash) });
    await untilSubscribed(stack, AGENT1);
    const rejectExample = example('RejectRecord');
    expect((await stack.gql(rejectExample.query, rejectExample.variables as Record<string, unknown>, AGENT1)).body.errors).toBeUndefined();
    const event = await byHash.next();
    expect(event.errors).toBeUndefined();
    byHash.stop();
    expect(event.data?.outboundRecordEvents.notificationType).toBe('RECORD_REJECT_ACKNOWLEDGE');
  });
});

describe('APQ cache bound (PERSISTED_QUERIES_CACHE_BYTES)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { PERSISTED_QUERIES_CACHE_BYTES: '1024' } });
  });
  afterAll(() => stack.stop());

  it('evicts the least recently used document when the bytes run out', async () => {
    // Comments make each document about 600 characters: two do not fit in 1,024.
    const documents = ['A', 'B'].map((name) => `# ${name.repeat(560)}\nquery Bound${name} { devices { id } }`);
    const hashes = documents.map(sha256);
    for (const [i, query] of documents.entries()) {
      expect((await post(stack.gateway.url, { query, extensions: persistedQuery(hashes[i]!) }, AGENT1)).body.errors).toBeUndefined();
    }
    expect(codesOf((await post(stack.gateway.url, { extensions: persistedQuery(hashes[0]!) }, AGENT1)).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await post(stack.gateway.url, { extensions: persistedQuery(hashes[1]!) }, AGENT1)).body.errors).toBeUndefined();
  });
});

describe('PERSISTED_QUERIES=false', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { PERSISTED_QUERIES: 'false' } });
  });
  afterAll(() => stack.stop());

  it('answers PERSISTED_QUERY_NOT_SUPPORTED, and Apollo Client falls back to sending the query', async () => {
    const wire = recordingFetch();
    const client = apolloWithPersistedQueries(stack.gateway.url, AGENT1, wire.fetch);
    const result = await client.query({ query: DevicesDocument, fetchPolicy: 'network-only' });
    expect(result.data?.devices.length).toBeGreaterThan(0);
    expect(codesOf(wire.exchanges[0]!.response)).toEqual(['PERSISTED_QUERY_NOT_SUPPORTED']);
    expect(wire.exchanges.slice(1).map(shapeOf)).toEqual([{ query: true }]);

    const ws = stack.wsClient(AGENT1, { lazy: false }); // one socket for the whole test
    expect(codesOf(await firstResult(ws, { query: '', extensions: persistedQuery(sha256('{ devices { id } }')) }))).toEqual([
      'PERSISTED_QUERY_NOT_SUPPORTED',
    ]);
  });
});
