/**
 * A small request/response protocol over the fork() IPC channel: the parent
 * (load generator) drives each child (simulator, gateway) by method name, with
 * a timeout on every call, and children answer errors as messages instead of
 * crashing, so a failed phase can still be reported.
 */
import type { ChildProcess } from 'node:child_process';

/**
 * What a child serves: method name -> handler. `never` as the parameter type
 * lets handlers of any single argument type be collected in one record.
 */
export type Api = Record<string, (args: never) => unknown>;

interface RpcRequest {
  rpc: number;
  method: string;
  args: unknown;
}

type RpcReply = { rpc: number; ok: true; result: unknown } | { rpc: number; ok: false; error: string };

const isRequest = (m: unknown): m is RpcRequest =>
  typeof m === 'object' && m !== null && typeof (m as RpcRequest).rpc === 'number' && typeof (m as RpcRequest).method === 'string';

const isReply = (m: unknown): m is RpcReply =>
  typeof m === 'object' && m !== null && typeof (m as RpcReply).rpc === 'number' && typeof (m as RpcReply).ok === 'boolean';

/** Child side: answers the parent's calls until the channel closes. */
export function serveApi(api: Api): void {
  if (!process.send) throw new Error('serveApi: this process was not started with an IPC channel (fork)');
  const send = process.send.bind(process);
  process.on('message', (message: unknown) => {
    if (!isRequest(message)) return;
    const handler = api[message.method];
    void (async () => {
      let reply: RpcReply;
      try {
        if (!handler) throw new Error(`unknown method ${message.method}`);
        // The caller typed args against this very handler (RpcClient.call), so the cast only undoes `never`.
        const result = await (handler as (args: unknown) => unknown)(message.args);
        reply = { rpc: message.rpc, ok: true, result };
      } catch (error) {
        reply = { rpc: message.rpc, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      }
      send(reply);
    })();
  });
  // The parent went away: nothing left to serve, do not linger.
  process.on('disconnect', () => process.exit(0));
}

/** Parent side: typed calls into one child. */
export class RpcClient<A extends Api> {
  readonly #child: ChildProcess;
  readonly #name: string;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  #next = 1;

  constructor(child: ChildProcess, name: string) {
    this.#child = child;
    this.#name = name;
    child.on('message', (message: unknown) => {
      if (!isReply(message)) return;
      const pending = this.#pending.get(message.rpc);
      if (!pending) return;
      this.#pending.delete(message.rpc);
      clearTimeout(pending.timer);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new Error(`${this.#name}: ${message.error}`));
    });
    child.on('exit', (code, signal) => {
      for (const [, p] of this.#pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`${this.#name} exited (code ${code}, signal ${signal}) during a call`));
      }
      this.#pending.clear();
    });
  }

  call<K extends keyof A & string>(
    method: K,
    args: Parameters<A[K]>[0],
    timeoutMs = 30_000,
  ): Promise<Awaited<ReturnType<A[K]>>> {
    const rpc = this.#next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(rpc);
        reject(new Error(`${this.#name}.${method} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      // The child answers with the handler's structured-cloned result: its declared type.
      this.#pending.set(rpc, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.#child.send({ rpc, method, args } satisfies RpcRequest);
    });
  }
}
