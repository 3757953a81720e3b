/**
 * POST /graphql takes one of two paths: a JSON body with a declared length
 * goes straight to Apollo on node:http (src/server/graphql-post.ts), and the
 * same request sent chunked goes through Express (body-parser, the stream
 * transports' middleware, Apollo's Express integration). A plain request the
 * pipeline accepts is even executed without Apollo (graphql-post-direct.ts),
 * answered as Apollo would. Each request below is sent both ways over a real
 * socket; the answers must be the same: status, body, and every header but
 * the ones that differ by nature (date, Express's ETag, the generated request
 * id).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationByName } from '../../src/operations/record-operations.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import { AGENT1, AGENT2, startStack, type Stack } from '../support/stack.js';

const ALLOWED_ORIGIN = 'https://app.example.com';
/** Operations per credential per window (RATE_LIMITED past it), for the 429 case; AGENT2 is the credential that meets it. */
const RATE_LIMIT_POINTS = 100;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { CORS_ORIGINS: ALLOWED_ORIGIN, MAX_BODY_BYTES: '4096', RATE_LIMIT_POINTS: String(RATE_LIMIT_POINTS), RATE_LIMIT_WINDOW_SECONDS: '3600' } });
});
afterAll(async () => {
  await stack.stop();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `body` with Content-Length (the direct path) or chunked (Express). */
function send(body: string | Buffer, headers: Record<string, string>, chunked: boolean): Promise<Answer> {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  return new Promise((resolve, reject) => {
    const req = request(
      stack.gateway.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers, ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(payload.length) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (chunked && payload.length > 1) {
      // Two chunks, so it really is chunked.
      req.write(payload.subarray(0, 1));
      req.end(payload.subarray(1));
    } else req.end(payload);
  });
}

const NATURALLY_DIFFERENT = new Set(['date', 'etag', 'x-request-id', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const comparable = (a: Answer): Record<string, unknown> => ({
  status: a.status,
  body: a.body,
  headers: Object.fromEntries(Object.entries(a.headers).filter(([k]) => !NATURALLY_DIFFERENT.has(k)).sort(([x], [y]) => x.localeCompare(y))),
});

async function bothWays(
  body: string | Buffer,
  headers: Record<string, string> = {},
  normalize: (a: Record<string, unknown>) => Record<string, unknown> = (a) => a,
): Promise<{ direct: Answer; express: Answer }> {
  const direct = await send(body, headers, false);
  const express = await send(body, headers, true);
  expect(normalize(comparable(direct))).toEqual(normalize(comparable(express)));
  return { direct, express };
}

const update = operationByName('UpdateRecord')!;
const mutation = JSON.stringify({ query: mutationDocument(update), variables: variablesFromSeed(update, seedOf(update)) });

describe('POST /graphql: the direct path answers as Express does', () => {
  it('takes the direct path for a JSON body with a length (no ETag: Express did not answer)', async () => {
    const { direct, express } = await bothWays(JSON.stringify({ query: '{ __typename }' }));
    expect(direct.status).toBe(200);
    expect(JSON.parse(direct.body)).toEqual({ data: { __typename: 'Query' } });
    expect(direct.headers['etag']).toBeUndefined();
    // Apollo's cache control plugin said so before it was disabled; it must still be said.
    expect(direct.headers['cache-control']).toBe('no-store');
    expect(express.headers['etag']).toBeDefined();
  });

  it('a mutation upstream, with the credential', async () => {
    const { direct } = await bothWays(mutation, { authorization: AGENT1 });
    expect(JSON.parse(direct.body)).toMatchObject({ data: { updateRecord: { statusCode: 0 } } });
  });

  it('without a credential: UNAUTHENTICATED', async () => {
    const { direct } = await bothWays(mutation);
    expect(JSON.parse(direct.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['malformed JSON', '{"query": '],
    ['a JSON string (body-parser strict mode)', '"{ __typename }"'],
    ['a JSON number', '42'],
    ['null', 'null'],
    ['an empty body', ''],
    ['a batch (batching is off)', JSON.stringify([{ query: '{ __typename }' }])],
    ['no query', JSON.stringify({ variables: {} })],
    ['a parse error', JSON.stringify({ query: '{ __typename ' })],
    ['a validation error', JSON.stringify({ query: '{ noSuchField }' })],
  ])('%s', async (_name, body) => {
    const { direct } = await bothWays(body);
    expect(direct.status).toBeGreaterThanOrEqual(400);
  });

  it.each([
    ['a mutation upstream GWS refuses (unknown record)', { query: mutationDocument(update), variables: { ...variablesFromSeed(update, seedOf(update)), recordHandle: 999_999 } }],
    ['a variable of the wrong type (BAD_USER_INPUT, 400)', { query: mutationDocument(update), variables: { ...variablesFromSeed(update, seedOf(update)), recordHandle: 'six' } }],
    ['a required variable missing', { query: mutationDocument(update), variables: {} }],
    ['an input the operation table refuses', { query: mutationDocument(update), variables: { recordHandle: 6, input: { ...(variablesFromSeed(update, seedOf(update))['input'] as object), applicationId: -1 } } }],
    ['two operations, the one named', { query: 'query A { __typename } query B { devices { devicePath } }', operationName: 'A' }],
    ['two operations, no name', { query: 'query A { __typename } query B { __typename }' }],
    ['an unknown operation name', { query: 'query A { __typename }', operationName: 'Nope' }],
    ['an empty operation name', { query: 'query A { __typename }', operationName: '' }],
    ['a null operation name, null variables, null extensions', { query: '{ __typename }', operationName: null, variables: null, extensions: null }],
    ['extensions without a persisted query', { query: '{ __typename }', extensions: { clientLibrary: { name: 'x' } } }],
    ['an APQ hash Apollo has not seen', { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }],
    ['a documentId', { documentId: 'sha256:' + 'b'.repeat(64) }],
    ['an unknown body field', { query: '{ __typename }', id: 1 }],
    ['variables as a string', { query: '{ __typename }', variables: '{}' }],
    ['a subscription over POST', { query: 'subscription { outboundRecordEvents { referenceId } }' }],
    ['a query without a credential', { query: '{ devices { devicePath } }' }],
    ['a query with a credential', { query: '{ devices { devicePath } }' }, AGENT1],
  ] as const)('%s', async (_name, body, authorization?: string) => {
    await bothWays(JSON.stringify(body), authorization ? { authorization } : {});
  });

  it.each([
    [undefined],
    ['*/*'],
    ['application/json'],
    ['application/json; charset=utf-8'],
    ['application/json, */*'],
    ['application/graphql-response+json'],
    ['application/graphql-response+json; charset=utf-8'],
    ['application/graphql-response+json, application/json'],
    ['application/graphql-response+json,application/json;q=0.9'],
    ['application/graphql-response+json, application/json;q=0.9'],
    ['application/json;q=0.5, application/graphql-response+json'],
    ['text/html'],
  ])('Accept: %s', async (accept) => {
    const headers: Record<string, string> = accept === undefined ? {} : { accept };
    await bothWays(JSON.stringify({ query: '{ __typename }' }), headers);
    await bothWays(JSON.stringify({ query: '{ noSuchField }' }), headers);
    await bothWays(mutation, { ...headers, authorization: AGENT1 });
  });

  it('over the credential\'s rate limit: 429 with Retry-After, both ways', async () => {
    // Retry-After counts down: the seconds may differ by one between the two answers.
    const seconds = (a: Record<string, unknown>): Record<string, unknown> => ({
      ...a,
      body: String(a['body']).replace(/retry in \d+ s/g, 'retry in N s').replace(/"retryAfterSeconds":\d+/g, '"retryAfterSeconds":N'),
      headers: { ...(a['headers'] as object), 'retry-after': 'N' },
    });
    let limited: Answer | undefined;
    for (let i = 0; i < RATE_LIMIT_POINTS && !limited; i++) {
      const { direct } = await bothWays(mutation, { authorization: AGENT2 }, seconds);
      if (direct.status === 429) limited = direct;
    }
    expect(limited?.headers['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(limited!.body).errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('a body with a byte order mark', async () => {
    const { direct } = await bothWays(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ query: '{ __typename }' }))]));
    expect(direct.status).toBe(200);
  });

  it('charset=utf-8 in the content type, whitespace before the JSON', async () => {
    const { direct } = await bothWays(`\n  ${JSON.stringify({ query: '{ __typename }' })}`, { 'content-type': 'application/json; charset=utf-8' });
    expect(direct.status).toBe(200);
  });

  it('CORS: an allowed origin gets its Access-Control-Allow-Origin, another does not, both Vary: Origin', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const { direct: allowed } = await bothWays(body, { origin: ALLOWED_ORIGIN });
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    const { direct: other } = await bothWays(body, { origin: 'https://evil.example.com' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['vary']).toMatch(/origin/i);
  });

  it('request ids: a valid one is echoed, an invalid one replaced', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const { direct, express } = await bothWays(body, { 'x-request-id': 'client-id-1' });
    expect(direct.headers['x-request-id']).toBe('client-id-1');
    expect(express.headers['x-request-id']).toBe('client-id-1');
    const invalid = await bothWays(body, { 'x-request-id': 'not valid!' });
    expect(invalid.direct.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(invalid.express.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('over the body limit: 413 from Express (before the body is read when declared), whichever way it is sent', async () => {
    const big = JSON.stringify({ query: `{ __typename }${' '.repeat(5000)}` });
    // Express answers both: the declared length early (http-limits.ts), the chunked body once read past the limit (body-parser).
    for (const answer of [await send(big, {}, false), await send(big, {}, true)]) {
      expect(answer.status).toBe(413);
      expect(answer.headers['etag']).toBeDefined();
      expect(JSON.parse(answer.body).errors[0].message).toMatch(/too large/i);
    }
  });
});
