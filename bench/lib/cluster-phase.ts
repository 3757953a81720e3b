/**
 * Phase (f): two gateway instances on one Redis (REDIS_URL), each in its own
 * process, in front of the same simulator. Every user has half of its
 * subscriptions on each instance, so one instance receives each event from
 * GWS (it holds the user's CometD lease) and the other only through Redis.
 * Measures publish → receipt latency over both fleets, CPU per delivered
 * event over both instances, and Redis memory per retained event and per user.
 */
import { createHmac } from 'node:crypto';
import type { DemoUser } from '../../src/simulator/index.js';
import { startRedisServer, type RedisServer } from '../../test/support/redis-server.js';
import type { GatewayApi } from '../gateway-child.js';
import type { SimApi } from '../sim-child.js';
import { startGatewayChild, type Child } from './children.js';
import type { RpcClient } from './ipc.js';
import { coreShare, cpuSample, machineCpuSample } from './process-stats.js';
import { progress, waitFor } from './progress.js';
import type { DeliveryRun } from './results.js';
import { summarize } from './stats.js';
import { SubscriberFleet } from './subscriber-fleet.js';
import { basicAuth } from './users.js';
import { RedisConnections } from '../../src/cluster/redis-connection.js';
import { RedisEventLog } from '../../src/cluster/redis-event-log.js';
import { RedisKeys } from '../../src/cluster/redis-keys.js';
import { silentLogger } from '../../src/logger.js';

/** What phase (f) reports for one subscription count. */
export interface ClusterRun {
  subscriptions: number;
  users: number;
  instances: number;
  setupMs: number;
  deliveries: DeliveryRun[];
  /** Redis memory (MEMORY USAGE of the users' keys): per event retained in the logs, and per user (log, meta, lease keys) with no event retained. */
  redis: { bytesPerRetainedEvent: number; bytesPerUser: number; retainedEvents: number; usedMemoryMiB: number };
  subscriptionErrors: number;
  subscriptionEnds: number;
  errorSamples: readonly string[];
}

export interface ClusterPhaseOptions {
  simulatorUrl: string;
  sim: RpcClient<SimApi>;
  offsetMs: number;
  users: readonly DemoUser[];
  subscriptions: number[];
  paced: readonly { label: string; rounds: number; roundMs: number }[];
}

const HASH_KEY = 'bench-only-credential-hash-key-of-32-characters';
const SETUP_TIMEOUT_MS = 120_000;
// BENCH_F_LOG=info: the two gateways log (to the bench's stderr) instead of staying silent, to see why a run failed.
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runClusterPhase(o: ClusterPhaseOptions): Promise<ClusterRun[]> {
  const redis = await startRedisServer();
  progress(`(f) redis-server ${redis.url}`);
  const env = { REDIS_URL: redis.url, CREDENTIAL_HASH_KEY: HASH_KEY, EVENT_RETENTION_SECONDS: '300', LOG_LEVEL: process.env['BENCH_F_LOG'] ?? 'silent' };
  const gateways = [startGatewayChild(o.simulatorUrl, env), startGatewayChild(o.simulatorUrl, env)];
  const runs: ClusterRun[] = [];
  try {
    const infos = await Promise.all(gateways.map((g) => g.rpc.call('info', undefined, 60_000)));
    progress(`(f) gateways ${infos.map((i) => `${i.url} (pid ${i.pid})`).join(', ')}`);
    for (const subscriptions of o.subscriptions) {
      runs.push(await runOne(o, redis, gateways, infos.map((i) => i.wsUrl), subscriptions));
    }
  } finally {
    await Promise.allSettled(gateways.map((g) => g.rpc.call('stop', undefined, 30_000)));
    await Promise.all(gateways.map((g) => g.exited(5_000)));
    await redis.stop();
  }
  return runs;
}

async function usedMemory(redis: RedisServer): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(String(await redis.command('INFO', 'memory')))![1]);
}

/**
 * Redis memory per retained event: a user's log grows in 4 KB stream nodes, so
 * the few events per user of a delivery run do not show. Instead 1,000 events
 * of the benchmark's shape are appended to one user's log (the gateway's own
 * RedisEventLog, another prefix) and the log's MEMORY USAGE divided by them.
 */
async function bytesPerLoggedEvent(redis: RedisServer): Promise<number> {
  const connections = new RedisConnections({ url: redis.url, connectTimeoutMs: 2_000, commandTimeoutMs: 2_000, logger: silentLogger });
  const keys = new RedisKeys('bench-size:');
  const log = new RedisEventLog({ redis: connections, keys, retentionMs: 300_000, maxPerUser: 10_000, secret: HASH_KEY, logger: silentLogger });
  try {
    await waitFor('a Redis connection for the size measure', () => (connections.healthy ? true : undefined), 10_000);
    const count = 1_000;
    for (let i = 0; i < count; i++) {
      await log.append('size-user', {
        notificationType: 'UPDATE_CALL_COMPLETION_STATS_ACKNOWLEDGE',
        upstreamNotificationType: 'UpdateCallCompletionStatsAcknowledge',
        messageType: 'OutboundRecordMessage',
        referenceId: `f1000p0:${i}:${(1_796_140_000_000 + i).toFixed(3)}`,
        record: { recordHandle: 6, applicationId: 134, campaignName: 'Campaign1', callingList: 'CallingList1', devicePath: '/devices/00000000-0000-4000-8000-000000000001' },
        userData: null,
        callResult: null,
        deviceId: null,
        receivedAt: new Date(),
      });
    }
    const bytes = Number(await redis.command('MEMORY', 'USAGE', keys.user('size-user').log, 'SAMPLES', '0'));
    await redis.command('DEL', keys.user('size-user').log, keys.user('size-user').meta);
    return bytes / count;
  } finally {
    await log.dispose();
    await connections.dispose();
  }
}

/** MEMORY USAGE (exact: SAMPLES 0) of every key of these users, and the entries in their logs. */
async function userKeyBytes(redis: RedisServer, users: readonly DemoUser[]): Promise<{ logBytes: number; otherBytes: number; entries: number }> {
  let logBytes = 0;
  let otherBytes = 0;
  let entries = 0;
  for (const user of users) {
    const hash = createHmac('sha256', Buffer.from(HASH_KEY, 'utf8')).update(basicAuth(user)).digest('base64url');
    const base = `ogw:u:{${hash}}:`;
    logBytes += Number((await redis.command('MEMORY', 'USAGE', `${base}log`, 'SAMPLES', '0')) ?? 0);
    entries += Number(await redis.command('XLEN', `${base}log`));
    for (const key of ['meta', 'lease', 'up']) otherBytes += Number((await redis.command('MEMORY', 'USAGE', `${base}${key}`, 'SAMPLES', '0')) ?? 0);
  }
  return { logBytes, otherBytes, entries };
}

async function runOne(o: ClusterPhaseOptions, redis: RedisServer, gateways: Child<GatewayApi>[], wsUrls: string[], subscriptions: number): Promise<ClusterRun> {
  const label = `(f) ${subscriptions} over 2 instances:`;
  const perUser = subscriptions / o.users.length;
  if (!Number.isInteger(perUser) || perUser < 2) throw new Error(`${subscriptions} subscriptions do not split over ${o.users.length} users and 2 instances`);
  // Per user: the first instance gets the larger half when the count is odd.
  const shares = [Math.ceil(perUser / 2), Math.floor(perUser / 2)];
  await redis.command('FLUSHALL');
  const fleets = wsUrls.map(() => new SubscriberFleet());
  const started = performance.now();
  await Promise.all(
    fleets.map((fleet, i) => fleet.open({ wsUrl: wsUrls[i]!, users: o.users, subsPerUser: shares[i]!, subsPerConnection: 10 }, () => undefined)),
  );
  await waitFor(
    `${subscriptions} subscriptions live on both instances`,
    async () => {
      const statuses = await Promise.all(gateways.map((g) => g.rpc.call('status', undefined)));
      const live = statuses.every((s, i) => s.subscribers >= shares[i]! * o.users.length && (s.states['CONNECTED'] ?? 0) >= o.users.length);
      return live ? true : undefined;
    },
    SETUP_TIMEOUT_MS,
    // The gateways' view, and what the clients were told (a subscription that failed is not retried here).
    async () => JSON.stringify({ gateways: await Promise.all(gateways.map((g) => g.rpc.call('status', undefined))), clients: fleets.map((f) => f.failures) }),
  );
  const bayeux = await o.sim.call('bayeuxClients', undefined);
  const setupMs = performance.now() - started;
  progress(`${label} live in ${(setupMs / 1000).toFixed(1)} s; ${bayeux} Bayeux clients for ${o.users.length} users (one CometD session per user across both)`);
  // Per user: the log (its gap entries only), its meta hash, the lease and its state, with no event retained yet.
  const idle = await userKeyBytes(redis, o.users);
  const perUserBytes = (idle.logBytes + idle.otherBytes) / o.users.length;

  try {
    const deliveries: DeliveryRun[] = [];
    for (const [i, paced] of o.paced.entries()) {
      deliveries.push(await deliver(o, gateways, fleets, { ...paced, tag: `d${subscriptions}p${i}`, subsPerUser: perUser }));
    }
    deliveries.push(await deliver(o, gateways, fleets, { label: 'burst', rounds: 1, roundMs: 0, tag: `d${subscriptions}b`, subsPerUser: perUser }));
    const retained = deliveries.reduce((n, d) => n + d.published, 0);
    const memoryNow = await usedMemory(redis);
    const bytesPerRetainedEvent = await bytesPerLoggedEvent(redis);
    progress(`${label} Redis ${(memoryNow / 2 ** 20).toFixed(1)} MiB: ${bytesPerRetainedEvent.toFixed(0)} B per retained event, ${perUserBytes.toFixed(0)} B per user`);
    const failures = fleets.map((f) => f.failures);
    return {
      subscriptions,
      users: o.users.length,
      instances: 2,
      setupMs,
      deliveries,
      redis: { bytesPerRetainedEvent, bytesPerUser: perUserBytes, retainedEvents: retained, usedMemoryMiB: memoryNow / 2 ** 20 },
      subscriptionErrors: failures.reduce((n, f) => n + f.errors, 0),
      subscriptionEnds: failures.reduce((n, f) => n + f.ended, 0),
      errorSamples: failures.flatMap((f) => f.samples).slice(0, 5),
    };
  } finally {
    await Promise.all(fleets.map((f) => f.dispose()));
    await waitFor(
      'both instances to drop every subscription',
      async () => ((await Promise.all(gateways.map((g) => g.rpc.call('status', undefined)))).every((s) => s.subscribers === 0) ? true : undefined),
      60_000,
    ).catch(() => undefined);
    await sleep(1_000);
    await o.sim.call('dropAllBayeuxClients', undefined);
  }
}

async function deliver(
  o: ClusterPhaseOptions,
  gateways: Child<GatewayApi>[],
  fleets: SubscriberFleet[],
  spec: { label: string; rounds: number; roundMs: number; tag: string; subsPerUser: number },
): Promise<DeliveryRun> {
  for (const fleet of fleets) fleet.measure(spec.tag, o.offsetMs);
  const before = await Promise.all([...gateways.map((g) => g.rpc.call('cpu', undefined)), o.sim.call('cpu', undefined)]);
  const self = cpuSample();
  const machine = machineCpuSample();
  const r = await o.sim.call('publish', { tag: spec.tag, usernames: o.users.map((u) => u.username), rounds: spec.rounds, roundMs: spec.roundMs }, spec.rounds * spec.roundMs + 60_000);
  const expected = r.published * spec.subsPerUser;
  const received = (): number => fleets.reduce((n, f) => n + f.received, 0);
  await waitFor(`${expected} deliveries`, () => (received() >= expected ? true : undefined), 20_000, () => `${received()} received`, 20).catch((error: unknown) =>
    progress(`(f) ${spec.label}: ${error instanceof Error ? error.message : String(error)}`),
  );
  await sleep(200); // duplicates would show up here
  const after = await Promise.all([...gateways.map((g) => g.rpc.call('cpu', undefined)), o.sim.call('cpu', undefined)]);
  const gatewayCores = gateways.reduce((n, _g, i) => n + coreShare(before[i]!, after[i]!), 0);
  const gatewayMs = gateways.reduce((n, _g, i) => n + (after[i]!.cpuMs - before[i]!.cpuMs), 0);
  const simulator = coreShare(before.at(-1)!, after.at(-1)!);
  const loadGenerator = coreShare(self, cpuSample());
  const machineNow = machineCpuSample();
  const total = machine && machineNow ? coreShare(machine, machineNow) : undefined;
  const latencies = fleets.flatMap((f) => [...f.latencies]);
  const run: DeliveryRun = {
    label: spec.label,
    rounds: spec.rounds,
    roundMs: spec.roundMs,
    published: r.published,
    expected,
    received: received(),
    lost: expected - received(),
    latency: summarize(latencies),
    publisherMaxLagMs: r.maxLagMs,
    // "others" here includes redis-server: it is not one of ours to sample by pid.
    cores: { gateway: gatewayCores, simulator, loadGenerator, others: total === undefined ? undefined : Math.max(0, total - gatewayCores - simulator - loadGenerator) },
    gatewayUsPerDelivery: (gatewayMs * 1000) / Math.max(1, received()),
  };
  progress(
    `(f) ${spec.label}: ${run.received}/${run.expected} received (${run.lost} lost), p50 ${run.latency.p50.toFixed(2)} ms, p99 ${run.latency.p99.toFixed(2)} ms, both gateways ${gatewayCores.toFixed(2)} cores, ${run.gatewayUsPerDelivery.toFixed(1)} µs per delivery`,
  );
  return run;
}
