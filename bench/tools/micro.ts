/**
 * Micro-benchmarks of the per-request pieces of the mutation path, each in
 * both of its forms (as it was, as it is now), so that a change's effect is
 * measured on its own and not lost in the end-to-end noise of a shared
 * machine: `npx tsx bench/tools/micro.ts`. Each figure is the best of 7
 * timed batches (the least disturbed), in µs per call.
 */
import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import CircuitBreaker from 'opossum';
import { CookieJar } from 'tough-cookie';
import { createLogger } from '../../src/logger.js';
import { inSpan, tracer } from '../../src/observability/tracing.js';

type Case = () => unknown;

async function time(name: string, fn: Case, n = 20_000): Promise<number> {
  for (let i = 0; i < n / 4; i++) await fn(); // warm-up
  let best = Infinity;
  for (let batch = 0; batch < 7; batch++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1000 / n);
  }
  console.log(`${name.padEnd(64)} ${best.toFixed(2).padStart(7)} µs`);
  return best;
}

const authorization = `Basic ${Buffer.from('agent1:agent1pass').toString('base64')}`;
const key = randomBytes(32);
const url = 'http://127.0.0.1:8090/api/v2/me/outbound-records/6';

const cases: [string, Case][] = [];
const add = (name: string, fn: Case): void => void cases.push([name, fn]);

add('HMAC-SHA256 of the credential (credentialKey)', () => createHmac('sha256', key).update(authorization).digest('base64url'));
const keyObject = createSecretKey(key);
add('... with the key as a KeyObject made once', () => createHmac('sha256', keyObject).update(authorization).digest('base64url'));
const keys = new Map([[authorization, createHmac('sha256', key).update(authorization).digest('base64url')]]);
add('... looked up in a Map of known credentials', () => keys.get(authorization));

const jar = new CookieJar();
jar.setCookieSync('JSESSIONID=abcdef0123456789; Path=/; HttpOnly', url);
jar.setCookieSync('lb=node1; Path=/', url);
add('tough-cookie: getCookieString for the request', () => jar.getCookieStringSync(url));
add('tough-cookie: getCookieString (async API, as got calls it)', () => jar.getCookieString(url));
const cached = jar.getCookieStringSync(url);
add('... a Cookie header cached per session', () => cached);

const breakerDefaults = new CircuitBreaker((f: () => Promise<number>) => f(), { timeout: false, rollingCountTimeout: 10_000, volumeThreshold: 5 });
const breakerLean = new CircuitBreaker((f: () => Promise<number>) => f(), {
  timeout: false, rollingCountTimeout: 10_000, volumeThreshold: 5, rollingPercentilesEnabled: false, enableSnapshots: false,
});
const ok = (): Promise<number> => Promise.resolve(1);
add('opossum fire, defaults (rolling percentiles, snapshots)', () => breakerDefaults.fire(ok));
add('opossum fire, rollingPercentilesEnabled/enableSnapshots false', () => breakerLean.fire(ok));
add('... no breaker', () => ok());

add('startActiveSpan, no provider (inSpan before)', () =>
  tracer.startActiveSpan('GWS POST', { attributes: { 'http.request.method': 'POST', 'url.path': '/x' } }, async (span) => {
    try {
      return 1;
    } finally {
      span.end();
    }
  }),
);
add('inSpan, no provider (now: no span at all)', () => inSpan('GWS POST', { 'http.request.method': 'POST', 'url.path': '/x' }, async () => 1));
add('... plain call', async () => 1);

const logger = createLogger({ level: 'silent' });
add('pino child({ requestId }) of a redacting logger', () => logger.child({ requestId: 'a0b1c2d3-e4f5-4a6b-8c7d-0123456789ab' }));

const lruAuto = new LRUCache<string, object>({ max: 10_000, ttl: 1_800_000, updateAgeOnGet: true, ttlAutopurge: true });
const lruSwept = new LRUCache<string, object>({ max: 10_000, ttl: 1_800_000, updateAgeOnGet: true, ttlResolution: 1_000 });
lruAuto.set('k', {});
lruSwept.set('k', {});
add('lru-cache get, ttl + updateAgeOnGet + ttlAutopurge', () => lruAuto.get('k'));
add('lru-cache get, ttl + updateAgeOnGet, ttlResolution 1 s, swept', () => lruSwept.get('k'));

for (const [name, fn] of cases) await time(name, fn);
breakerDefaults.shutdown();
breakerLean.shutdown();
process.exit(0);
