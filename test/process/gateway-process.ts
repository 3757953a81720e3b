/**
 * Runs the real gateway process (`node --import tsx src/main.ts`) for the
 * process tests: its JSON log lines parsed as they come, stderr kept, and its
 * exit awaited with a deadline. Killed in `kill()` if a test leaves it running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type LogRecord = Record<string, unknown> & { msg?: string; level?: number };

export interface GatewayProcess {
  readonly child: ChildProcess;
  /** Raw stdout lines, in order. */
  readonly lines: string[];
  readonly stderr: () => string;
  records(): LogRecord[];
  /** Resolves with the first log record satisfying the predicate (already logged or later). */
  waitForLog(predicate: (r: LogRecord) => boolean, timeoutMs: number, what: string): Promise<LogRecord>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** SIGKILL if still running (cleanup). */
  kill(): void;
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the gateway with only the given variables (plus what Node needs to run), never the test runner's. */
export function spawnGateway(env: Record<string, string>): GatewayProcess {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) {
    const value = process.env[key];
    if (value !== undefined) base[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  const watchers: { predicate: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];
  const parse = (line: string): LogRecord | undefined => {
    try {
      return JSON.parse(line) as LogRecord;
    } catch {
      return undefined;
    }
  };
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      lines.push(line);
      const record = parse(line);
      if (record) for (const w of [...watchers]) if (w.predicate(record)) w.resolve(record);
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    records: () => lines.map(parse).filter((r): r is LogRecord => r !== undefined),
    waitForLog(predicate, timeoutMs, what) {
      const found = this.records().find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no log line "${what}" within ${timeoutMs} ms; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`)),
          timeoutMs,
        );
        const watcher = {
          predicate,
          resolve: (r: LogRecord) => {
            clearTimeout(timer);
            watchers.splice(watchers.indexOf(watcher), 1);
            resolve(r);
          },
        };
        watchers.push(watcher);
        void exited.then(() => {
          if (watchers.includes(watcher)) {
            clearTimeout(timer);
            reject(new Error(`the process exited before logging "${what}"; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
          }
        });
      });
    },
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
