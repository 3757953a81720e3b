/**
 * Phase (a): the same UpdateRecord four ways, sequential and at c=32:
 * (direct) straight to the simulator, (proxy-got) and (proxy-undici) through
 * a minimal node:http proxy (bench/proxy-child.ts), (gateway) as a GraphQL
 * mutation through the gateway. The gateway is judged against proxy-got: the
 * bare hop with the same upstream client.
 *
 * Each measurement is split into rounds and the paths take turns within a
 * round, so a build or test run starting on the shared machine halfway
 * through slows every path alike instead of the last one.
 */
import type { GatewayApi } from '../gateway-child.js';
import type { ProxyApi } from '../proxy-child.js';
import type { SimApi } from '../sim-child.js';
import { keepAliveAgent, runConcurrent, runSequential, type HttpTarget, type RunResult } from './http-load.js';
import type { RpcClient } from './ipc.js';
import { cpuWindow, type CpuShares } from './cpu-window.js';
import { progress } from './progress.js';
import { directTarget, gatewayTarget, proxyTarget } from './record-targets.js';
import { HTTP_PATHS, type HttpPath, type HttpPathName, type HttpRun } from './results.js';
import { summarize } from './stats.js';

export interface HttpPhaseOptions {
  gatewayUrl: string;
  simulatorUrl: string;
  proxyUrls: { got: string; undici: string };
  gw: RpcClient<GatewayApi>;
  sim: RpcClient<SimApi>;
  proxy: RpcClient<ProxyApi>;
  sequentialCount: number;
  warmupCount: number;
  concurrency: number;
  durationMs: number;
  rounds: number;
  /** Only these paths (default all four, in HTTP_PATHS order). */
  paths?: readonly string[];
  /** A second gateway from another source tree (A/B runs). */
  gatewayB?: { url: string; rpc: RpcClient<GatewayApi> };
}

/** One round's raw figures, summed over rounds before summarizing. */
interface Measured {
  result: RunResult;
  cpu: CpuShares;
  /** CPU ms of the second gateway (A/B runs) over the window. */
  gatewayBMs: number;
}

function combine(path: HttpPathName, parts: readonly Measured[]): HttpRun {
  const latencies = parts.flatMap((p) => p.result.latencies);
  const sum = (f: (p: Measured) => number): number => parts.reduce((a, p) => a + f(p), 0);
  const completed = sum((p) => p.result.completed);
  const elapsedMs = sum((p) => p.result.elapsedMs);
  // Cores over the whole measured time: CPU ms over wall ms of the windows.
  const windowMs = elapsedMs;
  const serverMs =
    path === 'gateway' ? sum((p) => p.cpu.gatewayMs) : path === 'gateway-b' ? sum((p) => p.gatewayBMs) : path === 'direct' ? undefined : sum((p) => p.cpu.proxyMs);
  const simulatorMs = sum((p) => p.cpu.simulatorMs);
  const cores = (f: (c: CpuShares) => number | undefined): number | undefined => {
    const values = parts.map((p) => f(p.cpu));
    if (values.some((v) => v === undefined)) return undefined;
    return values.reduce<number>((a, v, i) => a + v! * parts[i]!.result.elapsedMs, 0) / windowMs;
  };
  const n = Math.max(1, completed);
  return {
    completed,
    errors: sum((p) => p.result.errors),
    errorSamples: parts.flatMap((p) => p.result.errorSamples).slice(0, 5),
    latency: summarize(latencies),
    elapsedMs,
    throughput: (1000 * completed) / elapsedMs,
    cores: {
      ...(serverMs !== undefined ? { server: serverMs / windowMs } : {}),
      simulator: simulatorMs / windowMs,
      loadGenerator: cores((c) => c.loadGenerator) ?? 0,
      others: cores((c) => c.others),
    },
    cpuUsPerRequest: { ...(serverMs !== undefined ? { server: (serverMs * 1000) / n } : {}), simulator: (simulatorMs * 1000) / n },
  };
}

function line(name: string, run: HttpRun): string {
  const cpu = run.cpuUsPerRequest.server !== undefined ? `, ${run.cpuUsPerRequest.server.toFixed(0)} µs CPU/request` : '';
  return `${name.padEnd(12)}: ${run.completed} ok, ${run.errors} errors, ${run.throughput.toFixed(0)} req/s, p50 ${run.latency.p50.toFixed(3)} ms, p99 ${run.latency.p99.toFixed(3)} ms${cpu}`;
}

export async function runHttpPhase(o: HttpPhaseOptions): Promise<Partial<Record<HttpPathName, HttpPath>>> {
  const targets: Record<HttpPathName, HttpTarget> = {
    direct: await directTarget(o.simulatorUrl),
    'proxy-got': proxyTarget('proxy-got', o.proxyUrls.got),
    'proxy-undici': proxyTarget('proxy-undici', o.proxyUrls.undici),
    gateway: gatewayTarget(o.gatewayUrl),
    'gateway-b': gatewayTarget(o.gatewayB?.url ?? o.gatewayUrl),
  };
  const selected = HTTP_PATHS.filter((p) => (!o.paths || o.paths.includes(p)) && (p !== 'gateway-b' || o.gatewayB));
  const seqAgents = new Map(HTTP_PATHS.map((p) => [p, keepAliveAgent(1)]));
  const concAgents = new Map(HTTP_PATHS.map((p) => [p, keepAliveAgent(o.concurrency)]));
  const measure = async (body: () => Promise<RunResult>): Promise<Measured> => {
    const stop = await cpuWindow(o.gw, o.sim, o.proxy);
    const b0 = await o.gatewayB?.rpc.call('cpu', undefined);
    const result = await body();
    const b1 = await o.gatewayB?.rpc.call('cpu', undefined);
    return { result, cpu: await stop(), gatewayBMs: b0 && b1 ? b1.cpuMs - b0.cpuMs : 0 };
  };
  try {
    progress(`(a) warm-up: ${o.warmupCount} sequential + 2 s at c=${o.concurrency} per path`);
    for (const path of selected) {
      const warm = await runSequential(targets[path], seqAgents.get(path)!, o.warmupCount);
      if (warm.errors > 0) throw new Error(`${path} warm-up: ${warm.errors} errors, e.g. ${warm.errorSamples[0]}`);
      await runConcurrent(targets[path], concAgents.get(path)!, o.concurrency, 2_000);
    }

    const seq = new Map<HttpPathName, Measured[]>(HTTP_PATHS.map((p) => [p, []]));
    const conc = new Map<HttpPathName, Measured[]>(HTTP_PATHS.map((p) => [p, []]));
    const perRound = Math.ceil(o.sequentialCount / o.rounds);
    progress(`(a) sequential: ${o.sequentialCount} requests per path in ${o.rounds} rounds`);
    for (let round = 0; round < o.rounds; round++) {
      for (const path of selected) seq.get(path)!.push(await measure(() => runSequential(targets[path], seqAgents.get(path)!, perRound)));
    }
    const sequential = new Map(selected.map((p) => [p, combine(p, seq.get(p)!)]));
    for (const p of selected) progress(`(a)   ${line(p, sequential.get(p)!)}`);

    progress(`(a) concurrent: c=${o.concurrency} for ${o.durationMs / 1000} s per path in ${o.rounds} rounds`);
    for (let round = 0; round < o.rounds; round++) {
      for (const path of selected) {
        conc.get(path)!.push(await measure(() => runConcurrent(targets[path], concAgents.get(path)!, o.concurrency, o.durationMs / o.rounds)));
      }
    }
    const out: Partial<Record<HttpPathName, HttpPath>> = {};
    for (const p of selected) {
      out[p] = { sequential: sequential.get(p)!, concurrent: combine(p, conc.get(p)!) };
      progress(`(a)   ${line(p, out[p].concurrent)}`);
    }
    return out;
  } finally {
    for (const agent of [...seqAgents.values(), ...concAgents.values()]) agent.destroy();
  }
}

/** An unmeasured c=32 pass through the gateway (or the got proxy) while its CPU profile runs. */
export async function profileHttpPath(o: HttpPhaseOptions, which: 'gateway' | 'proxy-got', file: string, durationMs: number): Promise<string> {
  const target = which === 'gateway' ? gatewayTarget(o.gatewayUrl) : proxyTarget('proxy-got', o.proxyUrls.got);
  const agent = keepAliveAgent(o.concurrency);
  try {
    if (which === 'gateway') await o.gw.call('cpuProfileStart', { intervalUs: 200 });
    else await o.proxy.call('cpuProfileStart', { intervalUs: 200 });
    const run = await runConcurrent(target, agent, o.concurrency, durationMs);
    progress(`(a) profiled pass (${which}): ${run.completed} ok, ${run.errors} errors`);
    return which === 'gateway' ? await o.gw.call('cpuProfileStop', { file }, 60_000) : await o.proxy.call('cpuProfileStop', { file }, 60_000);
  } finally {
    agent.destroy();
  }
}
