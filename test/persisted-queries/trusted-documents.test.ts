/**
 * Trusted documents against the real gateway (on the simulator), with the
 * manifest codegen writes (client/generated/persisted-documents.json): the
 * manifest's documents run over HTTP (by documentId, by APQ hash, by full
 * text, and from Apollo Client) and over graphql-ws (full text, or hash with
 * an empty query); anything else is refused before it executes (no
 * operation reaches GWS, no upstream session opens), with FORBIDDEN, or
 * PERSISTED_QUERY_NOT_FOUND for an unknown id.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { buildSchema, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevicesDocument } from '../../client/generated/graphql.js';
import { ConfigError, testConfig } from '../../src/config/config.js';
import { EXAMPLE_OPERATIONS } from '../../src/playground/examples.js';
import { canonicalDocument, TrustedDocuments } from '../../src/pipeline/trusted-documents.js';
import { AGENT1, AGENT2, startStack, untilNoSubscribers, untilSubscribed, type Stack } from '../support/stack.js';
import { apolloWithPersistedQueries, codesOf, collect, firstResult, post, recordingFetch, sha256, shapeOf } from './wire.js';

const MANIFEST_PATH = fileURLToPath(new URL('../../client/generated/persisted-documents.json', import.meta.url));
const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Record<string, string>;
const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

const example = (name: string) => EXAMPLE_OPERATIONS.find((op) => op.name === name)!;
/** The manifest id of an example operation. */
const idOf = (name: string): string => {
  const entry = Object.entries(manifest).find(([, text]) => new RegExp(`^(query|mutation|subscription) ${name}\\b`).test(text));
  if (!entry) throw new Error(`${name} is not in the manifest`);
  return entry[0];
};
const persistedQuery = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

describe('the generated manifest', () => {
  it('holds every example operation, keyed by sha256:<hex> of its text', () => {
    expect(Object.keys(manifest)).toHaveLength(EXAMPLE_OPERATIONS.length);
    for (const op of EXAMPLE_OPERATIONS) {
      const id = idOf(op.name);
      expect(id).toBe(`sha256:${sha256(manifest[id]!)}`);
      expect(canonicalDocument(parse(manifest[id]!))).toBe(canonicalDocument(parse(op.query)));
    }
  });
});

describe('TrustedDocuments', () => {
  it('treats formatting, comments, selection order and __typename as the same document', () => {
    const trusted = new TrustedDocuments({ a: 'query A { devices { id devicePath } }' }, schema);
    expect(trusted.allows(parse('# hi\nquery A {\n  devices { __typename devicePath id }\n}'))).toBe(true);
    expect(trusted.allows(parse('query A { devices { id devicePath deviceState } }'))).toBe(false);
    expect(trusted.allows(parse('query A { devices { id t: __typename devicePath } }'))).toBe(false);
    expect(trusted.allows(parse('query B { devices { id devicePath } }'))).toBe(false);
  });

  it('looks up sha256 ids with and without the prefix, and other ids as they are', () => {
    const text = 'query A { devices { id } }';
    const hex = createHash('sha256').update(text).digest('hex');
    const trusted = new TrustedDocuments({ [`sha256:${hex}`]: text, 'my-id': 'query B { devices { id } }' }, schema);
    expect(trusted.lookup(`sha256:${hex}`)).toBe(text);
    expect(trusted.lookup(hex)).toBe(text);
    expect(trusted.lookup('my-id')).toBe('query B { devices { id } }');
    expect(trusted.lookup('nope')).toBeUndefined();
    expect(trusted.size).toBe(2);
  });

  it('refuses a manifest whose entry is edited, invalid, or not a string, naming TRUSTED_DOCUMENTS', () => {
    const hex = sha256('query A { devices { id } }');
    expect(() => new TrustedDocuments({ [`sha256:${hex}`]: 'query A { devices { id devicePath } }' }, schema)).toThrow(/TRUSTED_DOCUMENTS: .*not the sha256/);
    expect(() => new TrustedDocuments({ x: 'query A { nope }' }, schema)).toThrow(/TRUSTED_DOCUMENTS: entry x is not valid/);
    expect(() => new TrustedDocuments({ x: 'query A {' }, schema)).toThrow(/TRUSTED_DOCUMENTS: entry x does not parse/);
    expect(() => new TrustedDocuments({ x: 1 }, schema)).toThrow(ConfigError);
  });

  it('TRUSTED_DOCUMENTS must name an existing file', () => {
    expect(() => testConfig({ TRUSTED_DOCUMENTS: '/nonexistent/manifest.json' })).toThrow(/TRUSTED_DOCUMENTS: no such file/);
    expect(testConfig({ TRUSTED_DOCUMENTS: MANIFEST_PATH }).persistedDocuments.trustedDocumentsPath).toBe(MANIFEST_PATH);
  });
});

describe('TRUSTED_DOCUMENTS on the gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { TRUSTED_DOCUMENTS: MANIFEST_PATH } });
  });
  afterAll(() => stack.stop());

  /**
   * Runs `send` (as agent2, who does nothing else here) and checks that nothing
   * reached GWS: no operation, and no upstream session for agent2 at all.
   */
  async function refusedUpstreamUntouched<T>(send: () => Promise<T>): Promise<T> {
    const operations = stack.simulator.received.length;
    const result = await send();
    expect(stack.simulator.received).toHaveLength(operations);
    expect(stack.gateway.services.sessions.peek(AGENT2)).toBeUndefined();
    expect(stack.simulator.bayeuxClientCount('agent2')).toBe(0);
    return result;
  }

  describe('HTTP: allowed', () => {
    it('by documentId (POST and GET)', async () => {
      const byPost = await post(stack.gateway.url, { documentId: idOf('Devices') }, AGENT1);
      expect(byPost.body.errors).toBeUndefined();
      expect(byPost.body.data).toMatchObject({ devices: expect.any(Array), eventStream: expect.any(Object) });

      const response = await fetch(`${stack.gateway.url}?documentId=${encodeURIComponent(idOf('Devices'))}`, {
        headers: { authorization: AGENT1, 'apollo-require-preflight': 'true' },
      });
      const byGet = (await response.json()) as { data?: unknown; errors?: unknown };
      expect(byGet.errors).toBeUndefined();
      expect(byGet.data).toEqual(byPost.body.data);
    });

    it('by extensions.persistedQuery.sha256Hash alone (the manifest id without its prefix)', async () => {
      const hex = idOf('Devices').replace(/^sha256:/, '');
      const { body } = await post(stack.gateway.url, { extensions: persistedQuery(hex) }, AGENT1);
      expect(body.errors).toBeUndefined();
      expect(body.data).toMatchObject({ devices: expect.any(Array) });
    });

    it('by full text: the playground example as written, comments and all', async () => {
      const { body } = await post(stack.gateway.url, { query: example('Devices').query }, AGENT1);
      expect(body.errors).toBeUndefined();
    });

    it('a mutation by documentId, with its variables: it runs and GWS gets it', async () => {
      const { variables } = example('UpdateRecord');
      const before = stack.simulator.received.length;
      const { body } = await post(stack.gateway.url, { documentId: idOf('UpdateRecord'), variables }, AGENT1);
      expect(body.errors).toBeUndefined();
      expect(body.data).toMatchObject({ updateRecord: { statusCode: 0, acknowledgement: { notificationType: 'UPDATE_CALL_COMPLETION_STATS_ACKNOWLEDGE' } } });
      expect(stack.simulator.received).toHaveLength(before + 1);
    });

    it('Apollo Client with PersistedQueryLink: unknown hash, then the full text (trusted), then the hash alone', async () => {
      const wire = recordingFetch();
      const client = apolloWithPersistedQueries(stack.gateway.url, AGENT1, wire.fetch);
      const first = await client.query({ query: DevicesDocument, fetchPolicy: 'network-only' });
      expect(first.data?.devices.length).toBeGreaterThan(0);
      expect(wire.exchanges.map((e) => shapeOf(e).query)).toEqual([false, true]);
      expect(codesOf(wire.exchanges[0]!.response)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

      wire.exchanges.length = 0;
      await client.query({ query: DevicesDocument, fetchPolicy: 'network-only' });
      expect(wire.exchanges.map((e) => shapeOf(e).query)).toEqual([false]);
      expect(wire.exchanges[0]!.response.errors).toBeUndefined();
    });

    it("Apollo Client sending the generated document's manifest id: found on the first request", async () => {
      const wire = recordingFetch();
      const client = new ApolloClient({
        link: ApolloLink.from([
          new PersistedQueryLink({
            // The client preset puts the manifest id on each generated document.
            generateHash: (document) => (document as { __meta__?: { hash?: string } }).__meta__?.hash ?? '',
          }),
          new HttpLink({ uri: stack.gateway.url, fetch: wire.fetch, headers: { authorization: AGENT1 } }),
        ]),
        cache: new InMemoryCache(),
        devtools: { enabled: false },
      });
      const result = await client.query({ query: DevicesDocument, fetchPolicy: 'network-only' });
      expect(result.data?.devices.length).toBeGreaterThan(0);
      expect(wire.exchanges.map(shapeOf)).toEqual([{ hash: idOf('Devices'), query: false }]);
    });
  });

  describe('HTTP: refused before anything runs', () => {
    it('a query that is not in the manifest: FORBIDDEN, HTTP 403', async () => {
      const { status, body } = await refusedUpstreamUntouched(() => post(stack.gateway.url, { query: '{ devices { id devicePath } }' }, AGENT2));
      expect(status).toBe(403);
      expect(codesOf(body)).toEqual(['FORBIDDEN']);
      expect(body.data).toBeUndefined();
      expect(body.errors![0]!.message).toMatch(/trusted documents/);
    });

    it('a mutation that is not in the manifest: GWS never sees it', async () => {
      const { variables } = example('CompleteRecord');
      const query = 'mutation CompleteRecord($recordHandle: Int!, $input: CompleteRecordInput!) { completeRecord(recordHandle: $recordHandle, input: $input) { referenceId } }';
      const { body } = await refusedUpstreamUntouched(() => post(stack.gateway.url, { query, variables }, AGENT2));
      expect(codesOf(body)).toEqual(['FORBIDDEN']);
    });

    it('a trusted operation next to another one in the same document', async () => {
      const query = `${example('Devices').query}\nquery Other { devices { id } }`;
      const { body } = await refusedUpstreamUntouched(() => post(stack.gateway.url, { query, operationName: 'Devices' }, AGENT2));
      expect(codesOf(body)).toEqual(['FORBIDDEN']);
    });

    it('introspection', async () => {
      const { body } = await post(stack.gateway.url, { query: '{ __schema { queryType { name } } }' }, AGENT2);
      expect(codesOf(body)).toEqual(['FORBIDDEN']);
    });

    it('an unknown documentId or hash: PERSISTED_QUERY_NOT_FOUND', async () => {
      const unknown = sha256('query Unknown { devices { id } }');
      const byId = await refusedUpstreamUntouched(() => post(stack.gateway.url, { documentId: `sha256:${unknown}` }, AGENT2));
      expect(codesOf(byId.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      const byHash = await refusedUpstreamUntouched(() => post(stack.gateway.url, { extensions: persistedQuery(unknown) }, AGENT2));
      expect(codesOf(byHash.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    });

    it('an untrusted document sent with its hash is refused and not registered for APQ', async () => {
      const query = 'query Sneaky { devices { id phoneNumber } }';
      const hash = sha256(query);
      const registering = await refusedUpstreamUntouched(() => post(stack.gateway.url, { query, extensions: persistedQuery(hash) }, AGENT2));
      expect(codesOf(registering.body)).toEqual(['FORBIDDEN']);
      const again = await post(stack.gateway.url, { extensions: persistedQuery(hash) }, AGENT2);
      expect(codesOf(again.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    });
  });

  describe('graphql-ws', () => {
    it('allowed: the example subscription by full text gets the acknowledgement of a mutation', async () => {
      const ws = stack.wsClient(AGENT1, { lazy: false });
      const events = collect<{ outboundRecordEvents: { notificationType: string } }>(ws, { query: example('OutboundRecordEvents').query });
      await untilSubscribed(stack, AGENT1);
      const { variables } = example('RescheduleRecord');
      expect((await post(stack.gateway.url, { documentId: idOf('RescheduleRecord'), variables }, AGENT1)).body.errors).toBeUndefined();
      const event = await events.next();
      expect(event.errors).toBeUndefined();
      expect(event.data?.outboundRecordEvents.notificationType).toBe('SCHEDULED_RECORD_RESCHEDULE_ACKNOWLEDGE');
      events.stop();
      await untilNoSubscribers(stack);
    });

    it('allowed: by the manifest id with an empty query', async () => {
      const ws = stack.wsClient(AGENT1, { lazy: false });
      const result = await firstResult(ws, { query: '', extensions: persistedQuery(idOf('Devices')) });
      expect(result.errors).toBeUndefined();
      expect(result.data).toMatchObject({ devices: expect.any(Array) });
    });

    it('refused: another subscription (FORBIDDEN), an unknown hash (PERSISTED_QUERY_NOT_FOUND); no upstream session opens', async () => {
      const ws = stack.wsClient(AGENT2, { lazy: false });
      const other = await refusedUpstreamUntouched(() =>
        firstResult(ws, { query: 'subscription { outboundRecordEvents { referenceId } }' }),
      );
      expect(codesOf(other)).toEqual(['FORBIDDEN']);
      const unknown = await refusedUpstreamUntouched(() => firstResult(ws, { query: '', extensions: persistedQuery(sha256('subscription X { outboundRecordEvents { referenceId } }')) }));
      expect(codesOf(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    });
  });
});
