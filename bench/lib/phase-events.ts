/**
 * Phases (b) and (c): open a fleet of subscribers, measure the gateway's
 * memory once they are all live and idle, publish events upstream and count
 * and time their arrival, then close everything and wait until the gateway
 * and the simulator are back to no upstream sessions.
 */
import type { DemoUser } from '../../src/simulator/index.js';
import type { GatewayApi, GatewayStatus } from '../gateway-child.js';
import type { SimApi } from '../sim-child.js';
import type { RpcClient } from './ipc.js';
import type { MemorySample } from './process-stats.js';
import { cpuWindow } from './cpu-window.js';
import { progress, waitFor } from './progress.js';
import type { DeliveryRun, FanoutRun, MemoryDelta, SessionsRun } from './results.js';
import { summarize } from './stats.js';
import { createFleet, type Fleet, type FleetTransport } from './transport-fleet.js';
import { basicAuth } from './users.js';

export interface EventsContext {
  gatewayUrl: string;
  wsUrl: string;
  gw: RpcClient<GatewayApi>;
  sim: RpcClient<SimApi>;
  /** simulator clock - our clock. */
  offsetMs: number;
}

const SUBS_PER_CONNECTION = 10;
const SETUP_TIMEOUT_MS = 120_000;
const DELIVERY_TIMEOUT_MS = 20_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;

function memoryDelta(before: MemorySample, after: MemorySample, count: number): MemoryDelta {
  return {
    heapBeforeMiB: before.heapUsed / MiB,
    heapAfterMiB: after.heapUsed / MiB,
    rssBeforeMiB: before.rss / MiB,
    rssAfterMiB: after.rss / MiB,
    heapPerItem: (after.heapUsed - before.heapUsed) / count,
    rssPerItem: (after.rss - before.rss) / count,
  };
}

const describeStatus = (s: GatewayStatus): string => `${s.subscribers} subscribers, sessions ${s.sessions}, states ${JSON.stringify(s.states)}`;

/** Creates each user's gateway session (one HTTP query), so per-session objects exist before a baseline. */
export async function primeUsers(gatewayUrl: string, users: readonly DemoUser[]): Promise<void> {
  // At most 50 at once: the gateway refuses sign-ins beyond SESSION_VERIFY_MAX_PENDING (100) being checked with GWS.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < users.length) {
      const user = users[next++]!;
      const res = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basicAuth(user) },
        body: JSON.stringify({ query: '{ eventStream { state subscribers } }' }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`prime ${user.username}: HTTP ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: Math.min(50, users.length) }, worker));
}

async function openFleet(ctx: EventsContext, users: readonly DemoUser[], subsPerUser: number, label: string, transport: FleetTransport = 'graphql-ws'): Promise<{ fleet: Fleet; setupMs: number }> {
  const fleet = createFleet(transport);
  const total = users.length * subsPerUser;
  const started = performance.now();
  await fleet.open({ wsUrl: ctx.wsUrl, httpUrl: ctx.gatewayUrl, users, subsPerUser, subsPerConnection: SUBS_PER_CONNECTION }, (opened, sockets) =>
    progress(`${label}   sockets ${opened}/${sockets}`),
  );
  await waitFor(
    `${total} subscriptions live upstream`,
    async () => {
      const s = await ctx.gw.call('status', undefined);
      return s.subscribers >= total && (s.states['CONNECTED'] ?? 0) >= users.length ? s : undefined;
    },
    SETUP_TIMEOUT_MS,
    async () => describeStatus(await ctx.gw.call('status', undefined)),
  );
  await waitFor(
    `${users.length} Bayeux clients at the simulator`,
    async () => ((await ctx.sim.call('bayeuxClients', undefined)) >= users.length ? true : undefined),
    SETUP_TIMEOUT_MS,
    async () => `${await ctx.sim.call('bayeuxClients', undefined)} Bayeux clients`,
  );
  const setupMs = performance.now() - started;
  progress(`${label} ${total} subscriptions on ${fleet.connections} sockets live in ${(setupMs / 1000).toFixed(1)} s`);
  return { fleet, setupMs };
}

/** A fan-out run's report: what was measured, and the fleet's connections and failures (the lingering clients are counted after closing). */
function fanoutRun(fleet: Fleet, measured: Pick<FanoutRun, 'transport' | 'subscriptions' | 'users' | 'setupMs' | 'memory' | 'deliveries'>): FanoutRun {
  const failures = fleet.failures;
  return {
    ...measured,
    lingeringBayeuxClients: 0,
    connections: fleet.connections,
    subscriptionErrors: failures.errors,
    subscriptionEnds: failures.ended,
    errorSamples: [...failures.samples],
  };
}

/**
 * Closes the fleet and waits until the gateway holds no subscription or
 * CometD session. Bayeux clients the simulator still has a few seconds later
 * lost their /meta/disconnect on the way: they are counted (a finding) and
 * dropped, rather than waited for until faye times them out (about 60 s).
 */
async function closeFleet(ctx: EventsContext, fleet: Fleet, label: string): Promise<number> {
  const started = performance.now();
  const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);
  await fleet.dispose();
  await waitFor(
    'the gateway to drop every subscription and CometD session',
    async () => {
      const s = await ctx.gw.call('status', undefined);
      const live = (s.states['CONNECTED'] ?? 0) + (s.states['CONNECTING'] ?? 0) + (s.states['RECONNECTING'] ?? 0);
      return s.subscribers === 0 && live === 0 ? true : undefined;
    },
    60_000,
    async () => describeStatus(await ctx.gw.call('status', undefined)),
  );
  progress(`${label} gateway: no subscription and no CometD session left after ${seconds()} s`);
  let lingering = 0;
  try {
    await waitFor(
      'the simulator to drop every Bayeux client',
      async () => ((await ctx.sim.call('bayeuxClients', undefined)) === 0 ? true : undefined),
      LINGER_WAIT_MS,
    );
  } catch {
    lingering = await ctx.sim.call('dropAllBayeuxClients', undefined);
    progress(`${label} simulator: ${lingering} Bayeux clients still there ${LINGER_WAIT_MS / 1000} s after the gateway closed them (disconnect lost); dropped`);
  }
  progress(`${label} simulator: no Bayeux client left after ${seconds()} s`);
  return lingering;
}

/** How long a disconnected Bayeux client may take to leave the simulator before it counts as lingering. */
const LINGER_WAIT_MS = 5_000;

interface DeliverySpec {
  label: string;
  tag: string;
  usernames: string[];
  subsPerUser: number;
  rounds: number;
  roundMs: number;
  /** Publish the plan this many times, a second apart (bursts). @default 1 */
  repeat?: number;
}

async function deliver(ctx: EventsContext, fleet: Fleet, spec: DeliverySpec): Promise<DeliveryRun> {
  fleet.measure(spec.tag, ctx.offsetMs);
  const stopCpu = await cpuWindow(ctx.gw, ctx.sim);
  let published = 0;
  let maxLag = 0;
  for (let i = 0; i < (spec.repeat ?? 1); i++) {
    if (i > 0) await sleep(1_000);
    const r = await ctx.sim.call('publish', { tag: spec.tag, usernames: spec.usernames, rounds: spec.rounds, roundMs: spec.roundMs }, spec.rounds * spec.roundMs + 60_000);
    published += r.published;
    maxLag = Math.max(maxLag, r.maxLagMs);
  }
  const expected = published * spec.subsPerUser;
  try {
    await waitFor(`${expected} deliveries`, () => (fleet.received >= expected ? true : undefined), DELIVERY_TIMEOUT_MS, () => `${fleet.received} received`, 20);
  } catch (error) {
    progress(`${spec.label}: ${error instanceof Error ? error.message : String(error)}`);
  }
  await sleep(200); // anything beyond `expected` (duplicates) shows up here
  const cpu = await stopCpu();
  const run: DeliveryRun = {
    label: spec.label,
    rounds: spec.rounds * (spec.repeat ?? 1),
    roundMs: spec.roundMs,
    published,
    expected,
    received: fleet.received,
    lost: expected - fleet.received,
    latency: summarize(fleet.latencies),
    publisherMaxLagMs: maxLag,
    cores: { gateway: cpu.gateway, simulator: cpu.simulator, loadGenerator: cpu.loadGenerator, others: cpu.others },
    gatewayUsPerDelivery: (cpu.gatewayMs * 1000) / Math.max(1, fleet.received),
  };
  progress(
    `${spec.label}: ${run.received}/${run.expected} received (${run.lost} lost), p50 ${run.latency.p50.toFixed(2)} ms, p99 ${run.latency.p99.toFixed(2)} ms, max ${run.latency.max.toFixed(2)} ms, CPU (cores) gateway ${run.cores.gateway.toFixed(2)}, simulator ${run.cores.simulator.toFixed(2)}, load generator ${run.cores.loadGenerator.toFixed(2)}, other processes ${run.cores.others?.toFixed(2) ?? '?'}`,
  );
  return run;
}

/** One paced delivery run: every user gets one event per round. */
export interface PacedRun {
  label: string;
  rounds: number;
  roundMs: number;
}

export interface FanoutOptions {
  users: readonly DemoUser[];
  subscriptions: number;
  paced: readonly PacedRun[];
  bursts: number;
  /** Where to write a sampling heap profile of what the subscriptions retain. */
  heapProfileFile?: string;
  /** Where to write a CPU profile of an extra, unmeasured paced pass. */
  cpuProfileFile?: string;
  /** The subscribers' transport. @default graphql-ws */
  transport?: FleetTransport;
  /** Run every delivery again with the shared fan-out off (the old path), for a ratio in the same run. */
  compareOldPath?: boolean;
}

export async function runFanout(ctx: EventsContext, o: FanoutOptions): Promise<{ run: FanoutRun; heapProfile?: string; cpuProfile?: string }> {
  const transport = o.transport ?? 'graphql-ws';
  const label = transport === 'graphql-ws' ? `(b) ${o.subscriptions}:` : `(e) ${transport} ${o.subscriptions}:`;
  const subsPerUser = o.subscriptions / o.users.length;
  if (!Number.isInteger(subsPerUser)) throw new Error(`${o.subscriptions} subscriptions do not divide over ${o.users.length} users`);
  const usernames = o.users.map((u) => u.username);
  const before = await ctx.gw.call('memory', undefined);
  if (o.heapProfileFile) await ctx.gw.call('heapSamplingStart', { intervalBytes: 4096 });
  progress(`${label} opening ${o.subscriptions} subscriptions for ${o.users.length} users`);
  const { fleet, setupMs } = await openFleet(ctx, o.users, subsPerUser, label, transport);
  try {
    await sleep(1_000); // idle: handshakes answered, connects parked, nothing in flight
    const after = await ctx.gw.call('memory', undefined);
    const heapProfile = o.heapProfileFile ? await ctx.gw.call('heapSamplingStop', { file: o.heapProfileFile }, 60_000) : undefined;
    const memory = memoryDelta(before, after, o.subscriptions);
    progress(`${label} heap ${(memory.heapPerItem / 1024).toFixed(1)} KB, RSS ${(memory.rssPerItem / 1024).toFixed(1)} KB per idle subscription`);

    const deliveries: DeliveryRun[] = [];
    const tag = `${transport === 'graphql-ws' ? 'b' : transport === 'sse' ? 'esse' : 'emp'}${o.subscriptions}`;
    // The shared fan-out first (the figures judged), then the same runs on the old path (one execution and serialization per subscriber), same fleet, same run.
    for (const sharing of o.compareOldPath ? [true, false] : [true]) {
      await ctx.gw.call('fanout', { sharing });
      const suffix = o.compareOldPath ? (sharing ? ' (shared)' : ' (old path: per subscriber)') : '';
      const t = `${tag}${sharing ? 's' : 'o'}`;
      for (const [i, paced] of o.paced.entries()) {
        deliveries.push(await deliver(ctx, fleet, { ...paced, label: paced.label + suffix, tag: `${t}p${i}`, usernames, subsPerUser }));
      }
      deliveries.push(await deliver(ctx, fleet, { label: `burst${suffix}`, tag: `${t}b`, usernames, subsPerUser, rounds: 1, roundMs: 0, repeat: o.bursts }));
    }
    await ctx.gw.call('fanout', { sharing: true });

    let cpuProfile: string | undefined;
    if (o.cpuProfileFile) {
      await ctx.gw.call('cpuProfileStart', { intervalUs: 200 });
      const first = o.paced[0] ?? { rounds: 3, roundMs: 1_000 };
      await deliver(ctx, fleet, { label: 'paced (profiled, not reported)', tag: `${tag}x`, usernames, subsPerUser, rounds: 3, roundMs: first.roundMs });
      cpuProfile = await ctx.gw.call('cpuProfileStop', { file: o.cpuProfileFile }, 60_000);
    }
    const run = fanoutRun(fleet, { transport, subscriptions: o.subscriptions, users: o.users.length, setupMs, memory, deliveries });
    run.lingeringBayeuxClients = await closeFleet(ctx, fleet, label);
    return { run, ...(heapProfile ? { heapProfile } : {}), ...(cpuProfile ? { cpuProfile } : {}) };
  } catch (error) {
    await closeFleet(ctx, fleet, label).catch(() => undefined);
    throw error;
  }
}

export async function runSessions(
  ctx: EventsContext,
  users: readonly DemoUser[],
  heapProfileFile?: string,
): Promise<{ run: SessionsRun; heapProfile?: string }> {
  const label = `(c) ${users.length} users:`;
  const before = await ctx.gw.call('memory', undefined);
  if (heapProfileFile) await ctx.gw.call('heapSamplingStart', { intervalBytes: 4096 });
  progress(`${label} opening one subscription (and so one CometD session) per user`);
  // CPU per process while the sessions are set up: on this shared machine the set-up time is mostly how much CPU the gateway gets.
  const stopSetupCpu = await cpuWindow(ctx.gw, ctx.sim);
  const { fleet, setupMs } = await openFleet(ctx, users, 1, label);
  const setupCpu = await stopSetupCpu();
  progress(
    `${label} set-up CPU: gateway ${(setupCpu.gatewayMs / 1000).toFixed(2)} s (${(setupCpu.gatewayMs / users.length).toFixed(2)} ms per user), simulator ${(setupCpu.simulatorMs / 1000).toFixed(2)} s; cores: gateway ${setupCpu.gateway.toFixed(2)}, simulator ${setupCpu.simulator.toFixed(2)}, load generator ${setupCpu.loadGenerator.toFixed(2)}, other processes ${setupCpu.others?.toFixed(2) ?? '?'}`,
  );
  try {
    await sleep(1_000);
    const after = await ctx.gw.call('memory', undefined);
    const heapProfile = heapProfileFile ? await ctx.gw.call('heapSamplingStop', { file: heapProfileFile }, 60_000) : undefined;
    const bayeuxClients = await ctx.sim.call('bayeuxClients', undefined);
    const memory = memoryDelta(before, after, users.length);
    progress(`${label} ${bayeuxClients} Bayeux clients; heap ${(memory.heapPerItem / 1024).toFixed(1)} KB, RSS ${(memory.rssPerItem / 1024).toFixed(1)} KB per user`);
    const check = await deliver(ctx, fleet, {
      label: 'check',
      tag: `c${users.length}`,
      usernames: users.map((u) => u.username),
      subsPerUser: 1,
      rounds: 1,
      roundMs: 1_000,
    });
    const lingeringBayeuxClients = await closeFleet(ctx, fleet, label);
    const run: SessionsRun = { users: users.length, setupMs, bayeuxClients, memory, check, lingeringBayeuxClients };
    return { run, ...(heapProfile ? { heapProfile } : {}) };
  } catch (error) {
    await closeFleet(ctx, fleet, label).catch(() => undefined);
    throw error;
  }
}

/** One user with many subscriptions of one operation receiving a quick series of events: the shared fan-out's best case and its seam-free ordering. */
export interface OneUserOptions {
  user: DemoUser;
  subscriptions: number;
  events: number;
  intervalMs: number;
  /** Also run with the shared fan-out off (the old path). */
  compareOldPath?: boolean;
}

export async function runOneUserFanout(ctx: EventsContext, o: OneUserOptions): Promise<{ run: FanoutRun }> {
  const label = `(b) 1 user x ${o.subscriptions}:`;
  const before = await ctx.gw.call('memory', undefined);
  progress(`${label} opening ${o.subscriptions} subscriptions of one user`);
  const { fleet, setupMs } = await openFleet(ctx, [o.user], o.subscriptions, label);
  try {
    await sleep(1_000);
    const after = await ctx.gw.call('memory', undefined);
    const memory = memoryDelta(before, after, o.subscriptions);
    const deliveries: DeliveryRun[] = [];
    for (const sharing of o.compareOldPath ? [true, false] : [true]) {
      await ctx.gw.call('fanout', { sharing });
      const suffix = o.compareOldPath ? (sharing ? ' (shared)' : ' (old path: per subscriber)') : '';
      deliveries.push(
        await deliver(ctx, fleet, {
          label: `${o.events} events ${o.intervalMs} ms apart${suffix}`,
          tag: `u${o.subscriptions}${sharing ? 's' : 'o'}`,
          usernames: [o.user.username],
          subsPerUser: o.subscriptions,
          rounds: o.events,
          roundMs: o.intervalMs,
        }),
      );
    }
    await ctx.gw.call('fanout', { sharing: true });
    const run = fanoutRun(fleet, { subscriptions: o.subscriptions, users: 1, setupMs, memory, deliveries });
    run.lingeringBayeuxClients = await closeFleet(ctx, fleet, label);
    return { run };
  } catch (error) {
    await closeFleet(ctx, fleet, label).catch(() => undefined);
    throw error;
  }
}
