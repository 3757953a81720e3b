/**
 * Where an idle upstream CometD session's heap goes, measured per component
 * in one process (run with `node --expose-gc --import tsx bench/lib/cometd-heap-probe.ts [users]`):
 * the simulator runs in its own child (its per-client state is not ours);
 * here N users get (1) their GWS HTTP session (cookie jar, CSRF token),
 * then (2) a started CometD session each, connected and with its long poll
 * parked, then (3) the sessions are disposed. Heap after settled GCs at each
 * step, divided by N, plus the time to set up (2) for all N at once.
 */
import { createLogger } from '../../src/logger.js';
import { CometdSession } from '../../src/upstream/cometd/index.js';
import { NOTIFICATIONS_PATH, SUBSCRIBED_CHANNELS } from '../../src/upstream/cometd-event-source.js';
import { GwsHttpClient } from '../../src/upstream/gws-http-client.js';
import { GwsSession } from '../../src/upstream/gws-session.js';
import { startSimulatorChild } from './children.js';
import { settledMemory } from './process-stats.js';
import { basicAuth, benchUsers } from './users.js';

const count = Number(process.argv[2] ?? 500);
const KB = 1024;

const sim = startSimulatorChild();
try {
  const { url } = await sim.rpc.call('info', undefined, 60_000);
  const logger = createLogger({ level: 'silent' });
  const gws = new GwsHttpClient({ baseUrl: url, connectTimeoutMs: 5_000, timeoutMs: 10_000, logger });
  const users = benchUsers(1, count).map((u) => new GwsSession(basicAuth(u)));
  const m0 = await settledMemory();
  for (let i = 0; i < users.length; i += 50) await Promise.all(users.slice(i, i + 50).map((s) => gws.ensureSession(s)));
  const m1 = await settledMemory();
  const started = performance.now();
  const sessions = users.map(
    (user) =>
      new CometdSession({
        url: `${url}${NOTIFICATIONS_PATH}`,
        cookieJar: user.jar,
        channels: SUBSCRIBED_CHANNELS,
        onMessage: () => undefined,
        onStateChange: () => undefined,
        logger: logger.child({ user: user.key }),
      }),
  );
  await Promise.all(sessions.map((s) => s.start()));
  const setupMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 1_000)); // connects parked
  const m2 = await settledMemory();
  await Promise.all(sessions.map((s) => s.dispose()));
  const m3 = await settledMemory();
  const per = (a: number, b: number): string => `${((b - a) / count / KB).toFixed(1)} KB`;
  console.log(
    JSON.stringify({
      users: count,
      httpSessionPerUser: per(m0.heapUsed, m1.heapUsed),
      cometdSessionPerUser: per(m1.heapUsed, m2.heapUsed),
      leftAfterDisposePerUser: per(m1.heapUsed, m3.heapUsed),
      cometdSetupMs: Math.round(setupMs),
    }),
  );
  gws.dispose();
} finally {
  await sim.rpc.call('close', undefined).catch(() => undefined);
  await sim.exited(5_000);
  process.exit(0);
}
