/**
 * `npm run bench`: the gateway's performance next to the simulator's and two
 * minimal proxies' (the baselines), in one run, on loopback. Not part of CI.
 * Writes bench/RESULTS.md and exits.
 *
 * The load generator is this process; the simulator, the gateway and the
 * baseline proxies run in one child process each (lib/children.ts says why). Every wait has a
 * timeout, a failed phase is reported and the next one still runs, and a hard
 * deadline ends the run whatever happens.
 *
 * BENCH_QUICK=1 runs small counts (a smoke test of the script itself);
 * BENCH_PHASES=s,a,b,c,d,e,f (default all) runs only some phases (s: npm start's time to listen); (f) is two
 * instances on a redis-server of its own (scripts/ensure-redis.sh installs it).
 * BENCH_HTTP_PATHS=proxy-got,gateway (default all four) only some paths of (a); BENCH_PROFILES=0 skips the profiled passes;
 * BENCH_HTTP_MS and BENCH_ROUNDS override the concurrent duration per path and the rounds of (a);
 * BENCH_GATEWAY_B=/path/to/another/checkout adds that tree's gateway as path gateway-b of (a)
 * (the same load, the same rounds: an A/B run of a change; the tree needs node_modules).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve as resolvePath } from 'node:path';
import { calibrateClock, startGatewayChild, startProxyChild, startSimulatorChild } from './lib/children.js';
import { cpuWindow } from './lib/cpu-window.js';
import { machineInfo, packageVersions } from './lib/machine.js';
import { runClusterPhase } from './lib/cluster-phase.js';
import { runFanout, primeUsers, runOneUserFanout, runSessions, type EventsContext } from './lib/phase-events.js';
import { profileHttpPath, runHttpPhase, type HttpPhaseOptions } from './lib/phase-http.js';
import { runResume } from './lib/phase-resume.js';
import { summarizeCpuProfile, summarizeHeapProfile } from './lib/profile-summary.js';
import { progress } from './lib/progress.js';
import { measureStartup } from './lib/phase-startup.js';
import { renderReport, verdicts } from './lib/report.js';
import type { BenchResults } from './lib/results.js';
import { benchUsers } from './lib/users.js';

const QUICK = process.env['BENCH_QUICK'] === '1';
// BENCH_OUT: another report file (absolute, or relative to bench/) (a run of some phases only would otherwise replace RESULTS.md's other phases).
const RESULTS_FILE = process.env['BENCH_OUT'] ? resolvePath(fileURLToPath(new URL('.', import.meta.url)), process.env['BENCH_OUT']) : fileURLToPath(new URL(QUICK ? './RESULTS.quick.md' : './RESULTS.md', import.meta.url));
const PROFILE_DIR = fileURLToPath(new URL('./profiles/', import.meta.url));
const HARD_DEADLINE_MS = 14 * 60_000;
const PHASES = new Set((process.env['BENCH_PHASES'] ?? 's,a,b,c,d,e,f').split(',').map((p) => p.trim()));
const HTTP_PATH_LIST = process.env['BENCH_HTTP_PATHS']?.split(',').map((p) => p.trim());
const PROFILES = process.env['BENCH_PROFILES'] !== '0';

const SETTINGS = QUICK
  ? {
      seq: 200, warmup: 100, concurrency: 32, durationMs: 2_000, rounds: 1, fanout: [100, 1_000], fanoutUsers: 50, sessions: [20, 100], bursts: 1, oneUser: { subscriptions: 200, events: 20, intervalMs: 20 },
      resume: { events: 1_000, rounds: 1, idleUsers: 20 },
      paced: [{ label: 'paced, 1 event/s per user', rounds: 2, roundMs: 1_000 }],
    }
  : {
      seq: 2_000, warmup: 500, concurrency: 32, durationMs: 10_000, rounds: 2, fanout: [1_000, 10_000], fanoutUsers: 200, sessions: [200, 1_000, 5_000], bursts: 3, oneUser: { subscriptions: 1_000, events: 50, intervalMs: 20 },
      resume: { events: 1_000, rounds: 5, idleUsers: 100 },
      // The first paced run is the one the p99 target is judged on.
      paced: [
        { label: 'paced, 1 event/s per user', rounds: 10, roundMs: 1_000 },
        { label: 'paced, 1 event/5 s per user', rounds: 3, roundMs: 5_000 },
      ],
    };

/** Subscriptions of each transport's run in (e). */
const TRANSPORT_SUBSCRIPTIONS = 1_000;
const override = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);
SETTINGS.durationMs = override('BENCH_HTTP_MS') ?? SETTINGS.durationMs;
SETTINGS.rounds = override('BENCH_ROUNDS') ?? SETTINGS.rounds;

async function main(): Promise<number> {
  const startedAt = performance.now();
  mkdirSync(PROFILE_DIR, { recursive: true });
  const results: BenchResults = {
    date: new Date().toISOString(),
    durationS: 0,
    backgroundCores: undefined,
    machine: machineInfo(),
    packages: packageVersions(),
    gatewayEnv: {},
    clock: undefined,
    http: { paths: {}, sequentialCount: SETTINGS.seq, concurrency: SETTINGS.concurrency, durationMs: SETTINGS.durationMs, rounds: SETTINGS.rounds },
    fanout: [],
    sessions: [],
    cluster: [],
    profiles: [],
    failures: [],
  };
  const attempt = async (name: string, phase: () => Promise<void>): Promise<void> => {
    try {
      await phase();
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      progress(`FAILED ${name}: ${text.split('\n')[0]}`);
      results.failures.push(`${name}: ${text}`);
    }
  };
  const profile = (title: string, kind: 'cpu' | 'heap', file: string): void => {
    const summary = kind === 'cpu' ? summarizeCpuProfile(file) : summarizeHeapProfile(file);
    results.profiles.push({ title, kind, file: file.slice(process.cwd().length + 1), summary });
  };

  if (PHASES.has('s')) await attempt('(s) start-up', async () => {
    results.startupMs = await measureStartup(3);
    progress(`(s) npm start -> listening: ${results.startupMs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`);
  });
  progress('starting the simulator and the gateway (child processes)');
  const sim = startSimulatorChild();
  let gateway: ReturnType<typeof startGatewayChild> | undefined;
  let proxy: ReturnType<typeof startProxyChild> | undefined;
  let gatewayB: ReturnType<typeof startGatewayChild> | undefined;
  let endWholeRun: (() => Promise<void>) | undefined;
  try {
    const simInfo = await sim.rpc.call('info', undefined, 60_000);
    gateway = startGatewayChild(simInfo.url);
    const gw = gateway.rpc;
    const gwInfo = await gw.call('info', undefined, 60_000);
    results.gatewayEnv = { ...gwInfo.env };
    const treeB = process.env['BENCH_GATEWAY_B'];
    gatewayB = treeB ? startGatewayChild(simInfo.url, {}, treeB) : undefined;
    const gatewayBInfo = await gatewayB?.rpc.call('info', undefined, 60_000);
    proxy = startProxyChild(simInfo.url);
    const proxyInfo = await proxy.rpc.call('info', undefined, 60_000);
    progress(`simulator ${simInfo.url} (pid ${simInfo.pid}), gateway ${gwInfo.url} (pid ${gwInfo.pid}), proxies got ${proxyInfo.got} / undici ${proxyInfo.undici} (pid ${proxyInfo.pid})`);
    const wholeRun = await cpuWindow(gw, sim.rpc, proxy.rpc);
    endWholeRun = async () => {
      results.backgroundCores = (await wholeRun()).others;
    };

    const http: HttpPhaseOptions = {
      gatewayUrl: gwInfo.url,
      simulatorUrl: simInfo.url,
      proxyUrls: { got: proxyInfo.got, undici: proxyInfo.undici },
      gw,
      sim: sim.rpc,
      proxy: proxy.rpc,
      sequentialCount: SETTINGS.seq,
      warmupCount: SETTINGS.warmup,
      concurrency: SETTINGS.concurrency,
      durationMs: SETTINGS.durationMs,
      rounds: SETTINGS.rounds,
      ...(HTTP_PATH_LIST ? { paths: HTTP_PATH_LIST } : {}),
      ...(gatewayB && gatewayBInfo ? { gatewayB: { url: gatewayBInfo.url, rpc: gatewayB.rpc } } : {}),
    };
    if (PHASES.has('a')) await attempt('(a) record mutations', async () => {
      results.http.paths = await runHttpPhase(http);
    });
    if (PHASES.has('a') && PROFILES) await attempt('(a) CPU profiles', async () => {
      const file = await profileHttpPath(http, 'gateway', `${PROFILE_DIR}gateway-http-c32.cpuprofile`, 5_000);
      profile(`CPU: gateway during UpdateRecord at c=${SETTINGS.concurrency} (5 s)`, 'cpu', file);
      const baseline = await profileHttpPath(http, 'proxy-got', `${PROFILE_DIR}proxy-got-http-c32.cpuprofile`, 5_000);
      profile(`CPU: the got proxy (baseline b) during the same POST at c=${SETTINGS.concurrency} (5 s)`, 'cpu', baseline);
    });
    await sim.rpc.call('clearReceived', undefined);

    results.clock = await calibrateClock(sim.rpc);
    progress(`clock offset simulator - load generator: ${results.clock.offsetMs.toFixed(3)} ms (± ${results.clock.errorMs.toFixed(3)})`);
    const ctx: EventsContext = { gatewayUrl: gwInfo.url, wsUrl: gwInfo.wsUrl, gw, sim: sim.rpc, offsetMs: results.clock.offsetMs };

    const fanoutUsers = benchUsers(1, SETTINGS.fanoutUsers);
    if (PHASES.has('b')) await attempt('(b) priming users', () => primeUsers(gwInfo.url, fanoutUsers));
    for (const [i, subscriptions] of PHASES.has('b') ? SETTINGS.fanout.entries() : []) {
      const last = i === SETTINGS.fanout.length - 1;
      await attempt(`(b) fan-out ${subscriptions}`, async () => {
        const out = await runFanout(ctx, {
          users: fanoutUsers,
          subscriptions,
          paced: SETTINGS.paced,
          bursts: SETTINGS.bursts,
          compareOldPath: true,
          cpuProfileFile: `${PROFILE_DIR}gateway-fanout-${subscriptions}.cpuprofile`,
          ...(last ? { heapProfileFile: `${PROFILE_DIR}gateway-fanout-${subscriptions}.heapprofile` } : {}),
        });
        results.fanout.push(out.run);
        if (out.heapProfile) profile(`Heap: what ${subscriptions} idle subscriptions retain in the gateway (sampling, 4 KB)`, 'heap', out.heapProfile);
        if (out.cpuProfile) {
          const perUser = subscriptions / fanoutUsers.length;
          profile(`CPU: gateway delivering to ${subscriptions} subscriptions, ${perUser} per user (paced, 3 rounds)`, 'cpu', out.cpuProfile);
        }
      });
    }

    if (PHASES.has('b')) await attempt('(b) one user, many subscriptions', async () => {
      const out = await runOneUserFanout(ctx, { user: fanoutUsers[0]!, ...SETTINGS.oneUser, compareOldPath: true });
      results.fanout.push(out.run);
    });

    // (e) The same fan-out, 1,000 subscriptions, over each transport in turn (same users, same events).
    if (PHASES.has('e') && !PHASES.has('b')) await attempt('(e) priming users', () => primeUsers(gwInfo.url, fanoutUsers));
    for (const transport of PHASES.has('e') ? (['graphql-ws', 'sse', 'multipart'] as const) : []) {
      await attempt(`(e) fan-out over ${transport}`, async () => {
        const out = await runFanout(ctx, { users: fanoutUsers, subscriptions: TRANSPORT_SUBSCRIPTIONS, paced: SETTINGS.paced.slice(0, 1), bursts: SETTINGS.bursts, transport });
        (results.transports ??= []).push(out.run);
      });
    }

    let next = SETTINGS.fanoutUsers + 1;
    for (const [i, count] of (PHASES.has('c') ? SETTINGS.sessions : []).entries()) {
      const users = benchUsers(next, next + count - 1);
      next += count;
      const last = i === SETTINGS.sessions.length - 1;
      await attempt(`(c) ${count} upstream sessions`, async () => {
        const out = await runSessions(ctx, users, last ? `${PROFILE_DIR}gateway-sessions-${count}.heapprofile` : undefined);
        results.sessions.push(out.run);
        if (out.heapProfile) profile(`Heap: what ${count} users, each with one subscription and one CometD session, retain in the gateway (sampling, 4 KB)`, 'heap', out.heapProfile);
      });
    }
    if (PHASES.has('d')) await attempt('(d) resumable event streams', async () => {
      const users = benchUsers(next, next + SETTINGS.resume.idleUsers);
      // Its own gateway: upstream sessions kept for the retention after the last subscriber (the default), not 200 ms.
      const resumeGateway = startGatewayChild(simInfo.url, { COMETD_IDLE_GRACE_MS: '' });
      try {
        const info = await resumeGateway.rpc.call('info', undefined, 60_000);
        results.resume = await runResume({
          wsUrl: info.wsUrl,
          gw: resumeGateway.rpc,
          sim: sim.rpc,
          user: users[0]!,
          idleUsers: users.slice(1),
          events: SETTINGS.resume.events,
          rounds: SETTINGS.resume.rounds,
        });
      } finally {
        await resumeGateway.rpc.call('stop', undefined, 30_000).catch(() => undefined);
        await resumeGateway.exited(5_000);
      }
    });

    if (PHASES.has('f')) await attempt('(f) two instances on Redis', async () => {
      results.cluster = await runClusterPhase({
        simulatorUrl: simInfo.url,
        sim: sim.rpc,
        offsetMs: ctx.offsetMs,
        users: fanoutUsers,
        subscriptions: SETTINGS.fanout,
        paced: SETTINGS.paced.slice(0, 1),
      });
    });
  } catch (error) {
    results.failures.push(`set-up: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await endWholeRun?.().catch(() => undefined);
    progress('stopping the gateway and the simulator');
    await gateway?.rpc.call('stop', undefined, 30_000).catch((e: unknown) => results.failures.push(`gateway stop: ${String(e)}`));
    await proxy?.rpc.call('stop', undefined, 30_000).catch((e: unknown) => results.failures.push(`proxy stop: ${String(e)}`));
    await gatewayB?.rpc.call('stop', undefined, 30_000).catch((e: unknown) => results.failures.push(`gateway-b stop: ${String(e)}`));
    await sim.rpc.call('close', undefined, 30_000).catch((e: unknown) => results.failures.push(`simulator close: ${String(e)}`));
    await Promise.all([gateway?.exited(5_000), gatewayB?.exited(5_000), proxy?.exited(5_000), sim.exited(5_000)]);
  }

  results.durationS = (performance.now() - startedAt) / 1000;
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, renderReport(results, RESULTS_FILE));
  progress(`wrote ${RESULTS_FILE}`);
  for (const v of verdicts(results)) progress(`target: ${v.target}: ${v.measured} -> ${v.met === undefined ? 'not measured' : v.met ? 'met' : 'NOT met'}`);
  return results.failures.length > 0 ? 1 : 0;
}

const deadline = setTimeout(() => {
  progress(`hard deadline of ${HARD_DEADLINE_MS / 60_000} min reached: exiting`);
  process.exit(2);
}, HARD_DEADLINE_MS);
deadline.unref();

main().then(
  (code) => {
    process.exitCode = code;
    // Sockets the clients left half-closed must not keep the run alive.
    setTimeout(() => process.exit(code), 1_000).unref();
  },
  (error: unknown) => {
    progress(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
