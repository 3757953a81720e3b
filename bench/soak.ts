/**
 * `npm run soak`: steady mixed load on the gateway (its own process, with
 * --expose-gc) in front of the simulator (another process) for SOAK_MINUTES
 * (default 30): mutations of 200 users, subscribe/unsubscribe churn, sockets
 * dropped and reconnected, Bayeux sessions dropped by the simulator, junk
 * credentials, and a misbehaving-upstream phase (GWS hangs, then refuses
 * connections). After a warm-up, the gateway's heap and RSS are sampled every
 * 10 s; bench/SOAK.md gets the curve, the least-squares slope per 10 minutes,
 * the events lost to connected subscribers and the errors by code. Not in CI.
 *
 * SOAK_MINUTES=3 tries it quickly. The run is bounded: a hard deadline kills
 * both children and exits, whatever happens.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SoakSimApi } from './soak-sim-child.js';
import { startGatewayChild } from './lib/children.js';
import { RpcClient, type Api } from './lib/ipc.js';
import { SoakLoad } from './lib/soak-load.js';
import { renderSoakReport, type MemoryPoint } from './lib/soak-report.js';
import { benchUsers } from './lib/users.js';

const MINUTES = Number(process.env['SOAK_MINUTES'] ?? 30);
if (!(MINUTES >= 1 && MINUTES <= 24 * 60)) throw new Error('SOAK_MINUTES: a number of minutes, at least 1');
const RUN_MS = MINUTES * 60_000;
/** 20 % of the run, at most 3 minutes: JIT, caches and pools fill up before memory is judged. */
const WARMUP_MS = Math.min(180_000, Math.round(RUN_MS * 0.2));
const SAMPLE_MS = 10_000;
const USERS = 200;
const SUBSCRIBED_USERS = 120;
const MUTATIONS_PER_SECOND = Number(process.env['SOAK_MUTATIONS_PER_SECOND'] ?? 40);
const TARGET_MB_PER_10_MIN = 2;
const REPORT_FILE = process.env['SOAK_REPORT'] ?? fileURLToPath(new URL('./SOAK.md', import.meta.url));
const HARD_DEADLINE_MS = RUN_MS + 4 * 60_000;

const children: ChildProcess[] = [];

function startChild<A extends Api>(name: string, file: string, env: Record<string, string>): { process: ChildProcess; rpc: RpcClient<A> } {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return { process: child, rpc: new RpcClient<A>(child, name) };
}

function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

const hardDeadline = setTimeout(() => {
  process.stderr.write(`soak: hard deadline (${HARD_DEADLINE_MS / 60_000} min) reached: killing the children\n`);
  killChildren();
  process.exit(2);
}, HARD_DEADLINE_MS);
hardDeadline.unref();
process.on('SIGINT', () => {
  killChildren();
  process.exit(130);
});
process.on('exit', killChildren);

const log = (message: string): void => {
  process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

const exitWithin = (child: ChildProcess, ms: number): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const sim = startChild<SoakSimApi>('simulator', './soak-sim-child.ts', {});
  const { url: simulatorUrl } = await sim.rpc.call('info', undefined, 60_000);
  // The benchmark's gateway child, with its settings (bench/lib/gateway-env.ts) in its environment.
  const gateway = startGatewayChild(simulatorUrl);
  children.push(gateway.process);
  const info = await gateway.rpc.call('info', undefined, 60_000);
  log(`simulator ${simulatorUrl}, gateway ${info.url} (pid ${info.pid}); ${MINUTES} min, warm-up ${WARMUP_MS / 1000} s`);

  const users = benchUsers(1, USERS);
  const load = new SoakLoad({ url: info.url, wsUrl: info.wsUrl, users, subscribedUsers: SUBSCRIBED_USERS, mutationsPerSecond: MUTATIONS_PER_SECOND, maxInFlight: 2_000 });
  const t0 = Date.now();
  const warmupEnd = t0 + WARMUP_MS;
  const sinceWarmup = (): number => (Date.now() - warmupEnd) / 1000;
  const phases: { at: number; what: string }[] = [];
  const phase = (what: string): void => {
    phases.push({ at: sinceWarmup(), what });
    log(what);
  };
  const subscribed = Array.from({ length: SUBSCRIBED_USERS }, (_, i) => i);

  load.start();
  load.repeat(2_000, () => load.churnOne());
  load.repeat(5_000, () => load.dropOneSocket());
  load.repeat(500, () => load.junkOne());
  load.repeat(30_000, async () => {
    const picked = [0, 1, 2].map(() => subscribed[Math.floor(Math.random() * subscribed.length)]!);
    const start = Date.now();
    const dropped = await sim.rpc.call('dropBayeux', picked.map((u) => users[u]!.username));
    load.disturb(picked, start, Date.now(), 'Bayeux drop');
    load.actions[`Bayeux sessions dropped by the simulator`] = (load.actions[`Bayeux sessions dropped by the simulator`] ?? 0) + dropped;
  });

  // The misbehaving upstream: one third into the measured window, GWS hangs, then refuses connections.
  const measuredMs = RUN_MS - WARMUP_MS;
  const faultAt = warmupEnd + Math.round(measuredMs / 3);
  const faultMs = Math.min(40_000, Math.round(measuredMs * 0.1));
  const faultTimers = [
    setTimeout(() => {
      phase(`upstream hangs (${faultMs / 2000} s)`);
      void sim.rpc.call('setFault', 'hang');
    }, faultAt - Date.now()),
    setTimeout(() => {
      phase(`upstream refuses connections (${faultMs / 2000} s)`);
      void sim.rpc.call('setFault', 'down');
    }, faultAt + faultMs / 2 - Date.now()),
    setTimeout(() => {
      phase('upstream healthy again');
      void sim.rpc.call('setFault', null);
      load.disturb(subscribed, faultAt, Date.now(), 'misbehaving upstream');
    }, faultAt + faultMs - Date.now()),
  ];

  await new Promise((r) => setTimeout(r, WARMUP_MS));
  phase('warm-up over: sampling');
  const memory: MemoryPoint[] = [];
  const sample = async (): Promise<void> => {
    const m = await gateway.rpc.call('memory', undefined, 60_000);
    memory.push({ t: sinceWarmup(), heapUsed: m.heapUsed, rss: m.rss });
    log(`heap ${(m.heapUsed / 1_048_576).toFixed(2)} MB, rss ${(m.rss / 1_048_576).toFixed(1)} MB; ${load.liveSubscribers} subscribers, ${load.inFlight} in flight`);
  };
  await sample();
  while (Date.now() - t0 < RUN_MS) {
    const next = warmupEnd + memory.length * SAMPLE_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    await sample();
  }
  for (const t of faultTimers) clearTimeout(t);
  await sim.rpc.call('setFault', null);
  phase('load stops');
  await load.stop();

  const status = await gateway.rpc.call('status', undefined, 30_000);
  const { markdown, heapMbPer10Min, pass } = renderSoakReport({
    label: MINUTES >= 30 ? `${MINUTES} minutes` : `${MINUTES} minutes (a SHORT proof run of the script: the judged run is 30 minutes, \`npm run soak\`)`,
    startedAt,
    minutes: MINUTES,
    warmupSeconds: WARMUP_MS / 1000,
    settings: {
      users: `${USERS} (bench0001–bench${String(USERS).padStart(4, '0')}), ${SUBSCRIBED_USERS} of them with a subscriber`,
      mutations: `${MUTATIONS_PER_SECOND}/s over all users (UpdateRecord, each with its own referenceId)`,
      churn: 'every 2 s one subscriber unsubscribes and subscribes again on the same socket; every 5 s one socket is dropped without a close frame and reconnected',
      'Bayeux drops': 'every 30 s the simulator destroys the Bayeux sessions of 3 subscribed users',
      'junk credentials': '2/s, made-up Basic credentials (eventStream query or a mutation)',
      'misbehaving upstream': `${faultMs / 1000} s, starting ${(faultAt - warmupEnd) / 1000} s after the warm-up: first half hang, second half connections refused`,
      gateway: `bench/gateway-child.ts settings (${Object.entries(info.env).map(([k, v]) => `${k}=${v}`).join(', ')})`,
      'gateway at the end': `${status.sessions} sessions, ${status.subscribers} subscribers, event streams ${JSON.stringify(status.states)}`,
    },
    memory,
    phases,
    accounting: load.accounting(),
    mutationCodes: load.mutationCodes,
    subscriptionCodes: load.subscriptionCodes,
    junkCodes: load.junkCodes,
    actions: load.actions,
    targetMbPer10Min: TARGET_MB_PER_10_MIN,
    notes: [`Node ${process.version}, ${process.platform}/${process.arch}; the load generator shares the machine with both children.`],
  });
  writeFileSync(REPORT_FILE, `${markdown}\n`);
  log(`heap slope ${heapMbPer10Min.toFixed(3)} MB / 10 min; report: ${REPORT_FILE}; ${pass ? 'PASS' : 'FAIL'}`);

  await gateway.rpc.call('stop', undefined, 30_000).catch(() => undefined);
  await sim.rpc.call('close', undefined, 30_000).catch(() => undefined);
  await Promise.all([exitWithin(gateway.process, 5_000), exitWithin(sim.process, 5_000)]);
  process.exitCode = pass ? 0 : 1;
}

main().then(
  () => {
    clearTimeout(hardDeadline);
    killChildren();
    // Idle keep-alive sockets of the load must not keep the process alive: the run ends here.
    process.exit(process.exitCode ?? 0);
  },
  (error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killChildren();
    process.exit(1);
  },
);
