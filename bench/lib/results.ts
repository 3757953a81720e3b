/** Everything one run measured; the report is rendered from this alone. */
import type { ClusterRun } from './cluster-phase.js';
import type { ProfileSummary } from './profile-summary.js';
import type { LatencySummary } from './stats.js';
import type { MachineInfo } from './machine.js';

/**
 * The four ways phase (a) sends the same UpdateRecord; the first three are
 * baselines for the fourth. `gateway-b` is a second gateway built from
 * another source tree (BENCH_GATEWAY_B), for A/B runs of a change.
 */
export const HTTP_PATHS = ['direct', 'proxy-got', 'proxy-undici', 'gateway', 'gateway-b'] as const;
export type HttpPathName = (typeof HTTP_PATHS)[number];

export interface HttpRun {
  completed: number;
  errors: number;
  errorSamples: string[];
  latency: LatencySummary;
  elapsedMs: number;
  /** completed / elapsed, per second. */
  throughput: number;
  /**
   * CPU of each process during the window, in cores (1 = one core busy).
   * `server` is the process between the client and the simulator (a proxy
   * or the gateway); absent for direct calls.
   */
  cores: { server?: number; simulator: number; loadGenerator: number; others: number | undefined };
  /** CPU µs per completed request, per process. */
  cpuUsPerRequest: { server?: number; simulator: number };
}

export interface HttpPath {
  sequential: HttpRun;
  concurrent: HttpRun;
}

export interface DeliveryRun {
  label: string;
  rounds: number;
  roundMs: number;
  published: number;
  expected: number;
  received: number;
  lost: number;
  latency: LatencySummary;
  publisherMaxLagMs: number;
  /** CPU of each process over the run, in cores. */
  cores: { gateway: number; simulator: number; loadGenerator: number; others: number | undefined };
  /** Gateway CPU over the run divided by the deliveries: the cost of one event to one subscriber. */
  gatewayUsPerDelivery: number;
}

export interface MemoryDelta {
  heapBeforeMiB: number;
  heapAfterMiB: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  /** Heap delta divided by the count (subscriptions or sessions), bytes. */
  heapPerItem: number;
  rssPerItem: number;
}

export interface FanoutRun {
  /** The subscribers' transport (graphql-ws, sse, multipart). */
  transport?: string;
  /** Bayeux clients still at the simulator after the gateway had closed every CometD session (lost /meta/disconnect). */
  lingeringBayeuxClients: number;
  subscriptions: number;
  users: number;
  connections: number;
  setupMs: number;
  memory: MemoryDelta;
  deliveries: DeliveryRun[];
  subscriptionErrors: number;
  subscriptionEnds: number;
  errorSamples: readonly string[];
}

export interface SessionsRun {
  lingeringBayeuxClients: number;
  users: number;
  setupMs: number;
  bayeuxClients: number;
  memory: MemoryDelta;
  check: DeliveryRun;
}

/** Phase (d): resumable event streams. */
export interface ResumeRun {
  /** Events replayed per round. */
  events: number;
  /** Time from subscribing with `after` to the last replayed event received, per round (ms). */
  replay: LatencySummary;
  /** Heap per event retained in the in-memory log (and delivered once), bytes. */
  heapPerRetainedEvent: number;
  idleUsers: number;
  /** Heap per user who subscribed once and left (CometD session and log kept for the retention), bytes. */
  heapPerIdleUser: number;
  rssPerIdleUser: number;
  heapAfterIdleMiB: number;
  /** Bayeux clients the idle users still hold at the simulator. */
  bayeuxClientsHeld: number;
  /** Upstream sessions CONNECTED at the gateway once the idle users left. */
  connectedSessions: number;
}

export interface ProfileRef {
  title: string;
  kind: 'cpu' | 'heap';
  file: string;
  summary: ProfileSummary;
}

export interface BenchResults {
  /** Phase (s): ms from `npm start` to listening, nothing to rebuild, per run. */
  startupMs?: number[];
  date: string;
  durationS: number;
  /** Average CPU of processes other than the benchmark's over the whole run, in cores (a shared machine). */
  backgroundCores: number | undefined;
  machine: MachineInfo;
  packages: Record<string, string>;
  gatewayEnv: Record<string, string>;
  clock: { offsetMs: number; errorMs: number } | undefined;
  http: {
    paths: Partial<Record<HttpPathName, HttpPath>>;
    sequentialCount: number;
    concurrency: number;
    durationMs: number;
    /** Each measurement is split into this many rounds, the paths taking turns, so that a change in load hits them alike. */
    rounds: number;
  };
  fanout: FanoutRun[];
  /** (e) the same fan-out over each transport. */
  transports?: FanoutRun[];
  sessions: SessionsRun[];
  /** Phase (d), when it ran. */
  resume?: ResumeRun;
  /** Phase (f): two instances on Redis (bench/lib/cluster-phase.ts). */
  cluster: ClusterRun[];
  profiles: ProfileRef[];
  /** Phases that failed, with the reason; the others are still reported. */
  failures: string[];
}
