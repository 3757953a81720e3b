/**
 * The replacement of got's `createNativeRequestOptions` gives what got's own
 * gives, key for key, for the option sets a client of got may use.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Options, type OptionsInit } from 'got';
import { describe, expect, it } from 'vitest';
import { answersAsGot, gotCreateNativeRequestOptions, installCheapNativeRequestOptions } from '../../src/upstream/got-native-options.js';

installCheapNativeRequestOptions();

const lookup = (): void => undefined;
const connect = (): void => undefined;
const http = new HttpAgent({ keepAlive: true });
const https = new HttpsAgent({ keepAlive: true });

const CASES: [string, string, OptionsInit][] = [
  ['a POST with headers, like the REST client', 'http://127.0.0.1:8090/api/v2/me/outbound-records/6', { method: 'POST', headers: { authorization: 'Basic x', cookie: 'a=b' }, json: { a: 1 } }],
  ['a GET with timeouts and no retry', 'http://gws.example.com/api/v2/me', { timeout: { connect: 1_000, request: 5_000 }, retry: { limit: 0 }, followRedirect: false }],
  ['HTTPS with TLS options', 'https://gws.example.com/api', { https: { rejectUnauthorized: false, certificateAuthority: 'CA', minVersion: 'TLSv1.2', serverName: 'gws', ciphers: 'HIGH' } }],
  ['HTTPS with its own checkServerIdentity', 'https://gws.example.com/api', { https: { checkServerIdentity: () => undefined } }],
  ['agents for both protocols, http', 'http://gws.example.com/api', { agent: { http, https } }],
  ['agents for both protocols, https', 'https://gws.example.com/api', { agent: { http, https } }],
  ['cache options', 'http://gws.example.com/api', { cacheOptions: { shared: false, cacheHeuristic: 0.2, immutableMinTimeToLive: 100, ignoreCargoCult: true } }],
  ['a unix socket', 'http://unix:/tmp/gws.sock:/api/v2/me', { enableUnixSockets: true }],
  ['DNS and local address', 'http://gws.example.com/api', { dnsLookup: lookup as never, dnsLookupIpVersion: 4, localAddress: '127.0.0.1', setHost: false, maxHeaderSize: 8192 }],
  ['a dnsCache', 'http://gws.example.com/api', { dnsCache: true }],
  ['createConnection', 'http://gws.example.com/api', { createConnection: connect as never }],
  ['a pfx array (got\'s own code)', 'https://gws.example.com/api', { https: { pfx: [{ buffer: Buffer.from('x'), passphrase: 'p' }] } }],
  ['HTTP/2 (got\'s own code)', 'https://gws.example.com/api', { http2: true }],
];

describe('createNativeRequestOptions: the replacement answers as got does', () => {
  it.each(CASES)('%s', (_name, url, init) => {
    const options = new Options(url, init);
    const ours = options.createNativeRequestOptions();
    const gots = gotCreateNativeRequestOptions.call(options);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(gots).sort());
    for (const key of Object.keys(gots) as (keyof typeof gots)[]) expect(ours[key], key).toEqual(gots[key]);
  });

  it('is installed on got\'s Options', () => {
    expect(Options.prototype.createNativeRequestOptions).not.toBe(gotCreateNativeRequestOptions);
  });

  it('checks itself against got before it is installed: a got whose options differ keeps its own method', () => {
    expect(answersAsGot()).toBe(true);
    // A got version that added a key to the native options (its internals moved): the replacement would drop it.
    const newerGot = function (this: Options) {
      return { ...gotCreateNativeRequestOptions.call(this), signal: undefined, newOption: 1 };
    } as typeof gotCreateNativeRequestOptions;
    expect(answersAsGot(newerGot)).toBe(false);
    // One that computes a value otherwise.
    const otherGot = function (this: Options) {
      return { ...gotCreateNativeRequestOptions.call(this), method: 'PUT' };
    } as typeof gotCreateNativeRequestOptions;
    expect(answersAsGot(otherGot)).toBe(false);
  });
});
