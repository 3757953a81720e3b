/**
 * Helpers of the fault, abuse, property and logging suites: a stack like
 * test/support/stack.ts whose gateway (and simulator) log where the test says,
 * raw HTTP and WebSocket probes, polling with a deadline, and heap
 * measurements after a forced GC.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { createLogger, type Logger } from '../../../src/logger.js';
import { startStack, type Stack, type StackOptions } from '../../support/stack.js';

export interface FaultStack extends Stack {
  /** http://host:port (no path): for /healthz, /readyz, /metrics. */
  readonly origin: string;
  /** Raw request to the gateway; never throws on an HTTP error status. */
  http(path: string, init?: RequestInit): Promise<{ status: number; text: string; headers: Headers }>;
}

export type FaultStackOptions = StackOptions;

/** startStack plus raw HTTP access to the gateway's origin. */
export async function startFaultStack(options: FaultStackOptions = {}): Promise<FaultStack> {
  const stack = await startStack(options);
  const origin = stack.gateway.url.replace(/\/graphql$/, '');
  return {
    ...stack,
    origin,
    async http(path, init) {
      const response = await fetch(`${origin}${path}`, init);
      return { status: response.status, text: await response.text(), headers: response.headers };
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after the deadline. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 5_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Rejects after `ms` with `what` in the message, else settles like `promise`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** A raw graphql-transport-ws socket: every message kept, and its close code. */
export interface RawSocket {
  socket: WebSocket;
  messages: { type: string; id?: string; payload?: unknown }[];
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  send(message: object): void;
  /** Resolves with the first message satisfying the predicate (already received or later). */
  waitFor(predicate: (m: { type: string; id?: string; payload?: unknown }) => boolean, timeoutMs?: number): Promise<{ type: string; id?: string; payload?: unknown }>;
}

export function rawSocket(url: string, protocol = 'graphql-transport-ws'): RawSocket {
  const socket = new WebSocket(url, protocol);
  const messages: RawSocket['messages'] = [];
  const watchers: { predicate: (m: RawSocket['messages'][number]) => boolean; resolve: (m: RawSocket['messages'][number]) => void }[] = [];
  const opened = deferred<void>();
  const closed = deferred<{ code: number; reason: string }>();
  socket.on('open', () => opened.resolve());
  socket.on('error', (error) => opened.reject(error));
  socket.on('close', (code, reason) => closed.resolve({ code, reason: String(reason) }));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as RawSocket['messages'][number];
    messages.push(message);
    for (const w of [...watchers]) if (w.predicate(message)) w.resolve(message);
  });
  opened.promise.catch(() => undefined);
  return {
    socket,
    messages,
    opened: opened.promise,
    closed: closed.promise,
    send: (message) => socket.send(JSON.stringify(message)),
    waitFor(predicate, timeoutMs = 5_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      const d = deferred<RawSocket['messages'][number]>();
      watchers.push({ predicate, resolve: d.resolve });
      return within(d.promise, timeoutMs, `a matching message in ${JSON.stringify(messages)}`);
    },
  };
}

let gcFunction: (() => void) | undefined | null = null;

/** The V8 collector: global.gc when exposed, else enabled at run time; undefined if neither works. */
export function forceGc(): (() => void) | undefined {
  if (gcFunction !== null) return gcFunction;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return (gcFunction = exposed);
  try {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  } catch {
    gcFunction = undefined;
  }
  return gcFunction;
}

/** heapUsed after a full collection (several passes, so finalizers and weak refs settle). */
export async function settledHeapUsed(): Promise<number> {
  const gc = forceGc();
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc?.();
  }
  return process.memoryUsage().heapUsed;
}

/** Bound on heap growth over a repeated flood: tight with a real GC, generous without. */
export const heapBound = (gcExposed: boolean): number => (gcExposed ? 4 * 1024 * 1024 : 64 * 1024 * 1024);

/** An in-memory pino destination: every line parsed, and the raw text. */
export interface CapturedLog {
  lines: string[];
  records(): Record<string, unknown>[];
  logger: Logger;
}

export function capturedLogger(level = 'trace', name?: string): CapturedLog {
  const lines: string[] = [];
  const stream = {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(line);
    },
  };
  return {
    lines,
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    logger: createLogger({ level, stream, ...(name ? { name } : {}) }),
  };
}

/** An outbound ack the simulator can publish by hand. */
export const ackMessage = (referenceId: string, recordHandle = 1): Record<string, unknown> => ({
  notificationType: 'RecordRejectAcknowledge',
  messageType: 'OutboundRecordMessage',
  referenceId,
  record: { recordHandle },
});

/** Stack traces in a response: a stacktrace extension or V8 frames. */
export const STACK_TRACE = /"stacktrace"|\n\s+at\s|\bat [^\s]+ \(\/|node_modules\//;
