/**
 * CPU profiles and sampling heap profiles taken from inside a child through
 * node:inspector, so that only a chosen phase is profiled (node --cpu-prof
 * would profile start-up and every phase at once).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

let session: Session | undefined;

function connected(): Session {
  if (!session) {
    session = new Session();
    session.connect();
  }
  return session;
}

export async function startCpuProfile(intervalUs: number): Promise<void> {
  const s = connected();
  await s.post('Profiler.enable');
  await s.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await s.post('Profiler.start');
}

/** Stops the CPU profile and writes it (Chrome DevTools .cpuprofile format). */
export async function stopCpuProfile(file: string): Promise<string> {
  const { profile } = await connected().post('Profiler.stop');
  await writeFile(file, JSON.stringify(profile));
  return file;
}

export async function startHeapSampling(samplingIntervalBytes: number): Promise<void> {
  const s = connected();
  await s.post('HeapProfiler.enable');
  await s.post('HeapProfiler.startSampling', { samplingInterval: samplingIntervalBytes });
}

/** Stops heap sampling; the profile holds only allocations still alive (what is retained). */
export async function stopHeapSampling(file: string): Promise<string> {
  const { profile } = await connected().post('HeapProfiler.stopSampling');
  await writeFile(file, JSON.stringify(profile));
  return file;
}

export function disconnectInspector(): void {
  session?.disconnect();
  session = undefined;
}
