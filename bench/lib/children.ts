/**
 * Forks the simulator, the gateway and the baseline proxies, each in its own
 * Node process with --expose-gc (memory after GC) and tsx's ESM loader only
 * (`tsx/esm`: the TypeScript sources, as in tests; without its CommonJS hook,
 * a `require` at run time, such as Apollo's createHash on every request,
 * costs what it costs under plain node), and NODE_ENV=production in every child's
 * environment: libraries (Express, graphql-js, Apollo) read it from
 * process.env, not from our configuration object.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GatewayApi } from '../gateway-child.js';
import type { ProxyApi } from '../proxy-child.js';
import type { SimApi } from '../sim-child.js';
import { clockOffset, epochMs } from './clock.js';
import { GATEWAY_ENV } from './gateway-env.js';
import { RpcClient, type Api } from './ipc.js';

export interface Child<A extends Api> {
  process: ChildProcess;
  rpc: RpcClient<A>;
  /** Resolves when the process has exited; kills it when it does not within `graceMs`. */
  exited(graceMs: number): Promise<void>;
}

function start<A extends Api>(name: string, file: string, env: Record<string, string>): Child<A> {
  const child = fork(file.startsWith('/') ? file : fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: ['--import', 'tsx/esm', '--expose-gc'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exit = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    process: child,
    rpc: new RpcClient<A>(child, name),
    async exited(graceMs) {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

export const startSimulatorChild = (): Child<SimApi> => start<SimApi>('simulator', '../sim-child.ts', {});

/**
 * The gateway child with GATEWAY_ENV, and `overrides` (a variable set to '' is unset: the gateway's default);
 * `tree`: another checkout's root, whose gateway runs instead (A/B runs, path gateway-b).
 */
export const startGatewayChild = (simulatorUrl: string, overrides: Record<string, string> = {}, tree?: string): Child<GatewayApi> =>
  start<GatewayApi>(tree ? 'gateway-b' : 'gateway', tree ? `${tree}/bench/gateway-child.ts` : '../gateway-child.ts', {
    ...GATEWAY_ENV,
    ...overrides,
    BENCH_GATEWAY_OVERRIDES: JSON.stringify(overrides),
    BENCH_SIMULATOR_URL: simulatorUrl,
  });

export const startProxyChild = (simulatorUrl: string): Child<ProxyApi> =>
  start<ProxyApi>('proxy', '../proxy-child.ts', { BENCH_SIMULATOR_URL: simulatorUrl });

/** simulator clock - our clock, from 30 IPC pings. */
export async function calibrateClock(sim: RpcClient<SimApi>): Promise<{ offsetMs: number; errorMs: number }> {
  const samples: { sentAt: number; remoteAt: number; receivedAt: number }[] = [];
  for (let i = 0; i < 30; i++) {
    const sentAt = epochMs();
    const remoteAt = await sim.call('clock', undefined, 5_000);
    samples.push({ sentAt, remoteAt, receivedAt: epochMs() });
  }
  return clockOffset(samples);
}
