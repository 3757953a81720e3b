/**
 * How long `npm start` takes to listen: `npx tsx bench/tools/start-time.ts [RUNS]`
 * starts it RUNS times (default 3) with PORT=0 and HOST=127.0.0.1, times the
 * first "gateway listening" log line, checks /healthz answers, and stops it
 * with SIGTERM. Nothing is rebuilt when dist/ is fresh (scripts/build-if-stale.mjs).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

async function once(): Promise<number> {
  const started = performance.now();
  // detached: npm and its node child form one process group, stopped together below.
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not listening within 120 s')), 120_000);
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.includes('gateway listening')) return;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      });
    });
    const ms = performance.now() - started;
    const health = await fetch(new URL('/healthz', url));
    if (!health.ok) throw new Error(`/healthz: HTTP ${health.status}`);
    return ms;
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

const runs = Number(process.argv[2] ?? 3);
const times: number[] = [];
for (let i = 0; i < runs; i++) times.push(await once());
console.log(`npm start -> listening: ${times.map((t) => `${(t / 1000).toFixed(2)} s`).join(', ')}`);
