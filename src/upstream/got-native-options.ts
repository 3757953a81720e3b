/**
 * got 14's `Options#createNativeRequestOptions` (the options handed to
 * `http.request` on every request) builds one object literal of 34 keys
 * after spreading `cacheOptions` and the unix-socket options into it. On
 * Node 20's V8 that shape takes the slow path every time: 40–90 µs per call
 * (bench/tools/micro.ts `got-native-options`; 50–70 µs of self time per
 * mutation in the gateway's and the got proxy's profiles, the most expensive
 * function of either after `writev`), where the same object built literal
 * first and the two sources added after takes under 1 µs.
 *
 * This replaces that one method by the same computation in that order, for
 * the plain cases (HTTP/1.1, no `pfx` array); HTTP/2 and a `pfx` array keep
 * got's own code. The result has the same keys and values (a spread key is
 * overridden by the literal's, so it is added only when the literal lacks
 * it); test/unit/got-native-options.test.ts compares the two on many option
 * sets. got stays the client: nothing else of it changes.
 */
import { checkServerIdentity } from 'node:tls';
import { Options } from 'got';

/** The fields of got's Options this reads (private in got's types). */
interface OptionsInternals {
  _internals: {
    url: URL | undefined;
    http2: boolean;
    agent: { http?: unknown; https?: unknown; http2?: unknown };
    https: Record<string, unknown> & { pfx?: unknown; checkServerIdentity?: unknown };
    cacheOptions: Record<string, unknown>;
    dnsLookup?: unknown;
    dnsCache?: { lookup?: unknown } | boolean;
    dnsLookupIpVersion?: unknown;
    setHost: unknown;
    method: unknown;
    maxHeaderSize?: unknown;
    localAddress?: unknown;
    headers: unknown;
    createConnection?: unknown;
    h2session?: unknown;
  };
  _unixOptions?: Record<string, unknown>;
}

type NativeOptions = ReturnType<Options['createNativeRequestOptions']>;

/** got's own method, kept for the cases above and for the test. */
export const gotCreateNativeRequestOptions: (this: Options) => NativeOptions = Options.prototype.createNativeRequestOptions;

function createNativeRequestOptions(this: Options): NativeOptions {
  const self = this as unknown as OptionsInternals;
  const internals = self._internals;
  const { https } = internals;
  if (internals.http2 || Array.isArray(https.pfx)) return gotCreateNativeRequestOptions.call(this);
  const dnsCache = internals.dnsCache;
  const result: Record<string, unknown> = {
    ALPNProtocols: https['alpnProtocols'],
    ca: https['certificateAuthority'],
    cert: https['certificate'],
    key: https['key'],
    passphrase: https['passphrase'],
    pfx: https.pfx,
    rejectUnauthorized: https['rejectUnauthorized'],
    checkServerIdentity: https.checkServerIdentity ?? checkServerIdentity,
    servername: https['serverName'],
    ciphers: https['ciphers'],
    honorCipherOrder: https['honorCipherOrder'],
    minVersion: https['minVersion'],
    maxVersion: https['maxVersion'],
    sigalgs: https['signatureAlgorithms'],
    sessionTimeout: https['tlsSessionLifetime'],
    dhparam: https['dhparam'],
    ecdhCurve: https['ecdhCurve'],
    crl: https['certificateRevocationLists'],
    secureOptions: https['secureOptions'],
    lookup: internals.dnsLookup ?? (typeof dnsCache === 'object' ? dnsCache.lookup : undefined),
    family: internals.dnsLookupIpVersion,
    agent: internals.url?.protocol === 'https:' ? internals.agent.https : internals.agent.http,
    setHost: internals.setHost,
    method: internals.method,
    maxHeaderSize: internals.maxHeaderSize,
    localAddress: internals.localAddress,
    headers: internals.headers,
    createConnection: internals.createConnection,
    timeout: undefined,
    h2session: internals.h2session,
  };
  for (const source of [internals.cacheOptions, self._unixOptions]) {
    if (source) for (const key in source) if (!(key in result)) result[key] = source[key];
  }
  return result as NativeOptions;
}

let installed: boolean | undefined;

/**
 * Installs the method once per process (the REST client does, when created),
 * after checking that it answers as got's own on the REST client's kind of
 * request: another got version whose internals moved keeps got's method
 * (slower, never wrong). Returns whether the replacement is in place.
 */
export function installCheapNativeRequestOptions(): boolean {
  installed ??= answersAsGot();
  if (installed) Options.prototype.createNativeRequestOptions = createNativeRequestOptions;
  return installed;
}

/** Key for key, the replacement's options against got's, for a POST like the REST client's and a GET over HTTPS. */
export function answersAsGot(original: (this: Options) => NativeOptions = gotCreateNativeRequestOptions): boolean {
  try {
    const samples = [
      new Options('http://127.0.0.1:8090/api/v2/me/outbound-records/6', { method: 'POST', headers: { accept: 'application/json' }, json: { a: 1 } }),
      new Options('https://gws.example.com/api/v2/me', { https: { rejectUnauthorized: false }, timeout: { connect: 1_000 } }),
    ];
    return samples.every((options) => {
      const ours = createNativeRequestOptions.call(options) as Record<string, unknown>;
      const gots = original.call(options) as Record<string, unknown>;
      const keys = Object.keys(gots);
      return keys.length === Object.keys(ours).length && keys.every((key) => key in ours && Object.is(ours[key], gots[key]));
    });
  } catch {
    return false;
  }
}
