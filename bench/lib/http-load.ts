/**
 * The HTTP load generator: one keep-alive pool per target (Node's own
 * http.Agent, the same client for both paths so the comparison is fair),
 * sequential and fixed-duration concurrent runs, every response checked.
 */
import { Agent, request } from 'node:http';

/** One kind of request, sent again and again. */
export interface HttpTarget {
  name: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** True when the response is a success (GWS statusCode 0). */
  check: (status: number, body: string) => boolean;
}

export interface RunResult {
  /** Latency of every completed request, ms. */
  latencies: number[];
  completed: number;
  errors: number;
  /** The first few failures, for the report. */
  errorSamples: string[];
  elapsedMs: number;
}

const REQUEST_TIMEOUT_MS = 10_000;

export function keepAliveAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/** Sends one request; resolves with its latency and whether it succeeded (never rejects). */
export function send(target: HttpTarget, agent: Agent): Promise<{ ms: number; ok: boolean; detail?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      target.url,
      { method: 'POST', agent, headers: { ...target.headers, 'content-length': String(Buffer.byteLength(target.body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const ms = performance.now() - started;
          const status = res.statusCode ?? 0;
          let ok: boolean;
          try {
            ok = target.check(status, body);
          } catch {
            ok = false; // not JSON: a proxy page, a crash; counted as an error with its body
          }
          resolve(ok ? { ms, ok } : { ms, ok, detail: `HTTP ${status} ${body.slice(0, 300)}` });
        });
        res.on('error', (e) => resolve({ ms: performance.now() - started, ok: false, detail: String(e) }));
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (e) => resolve({ ms: performance.now() - started, ok: false, detail: String(e) }));
    req.end(target.body);
  });
}

function collector(): RunResult & { add(r: { ms: number; ok: boolean; detail?: string }): void } {
  const result = {
    latencies: [] as number[],
    completed: 0,
    errors: 0,
    errorSamples: [] as string[],
    elapsedMs: 0,
    add(r: { ms: number; ok: boolean; detail?: string }) {
      if (r.ok) {
        result.completed++;
        result.latencies.push(r.ms);
      } else {
        result.errors++;
        if (result.errorSamples.length < 5 && r.detail) result.errorSamples.push(r.detail);
      }
    },
  };
  return result;
}

/** `count` requests one after the other. */
export async function runSequential(target: HttpTarget, agent: Agent, count: number): Promise<RunResult> {
  const result = collector();
  const started = performance.now();
  for (let i = 0; i < count; i++) result.add(await send(target, agent));
  result.elapsedMs = performance.now() - started;
  return result;
}

/** `concurrency` loops sending back to back for `durationMs` (requests in flight at the end are awaited, not counted). */
export async function runConcurrent(target: HttpTarget, agent: Agent, concurrency: number, durationMs: number): Promise<RunResult> {
  const result = collector();
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const r = await send(target, agent);
      // Successes count only inside the window (throughput = completed / durationMs); errors always count.
      if (!r.ok || performance.now() <= deadline) result.add(r);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.elapsedMs = durationMs;
  return result;
}
