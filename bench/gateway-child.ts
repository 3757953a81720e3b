/**
 * The gateway in its own process, so its CPU and heap figures are its own:
 * not the load generator's (which would skew latency) and not the
 * simulator's (whose per-user state would count as gateway heap).
 */
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { startGateway } from '../src/server/create-gateway.js';
import { cometdEventSources } from '../src/upstream/cometd-event-source.js';
import { GATEWAY_ENV } from './lib/gateway-env.js';
import { serveApi } from './lib/ipc.js';
import { cpuSample, settledMemory } from './lib/process-stats.js';
import { disconnectInspector, startCpuProfile, startHeapSampling, stopCpuProfile, stopHeapSampling } from './lib/inspector-profiles.js';

const simulatorUrl = process.env['BENCH_SIMULATOR_URL'];
if (!simulatorUrl) throw new Error('BENCH_SIMULATOR_URL is not set');

// The parent puts GATEWAY_ENV in our environment (lib/children.ts); the configuration reads the same values.
if (process.env['NODE_ENV'] !== 'production') throw new Error('the gateway child must run with NODE_ENV=production in its environment');
// A phase may override some (lib/children.ts startGatewayChild); '' means the gateway's default.
const overrides = JSON.parse(process.env['BENCH_GATEWAY_OVERRIDES'] ?? '{}') as Record<string, string>;
// Production needs GWS_BASE_URL (or GWS_SIMULATOR=true): here it is the simulator child's URL.
const env = { ...GATEWAY_ENV, ...overrides };
const config = loadConfig({ ...env, GWS_BASE_URL: simulatorUrl });
const gatewayReady = startGateway({
  config,
  gwsBaseUrl: simulatorUrl,
  // The logger main.ts builds, at LOG_LEVEL=silent: request logging stays in the path, writing nothing.
  logger: createLogger({ level: config.logLevel }),
  openEventSource: cometdEventSources({ backoff: config.events.cometdBackoff }),
});

export interface GatewayStatus {
  /** UserSessions in the store (one per credential seen). */
  sessions: number;
  /** Event streams by state (IDLE = no CometD session). */
  states: Record<string, number>;
  /** Live subscriptions over all users. */
  subscribers: number;
}

async function status(): Promise<GatewayStatus> {
  const gateway = await gatewayReady;
  const states: Record<string, number> = {};
  let subscribers = 0;
  for (const user of gateway.services.sessions.values()) {
    const s = user.eventStreamStatus();
    states[s.state] = (states[s.state] ?? 0) + 1;
    subscribers += s.subscribers;
  }
  return { sessions: gateway.services.sessions.size, states, subscribers };
}

const api = {
  info: async () => {
    const gateway = await gatewayReady;
    return { url: gateway.url, wsUrl: gateway.wsUrl, pid: process.pid, env };
  },
  status: () => status(),
  /** Turns the shared fan-out off (the old path: one execution and serialization per subscriber) or on; returns its counts. */
  fanout: async (args: { sharing?: boolean }) => {
    const { fanout } = (await gatewayReady).services;
    if (args.sharing !== undefined) fanout.sharing = args.sharing;
    return { sharing: fanout.sharing, ...fanout.stats() };
  },
  cpu: () => cpuSample(),
  memory: () => settledMemory(),
  cpuProfileStart: (args: { intervalUs: number }) => startCpuProfile(args.intervalUs),
  cpuProfileStop: (args: { file: string }) => stopCpuProfile(args.file),
  heapSamplingStart: (args: { intervalBytes: number }) => startHeapSampling(args.intervalBytes),
  heapSamplingStop: (args: { file: string }) => stopHeapSampling(args.file),
  stop: async () => {
    disconnectInspector();
    await (await gatewayReady).stop();
    // Reply first, then leave: the parent awaits this answer.
    setTimeout(() => process.exit(0), 50).unref();
    return true;
  },
};

export type GatewayApi = typeof api;
serveApi(api);
