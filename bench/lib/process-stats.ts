/** What a child reports about itself: CPU time so far, and memory after full GCs. */
import { readFileSync } from 'node:fs';

export interface CpuSample {
  /** process.cpuUsage() user + system, in ms. */
  cpuMs: number;
  /** performance.now() of the child, in ms. */
  atMs: number;
}

export function cpuSample(): CpuSample {
  const { user, system } = process.cpuUsage();
  return { cpuMs: (user + system) / 1000, atMs: performance.now() };
}

/** CPU used between two samples, as a share of one core. */
export const coreShare = (a: CpuSample, b: CpuSample): number => (b.cpuMs - a.cpuMs) / (b.atMs - a.atMs);

export interface MemorySample {
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
  arrayBuffers: number;
}

/**
 * Memory after several full collections, with a turn of the event loop
 * between them so that finalizers and weak callbacks run (needs --expose-gc).
 */
export async function settledMemory(): Promise<MemorySample> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with --expose-gc to measure memory');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** CPU time of the whole machine (all processes, all cores), from /proc/stat; undefined off Linux. */
export function machineCpuSample(): CpuSample | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const busyTicks = f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0);
    return { cpuMs: (busyTicks * 1000) / CLOCK_TICKS_PER_S, atMs: performance.now() };
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_S = 100;
