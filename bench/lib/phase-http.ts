/** Phase (a): UpdateRecord through the gateway vs straight to the simulator, sequential and at c=32. */
import type { GatewayApi } from '../gateway-child.js';
import type { SimApi } from '../sim-child.js';
import { keepAliveAgent, runConcurrent, runSequential, type HttpTarget, type RunResult } from './http-load.js';
import type { RpcClient } from './ipc.js';
import { cpuWindow } from './cpu-window.js';
import { progress } from './progress.js';
import { directTarget, gatewayTarget } from './record-targets.js';
import type { HttpPath, HttpRun } from './results.js';
import { summarize } from './stats.js';

export interface HttpPhaseOptions {
  gatewayUrl: string;
  simulatorUrl: string;
  gw: RpcClient<GatewayApi>;
  sim: RpcClient<SimApi>;
  sequentialCount: number;
  warmupCount: number;
  concurrency: number;
  durationMs: number;
}

/** Runs `body` and reports each process's CPU over it. */
async function withCpu(
  gw: RpcClient<GatewayApi>,
  sim: RpcClient<SimApi>,
  body: () => Promise<RunResult>,
): Promise<HttpRun> {
  const stop = await cpuWindow(gw, sim);
  const result = await body();
  const cpu = await stop();
  const n = Math.max(1, result.completed);
  return {
    completed: result.completed,
    errors: result.errors,
    errorSamples: result.errorSamples,
    latency: summarize(result.latencies),
    elapsedMs: result.elapsedMs,
    throughput: (1000 * result.completed) / result.elapsedMs,
    cores: { gateway: cpu.gateway, simulator: cpu.simulator, loadGenerator: cpu.loadGenerator, others: cpu.others },
    cpuUsPerRequest: { gateway: (cpu.gatewayMs * 1000) / n, simulator: (cpu.simulatorMs * 1000) / n },
  };
}

/** The direct path does not touch the gateway: its gateway CPU is idle noise, not per-request cost. */
function withoutGateway(run: HttpRun): HttpRun {
  const { gateway: _idle, ...cores } = run.cores;
  return { ...run, cores, cpuUsPerRequest: { simulator: run.cpuUsPerRequest.simulator } };
}

function line(name: string, run: HttpRun): string {
  return `${name}: ${run.completed} ok, ${run.errors} errors, ${run.throughput.toFixed(0)} req/s, p50 ${run.latency.p50.toFixed(3)} ms, p99 ${run.latency.p99.toFixed(3)} ms`;
}

export async function runHttpPhase(o: HttpPhaseOptions): Promise<{ gateway: HttpPath; direct: HttpPath }> {
  const gateway = gatewayTarget(o.gatewayUrl);
  const direct = await directTarget(o.simulatorUrl);
  const seqAgents = new Map<HttpTarget, ReturnType<typeof keepAliveAgent>>([
    [gateway, keepAliveAgent(1)],
    [direct, keepAliveAgent(1)],
  ]);
  const concAgents = new Map<HttpTarget, ReturnType<typeof keepAliveAgent>>([
    [gateway, keepAliveAgent(o.concurrency)],
    [direct, keepAliveAgent(o.concurrency)],
  ]);
  try {
    progress(`(a) warm-up: ${o.warmupCount} sequential + 2 s at c=${o.concurrency} per path`);
    for (const target of [direct, gateway]) {
      const warm = await runSequential(target, seqAgents.get(target)!, o.warmupCount);
      if (warm.errors > 0) throw new Error(`${target.name} warm-up: ${warm.errors} errors, e.g. ${warm.errorSamples[0]}`);
      await runConcurrent(target, concAgents.get(target)!, o.concurrency, 2_000);
    }

    progress(`(a) sequential: ${o.sequentialCount} requests per path`);
    const directSeq = withoutGateway(await withCpu(o.gw, o.sim, () => runSequential(direct, seqAgents.get(direct)!, o.sequentialCount)));
    progress(`(a)   ${line('direct ', directSeq)}`);
    const gatewaySeq = await withCpu(o.gw, o.sim, () => runSequential(gateway, seqAgents.get(gateway)!, o.sequentialCount));
    progress(`(a)   ${line('gateway', gatewaySeq)}`);

    progress(`(a) concurrent: c=${o.concurrency} for ${o.durationMs / 1000} s per path`);
    const directConc = withoutGateway(await withCpu(o.gw, o.sim, () => runConcurrent(direct, concAgents.get(direct)!, o.concurrency, o.durationMs)));
    progress(`(a)   ${line('direct ', directConc)}`);
    const gatewayConc = await withCpu(o.gw, o.sim, () => runConcurrent(gateway, concAgents.get(gateway)!, o.concurrency, o.durationMs));
    progress(`(a)   ${line('gateway', gatewayConc)}`);

    return { gateway: { sequential: gatewaySeq, concurrent: gatewayConc }, direct: { sequential: directSeq, concurrent: directConc } };
  } finally {
    for (const agent of [...seqAgents.values(), ...concAgents.values()]) agent.destroy();
  }
}

/** An unmeasured c=32 pass through the gateway while its CPU profile runs. */
export async function profileHttpPath(o: HttpPhaseOptions, file: string, durationMs: number): Promise<string> {
  const target = gatewayTarget(o.gatewayUrl);
  const agent = keepAliveAgent(o.concurrency);
  try {
    await o.gw.call('cpuProfileStart', { intervalUs: 200 });
    const run = await runConcurrent(target, agent, o.concurrency, durationMs);
    progress(`(a) profiled pass: ${run.completed} ok, ${run.errors} errors`);
    return await o.gw.call('cpuProfileStop', { file }, 60_000);
  } finally {
    agent.destroy();
  }
}
