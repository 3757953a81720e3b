/**
 * Phase (s): how long `npm start` takes to listen when nothing changed. The
 * build is brought up to date first (scripts/build-if-stale.mjs, as `npm
 * start` itself would), then `npm start` is started `runs` times with PORT=0
 * and timed from spawn to its "gateway listening" log line, /healthz checked,
 * and stopped with SIGTERM.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function once(): Promise<number> {
  const started = performance.now();
  // detached: npm and its node child form one process group, stopped together below.
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: true,
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('npm start: not listening within 60 s')), 60_000);
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before listening`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.includes('gateway listening')) return;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      });
    });
    const ms = performance.now() - started;
    const health = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(5_000) });
    if (!health.ok) throw new Error(`/healthz: HTTP ${health.status}`);
    return ms;
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

/** Milliseconds from `npm start` to listening, once per run. */
export async function measureStartup(runs: number): Promise<number[]> {
  const build = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('scripts/build-if-stale.mjs failed');
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return times;
}
