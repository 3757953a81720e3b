/** The headers editor's headers become the graphql-ws connection_init payload. */
import { describe, expect, it } from 'vitest';
import { connectionParamsFromHeaders, connectionParamsKey } from '../../src/playground/client/connection-params.js';
import { endpointUrls } from '../../src/playground/client/endpoint-urls.js';
import { documentOf, withKnownOperationName } from '../../src/playground/client/operation-name.js';

describe('connectionParamsFromHeaders', () => {
  it('lower-cases header names, so Authorization arrives as authorization', () => {
    expect(connectionParamsFromHeaders({ Authorization: 'Basic YWdlbnQxOmFnZW50MXBhc3M=', 'X-Trace': 'abc' })).toEqual({
      authorization: 'Basic YWdlbnQxOmFnZW50MXBhc3M=',
      'x-trace': 'abc',
    });
  });

  it('drops null and undefined, stringifies other values', () => {
    expect(connectionParamsFromHeaders({ a: null, b: undefined, c: 1, d: { e: true } })).toEqual({ c: '1', d: '{"e":true}' });
    expect(connectionParamsFromHeaders(undefined)).toEqual({});
  });

  it('keys a header set regardless of order', () => {
    expect(connectionParamsKey({ a: '1', b: '2' })).toBe(connectionParamsKey({ b: '2', a: '1' }));
    expect(connectionParamsKey({ authorization: 'x' })).not.toBe(connectionParamsKey({ authorization: 'y' }));
  });
});

describe('endpointUrls', () => {
  it('derives ws:// from http:// and wss:// from https://', () => {
    expect(endpointUrls('/graphql', { href: 'http://localhost:4000/graphql' })).toEqual({
      url: 'http://localhost:4000/graphql',
      subscriptionUrl: 'ws://localhost:4000/graphql',
    });
    expect(endpointUrls('/api/graphql', { href: 'https://gw.example.com/api/graphql?x=1' })).toEqual({
      url: 'https://gw.example.com/api/graphql',
      subscriptionUrl: 'wss://gw.example.com/api/graphql',
    });
  });
});

describe('withKnownOperationName', () => {
  const subscription = 'subscription OutboundRecordEvents { outboundRecordEvents { referenceId } }';

  it("replaces a stale operation name (the previous tab's) by the document's only operation", () => {
    expect(withKnownOperationName({ query: subscription, operationName: 'Devices' })).toEqual({
      query: subscription,
      operationName: 'OutboundRecordEvents',
    });
  });

  it('keeps a name the document has, a missing name, and documents it cannot judge', () => {
    const two = 'query A { devices { id } } query B { devices { id } }';
    expect(withKnownOperationName({ query: subscription, operationName: 'OutboundRecordEvents' }).operationName).toBe('OutboundRecordEvents');
    expect(withKnownOperationName<{ query: string; operationName?: string }>({ query: subscription }).operationName).toBeUndefined();
    expect(withKnownOperationName({ query: two, operationName: 'C' }).operationName).toBe('C');
    expect(withKnownOperationName({ query: '{ broken', operationName: 'X' }).operationName).toBe('X');
  });
});

describe('documentOf', () => {
  it("is the sent text's own document (the toolkit picks the transport from it), undefined when it does not parse", () => {
    const document = documentOf('subscription S { outboundRecordEvents { referenceId } }');
    expect(document?.definitions[0]).toMatchObject({ operation: 'subscription', name: { value: 'S' } });
    expect(documentOf('{ broken')).toBeUndefined();
  });
});
