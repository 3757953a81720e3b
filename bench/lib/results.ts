/** Everything one run measured; the report is rendered from this alone. */
import type { ProfileSummary } from './profile-summary.js';
import type { LatencySummary } from './stats.js';
import type { MachineInfo } from './machine.js';

export interface HttpRun {
  completed: number;
  errors: number;
  errorSamples: string[];
  latency: LatencySummary;
  elapsedMs: number;
  /** completed / elapsed, per second. */
  throughput: number;
  /** CPU of each process during the window, in cores (1 = one core busy). */
  cores: { gateway?: number; simulator: number; loadGenerator: number; others: number | undefined };
  /** CPU µs per completed request, per process. */
  cpuUsPerRequest: { gateway?: number; simulator: number };
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

export interface ProfileRef {
  title: string;
  kind: 'cpu' | 'heap';
  file: string;
  summary: ProfileSummary;
}

export interface BenchResults {
  date: string;
  durationS: number;
  /** Average CPU of processes other than the benchmark's over the whole run, in cores (a shared machine). */
  backgroundCores: number | undefined;
  machine: MachineInfo;
  packages: Record<string, string>;
  gatewayEnv: Record<string, string>;
  clock: { offsetMs: number; errorMs: number } | undefined;
  http: { gateway?: HttpPath; direct?: HttpPath; sequentialCount: number; concurrency: number; durationMs: number };
  fanout: FanoutRun[];
  sessions: SessionsRun[];
  profiles: ProfileRef[];
  /** Phases that failed, with the reason; the others are still reported. */
  failures: string[];
}
