/**
 * A real redis-server for tests (Debian's, installed by scripts/ensure-redis.sh):
 * its own process on a free loopback port, no persistence, started fresh per
 * suite and stopped by the suite. `kill()` and `restart()` (same port) are for
 * the failure tests. Never a mock of Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from '../process/gateway-process.js';

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  /** Running now. */
  readonly running: boolean;
  /** SIGKILL: Redis vanishes without a word (every key lost, persistence is off). */
  kill(): Promise<void>;
  /** Starts again on the same port (empty, as after a crash without persistence). */
  restart(): Promise<void>;
  /** Sends one command over a raw connection (RESP), for tests that must look past the gateway. */
  command(...args: string[]): Promise<unknown>;
  stop(): Promise<void>;
}

const BINARY = process.env['REDIS_SERVER_PATH'] ?? 'redis-server';

/** Starts a redis-server and resolves once it answers PING. */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (): Promise<void> => {
    let output = '';
    const started = spawn(
      BINARY,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    started.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    started.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const failed = new Promise<never>((_, reject) => {
      started.once('error', (error) => reject(new Error(`cannot run ${BINARY} (run scripts/ensure-redis.sh): ${error.message}`)));
      started.once('exit', (code, signal) => reject(new Error(`redis-server exited (${code ?? signal}) before answering PING:\n${output}`)));
    });
    failed.catch(() => undefined);
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    child = started;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const pong = await Promise.race([raw(port, ['PING']).catch(() => undefined), failed]);
      if (pong === 'PONG') return;
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer PING within 10 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const kill = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (current && current.exitCode === null && current.signalCode === null) current.kill('SIGKILL');
    await exited;
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined;
    },
    kill,
    async restart() {
      await kill();
      await launch();
    },
    command: (...args) => raw(port, args),
    stop: kill,
  };
}

/** One command over a fresh TCP connection; parses the RESP2 reply (enough for tests). */
export function raw(port: number, args: string[], timeoutMs = 2_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let buffer = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis ${args[0]} timed out`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const parsed = parseResp(buffer, 0);
      if (!parsed) return;
      clearTimeout(timer);
      socket.end();
      if (parsed.value instanceof Error) reject(parsed.value);
      else resolve(parsed.value);
    });
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

function parseResp(buffer: Buffer, offset: number): { value: unknown; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[offset]!);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new Error(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: unknown[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseResp(buffer, at);
        if (!item) return undefined;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      return { value: new Error(`unexpected RESP type ${type}`), end: next };
  }
}
