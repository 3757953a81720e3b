/**
 * Subscribers over the HTTP stream transports (server-sent events and
 * multipart), one HTTP response per subscription, with the same surface as
 * SubscriberFleet (graphql-ws) so phase-events.ts measures them alike. The
 * frames are read with a minimal parser of each protocol (node:http, no
 * client library), so the load generator stays light.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import type { DemoUser } from '../../src/simulator/index.js';
import { FleetTally, type FleetFailures } from './fleet-tally.js';
import { SubscriberFleet, SUBSCRIPTION_QUERY, type FleetPlan } from './subscriber-fleet.js';
import { basicAuth } from './users.js';

/** The transports a fan-out can run on. */
export type FleetTransport = 'graphql-ws' | 'sse' | 'multipart';

const ACCEPT: Record<Exclude<FleetTransport, 'graphql-ws'>, string> = {
  sse: 'text/event-stream',
  multipart: 'multipart/mixed;subscriptionSpec="1.0",application/json',
};

/** What phase-events.ts needs of a fleet, whatever its transport. */
export interface Fleet {
  readonly connections: number;
  readonly subscriptions: number;
  readonly failures: FleetFailures;
  readonly received: number;
  readonly latencies: readonly number[];
  measure(tag: string, offsetMs: number): void;
  open(plan: FleetPlan & { httpUrl: string }, onProgress: (opened: number, total: number) => void): Promise<void>;
  dispose(): Promise<void>;
}

/** A fleet on the given transport. */
export function createFleet(transport: FleetTransport): Fleet {
  return transport === 'graphql-ws' ? new SubscriberFleet() : new HttpStreamFleet(transport);
}

type Result = { data?: { outboundRecordEvents?: { referenceId?: string | null } } | null; errors?: unknown };

export class HttpStreamFleet implements Fleet {
  readonly #transport: 'sse' | 'multipart';
  readonly #agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  readonly #responses = new Set<IncomingMessage>();
  readonly #aborts: (() => void)[] = [];
  readonly #tally = new FleetTally();

  constructor(transport: 'sse' | 'multipart') {
    this.#transport = transport;
  }

  get connections(): number {
    return this.#aborts.length;
  }

  get subscriptions(): number {
    return this.#aborts.length;
  }

  get failures(): FleetFailures {
    return this.#tally.failures;
  }

  get received(): number {
    return this.#tally.received;
  }

  get latencies(): readonly number[] {
    return this.#tally.latencies;
  }

  measure(tag: string, offsetMs: number): void {
    this.#tally.measure(tag, offsetMs);
  }

  async open(plan: FleetPlan & { httpUrl: string }, onProgress: (opened: number, total: number) => void): Promise<void> {
    const jobs: DemoUser[] = plan.users.flatMap((user) => Array.from({ length: plan.subsPerUser }, () => user));
    let next = 0;
    let opened = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        await this.#subscribe(plan.httpUrl, jobs[next++]!, plan.connectTimeoutMs ?? 15_000);
        if (++opened % 100 === 0 || opened === jobs.length) onProgress(opened, jobs.length);
      }
    };
    await Promise.all(Array.from({ length: plan.openConcurrency ?? 50 }, worker));
  }

  async dispose(): Promise<void> {
    for (const abort of this.#aborts.splice(0)) abort();
    this.#agent.destroy();
  }

  /** Resolves once the response head arrived (the stream is open). */
  #subscribe(httpUrl: string, user: DemoUser, timeoutMs: number): Promise<void> {
    const target = new URL(httpUrl);
    const body = JSON.stringify({ query: SUBSCRIPTION_QUERY });
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent: this.#agent,
          headers: { accept: ACCEPT[this.#transport], 'content-type': 'application/json', authorization: basicAuth(user), 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs,
        },
        (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`${this.#transport} stream of ${user.username}: HTTP ${res.statusCode}`));
            res.resume();
            return;
          }
          this.#responses.add(res);
          res.setEncoding('utf8');
          let buffer = '';
          const separator = this.#transport === 'sse' ? '\n\n' : '\r\n--graphql';
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let at: number;
            while ((at = buffer.indexOf(separator)) >= 0) {
              const frame = buffer.slice(0, at);
              buffer = buffer.slice(at + separator.length);
              this.#frame(frame);
            }
          });
          res.on('end', () => {
            this.#tally.ended();
            this.#responses.delete(res);
          });
          res.on('error', () => this.#responses.delete(res));
          resolve();
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${this.#transport} stream of ${user.username}: no answer in ${timeoutMs} ms`)));
      req.on('error', (error) => {
        if (this.#aborts.includes(abort)) this.#tally.fail(`${this.#transport} stream error: ${error.message}`);
        reject(error);
      });
      const abort = (): void => {
        req.destroy();
      };
      this.#aborts.push(abort);
      req.end(body);
    });
  }

  /** One SSE event or multipart part (without its separator). */
  #frame(frame: string): void {
    let json: string | undefined;
    if (this.#transport === 'sse') {
      if (!frame.startsWith('event: next\n')) return;
      json = frame.slice(frame.indexOf('data: ') + 'data: '.length);
    } else {
      const bodyAt = frame.indexOf('\r\n\r\n');
      if (bodyAt < 0) return;
      json = frame.slice(bodyAt + 4);
      if (json === '{}') return; // heartbeat
    }
    let result: Result;
    try {
      const parsed = JSON.parse(json) as Result & { payload?: Result | null };
      result = this.#transport === 'multipart' ? (parsed.payload ?? { errors: (parsed as { errors?: unknown }).errors ?? 'fatal' }) : parsed;
    } catch {
      this.#tally.fail(`unparsable ${this.#transport} frame: ${json.slice(0, 200)}`);
      return;
    }
    this.#tally.result(result);
  }
}
