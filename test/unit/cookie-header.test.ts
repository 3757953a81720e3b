/**
 * SessionCookies' cached Cookie header is what a plain tough-cookie jar
 * answers: two jars get the same Set-Cookie values, resets and requests at
 * the same (fake) times, and every request's header must be the same. The
 * operations cover what changes the answer: new and replaced cookies,
 * cookies for other paths, Max-Age and Expires (tough-cookie counts Max-Age
 * from the last time a cookie was sent), resets, the CometD transport
 * writing to the jar directly, query strings, another origin.
 */
import fc from 'fast-check';
import { CookieJar } from 'tough-cookie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionCookies } from '../../src/upstream/cookie-header.js';

const SEED = Number(process.env['FC_SEED'] ?? 20_261_201);

const ORIGIN = 'http://gws.example.com:8080';
const PATHS = ['/', '/api', '/api/v2', '/api/v2/me', '/api/v2/me/outbound-records/6', '/cometd', '/apix'];
const URLS = [...PATHS.map((p) => `${ORIGIN}${p}`), `${ORIGIN}/api/v2/me?x=1`, 'http://other.example.com/api/v2/me', 'https://gws.example.com:8080/api'];

type Step =
  | { kind: 'set'; via: 'got' | 'jar'; name: string; value: string; path: string | undefined; maxAge: number | undefined; expiresInMs: number | undefined; url: string }
  | { kind: 'reset' }
  | { kind: 'wait'; ms: number }
  | { kind: 'get'; url: string };

const set: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('set' as const),
  via: fc.constantFrom('got' as const, 'jar' as const),
  name: fc.constantFrom('JSESSIONID', 'LB', 'other'),
  value: fc.stringMatching(/^[a-z0-9]{1,6}$/),
  path: fc.option(fc.constantFrom(...PATHS), { nil: undefined }),
  maxAge: fc.option(fc.constantFrom(-1, 0, 1, 2, 5), { nil: undefined }),
  expiresInMs: fc.option(fc.constantFrom(-1_000, 500, 1_500, 10_000), { nil: undefined }),
  url: fc.constantFrom(...URLS),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: set, weight: 3 },
  { arbitrary: fc.constant({ kind: 'reset' as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(0, 300, 999, 1_000, 2_500) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('get' as const), url: fc.constantFrom(...URLS) }), weight: 5 },
);

function setCookieValue(s: Extract<Step, { kind: 'set' }>): string {
  const attributes = [
    `${s.name}=${s.value}`,
    ...(s.path !== undefined ? [`Path=${s.path}`] : []),
    ...(s.maxAge !== undefined ? [`Max-Age=${s.maxAge}`] : []),
    ...(s.expiresInMs !== undefined ? [`Expires=${new Date(Date.now() + s.expiresInMs).toUTCString()}`] : []),
  ];
  return attributes.join('; ');
}

describe('SessionCookies: the cached Cookie header', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-12-01T12:00:00Z'), toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is what tough-cookie answers, step by step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 60, size: 'large' }), async (steps) => {
        vi.setSystemTime(new Date('2026-12-01T12:00:00Z'));
        const subject = new SessionCookies();
        const reference = new CookieJar();
        for (const s of steps) {
          switch (s.kind) {
            case 'set': {
              const value = setCookieValue(s);
              // A cookie for another host is refused by both alike.
              const a = await (s.via === 'got' ? subject.setCookie(value, s.url) : subject.jar.setCookie(value, s.url)).then(() => 'ok', () => 'refused');
              const b = await reference.setCookie(value, s.url).then(() => 'ok', () => 'refused');
              expect(a).toBe(b);
              break;
            }
            case 'reset':
              subject.jar.removeAllCookiesSync();
              reference.removeAllCookiesSync();
              break;
            case 'wait':
              vi.setSystemTime(Date.now() + s.ms);
              break;
            case 'get':
              expect(await subject.getCookieString(s.url)).toBe(reference.getCookieStringSync(s.url));
              break;
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('answers a repeated request from the cache, and a Set-Cookie changes the answer', async () => {
    const cookies = new SessionCookies();
    const url = `${ORIGIN}/api/v2/me/outbound-records/6`;
    await cookies.setCookie('JSESSIONID=a; Path=/; HttpOnly', `${ORIGIN}/api/v2/me`);
    const spy = vi.spyOn(cookies.jar, 'getCookiesSync');
    expect(cookies.header(url)).toBe('JSESSIONID=a');
    expect(cookies.header(url)).toBe('JSESSIONID=a');
    expect(cookies.header(`${ORIGIN}/api/v2/me/outbound-records/7`)).toBe('JSESSIONID=a');
    expect(spy).toHaveBeenCalledTimes(1);
    await cookies.setCookie('JSESSIONID=b; Path=/', url);
    expect(cookies.header(url)).toBe('JSESSIONID=b');
    expect(spy).toHaveBeenCalledTimes(2);
  });
});
