/**
 * CPU used by each process over a measurement window, and by everything else
 * on the machine: on a shared VM another job (a build, a test run) competes
 * for the same 2 cores, and a figure is only worth as much as that column.
 */
import type { GatewayApi } from '../gateway-child.js';
import type { ProxyApi } from '../proxy-child.js';
import type { SimApi } from '../sim-child.js';
import type { RpcClient } from './ipc.js';
import { coreShare, cpuSample, machineCpuSample, type CpuSample } from './process-stats.js';

export interface CpuShares {
  /** In cores: 1 = one core busy for the whole window. */
  gateway: number;
  simulator: number;
  /** The baseline proxies' process; 0 when it is not running. */
  proxy: number;
  loadGenerator: number;
  /** Processes other than these; undefined off Linux. */
  others: number | undefined;
  /** CPU ms per process over the window. */
  gatewayMs: number;
  simulatorMs: number;
  proxyMs: number;
}

interface Samples {
  gw: CpuSample;
  sim: CpuSample;
  proxy: CpuSample | undefined;
  self: CpuSample;
  machine: CpuSample | undefined;
}

async function sample(gw: RpcClient<GatewayApi>, sim: RpcClient<SimApi>, proxy: RpcClient<ProxyApi> | undefined): Promise<Samples> {
  const [g, s, p] = await Promise.all([gw.call('cpu', undefined), sim.call('cpu', undefined), proxy?.call('cpu', undefined)]);
  return { gw: g, sim: s, proxy: p, self: cpuSample(), machine: machineCpuSample() };
}

/** Starts a window; the returned function ends it. */
export async function cpuWindow(
  gw: RpcClient<GatewayApi>,
  sim: RpcClient<SimApi>,
  proxy?: RpcClient<ProxyApi>,
): Promise<() => Promise<CpuShares>> {
  const a = await sample(gw, sim, proxy);
  return async () => {
    const b = await sample(gw, sim, proxy);
    const gateway = coreShare(a.gw, b.gw);
    const simulator = coreShare(a.sim, b.sim);
    const proxyShare = a.proxy && b.proxy ? coreShare(a.proxy, b.proxy) : 0;
    const loadGenerator = coreShare(a.self, b.self);
    const machine = a.machine && b.machine ? coreShare(a.machine, b.machine) : undefined;
    return {
      gateway,
      simulator,
      proxy: proxyShare,
      loadGenerator,
      others: machine === undefined ? undefined : Math.max(0, machine - gateway - simulator - proxyShare - loadGenerator),
      gatewayMs: b.gw.cpuMs - a.gw.cpuMs,
      simulatorMs: b.sim.cpuMs - a.sim.cpuMs,
      proxyMs: a.proxy && b.proxy ? b.proxy.cpuMs - a.proxy.cpuMs : 0,
    };
  };
}
