/**
 * The GWS simulator in its own process, driven by the load generator over IPC.
 * It also publishes the fan-out events itself, on its own timer, so the send
 * timestamp in each event is taken where the event enters the system.
 */
import { startSimulator } from '../src/simulator/index.js';
import { epochMs } from './lib/clock.js';
import { serveApi } from './lib/ipc.js';
import { cpuSample, settledMemory } from './lib/process-stats.js';
import { simulatorUsers } from './lib/users.js';

const users = simulatorUsers();
const deviceOf = new Map(users.map((u) => [u.username, u.deviceIds[0]!]));
const simulatorReady = startSimulator({ users });

export interface PublishPlan {
  /** Written into every referenceId, so receivers count only this run's events. */
  tag: string;
  usernames: string[];
  /** Every user gets one event per round. */
  rounds: number;
  /** Events of a round are spread evenly over this time; 0 publishes each round at once (a burst). */
  roundMs: number;
}

export interface PublishResult {
  published: number;
  durationMs: number;
  /** How far the publisher fell behind its schedule at worst (event loop busy). */
  maxLagMs: number;
}

/** The /v2/me/outbound acknowledgement of the update seed, with a referenceId that carries its send time. */
function ack(username: string, referenceId: string): Record<string, unknown> {
  return {
    record: {
      campaignName: 'Campaign1',
      devicePath: `/devices/${deviceOf.get(username) ?? 'unknown'}`,
      callingList: 'CallingList1',
      applicationId: 134,
      recordHandle: 6,
    },
    notificationType: 'UpdateCallCompletionStatsAcknowledge',
    messageType: 'OutboundRecordMessage',
    referenceId,
  };
}

async function publishPlan(plan: PublishPlan): Promise<PublishResult> {
  const simulator = await simulatorReady;
  const { usernames, rounds, roundMs, tag } = plan;
  const total = usernames.length * rounds;
  const step = usernames.length > 0 ? roundMs / usernames.length : 0;
  const start = performance.now();
  let next = 0;
  let maxLagMs = 0;
  await new Promise<void>((resolve, reject) => {
    const tick = (): void => {
      try {
        const now = performance.now();
        // Publish everything due by now: a late timer catches up rather than drifting.
        while (next < total) {
          const round = Math.floor(next / usernames.length);
          const index = next % usernames.length;
          const due = start + round * roundMs + index * step;
          if (due > now) break;
          maxLagMs = Math.max(maxLagMs, now - due);
          const username = usernames[index]!;
          const sentAt = epochMs();
          simulator.publish(username, '/v2/me/outbound', ack(username, `${tag}:${next}:${sentAt.toFixed(3)}`));
          next++;
        }
        if (next >= total) return resolve();
        const round = Math.floor(next / usernames.length);
        const due = start + round * roundMs + (next % usernames.length) * step;
        setTimeout(tick, Math.max(0, due - performance.now()));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    tick();
  });
  return { published: total, durationMs: performance.now() - start, maxLagMs };
}

const api = {
  info: async () => ({ url: (await simulatorReady).url, pid: process.pid }),
  clock: () => epochMs(),
  cpu: () => cpuSample(),
  memory: () => settledMemory(),
  bayeuxClients: async () => (await simulatorReady).bayeuxClientCount(),
  /** Destroys every user's Bayeux clients; returns how many there were. */
  dropAllBayeuxClients: async () => {
    const simulator = await simulatorReady;
    let dropped = 0;
    for (const user of users) dropped += simulator.dropBayeuxSessions(user.username);
    return dropped;
  },
  /** Forgets the operations log: it grows by one entry per POST and would skew later phases' GC. */
  clearReceived: async () => {
    const simulator = await simulatorReady;
    const count = simulator.received.length;
    simulator.received.length = 0;
    return count;
  },
  publish: (plan: PublishPlan) => publishPlan(plan),
  close: async () => {
    await (await simulatorReady).close();
    // Reply first, then leave: the parent awaits this answer.
    setTimeout(() => process.exit(0), 50).unref();
    return true;
  },
};

export type SimApi = typeof api;
serveApi(api);
