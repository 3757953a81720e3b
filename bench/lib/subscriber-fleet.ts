/**
 * Many graphql-ws subscriptions from the real client over `ws`, several per
 * socket, each socket authenticated as one user. Counts what arrives for the
 * current measurement tag and the receipt latency of each delivery, from the
 * send time the simulator wrote into the event's referenceId.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { DemoUser } from '../../src/simulator/index.js';
import { FleetTally, type FleetFailures } from './fleet-tally.js';
import { basicAuth } from './users.js';

export const SUBSCRIPTION_QUERY = 'subscription Bench { outboundRecordEvents { referenceId notificationType record { recordHandle } } }';

export interface FleetPlan {
  wsUrl: string;
  users: readonly DemoUser[];
  subsPerUser: number;
  /** Subscriptions multiplexed on one socket (a socket belongs to one user). */
  subsPerConnection: number;
  /** Sockets being opened at the same time. @default 50 */
  openConcurrency?: number;
  /** @default 15_000 */
  connectTimeoutMs?: number;
}

type BenchEvent = { outboundRecordEvents?: { referenceId?: string | null } };

export class SubscriberFleet {
  readonly #clients: Client[] = [];
  #subscriptions = 0;
  readonly #tally = new FleetTally();

  get connections(): number {
    return this.#clients.length;
  }

  get subscriptions(): number {
    return this.#subscriptions;
  }

  /** Subscription errors (error results, sink errors) and completions the server sent. */
  get failures(): FleetFailures {
    return this.#tally.failures;
  }

  /** Starts counting deliveries of events tagged `tag`; `offsetMs` = simulator clock - this clock. */
  measure(tag: string, offsetMs: number): void {
    this.#tally.measure(tag, offsetMs);
  }

  get received(): number {
    return this.#tally.received;
  }

  get latencies(): readonly number[] {
    return this.#tally.latencies;
  }

  /** Opens the sockets and subscribes; resolves once every socket is acknowledged and every subscribe is sent. */
  async open(plan: FleetPlan, onProgress: (opened: number, total: number) => void): Promise<void> {
    const perConnection: { user: DemoUser; subs: number }[] = [];
    for (const user of plan.users) {
      for (let left = plan.subsPerUser; left > 0; left -= plan.subsPerConnection) {
        perConnection.push({ user, subs: Math.min(left, plan.subsPerConnection) });
      }
    }
    let nextIndex = 0;
    let opened = 0;
    const worker = async (): Promise<void> => {
      while (nextIndex < perConnection.length) {
        const job = perConnection[nextIndex++]!;
        const client = await this.#connect(plan.wsUrl, job.user, plan.connectTimeoutMs ?? 15_000);
        for (let i = 0; i < job.subs; i++) this.#subscribe(client);
        if (++opened % 100 === 0 || opened === perConnection.length) onProgress(opened, perConnection.length);
      }
    };
    await Promise.all(Array.from({ length: plan.openConcurrency ?? 50 }, worker));
  }

  async dispose(): Promise<void> {
    const clients = this.#clients.splice(0);
    await Promise.allSettled(clients.map((c) => c.dispose()));
  }

  async #connect(url: string, user: DemoUser, timeoutMs: number): Promise<Client> {
    let failure: unknown;
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: basicAuth(user) },
      onNonLazyError: (error) => {
        failure = error;
      },
    });
    this.#clients.push(client);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`graphql-ws connection of ${user.username} not acknowledged in ${timeoutMs} ms`)), timeoutMs);
      const offConnected = client.on('connected', () => done());
      const offClosed = client.on('closed', (event) => done(new Error(`graphql-ws connection of ${user.username} closed: ${describe(event ?? failure)}`)));
      function done(error?: Error): void {
        clearTimeout(timer);
        offConnected();
        offClosed();
        if (error) reject(error);
        else resolve();
      }
    });
    return client;
  }

  #subscribe(client: Client): void {
    this.#subscriptions++;
    client.subscribe<BenchEvent>(
      { query: SUBSCRIPTION_QUERY },
      {
        next: (result) => this.#tally.result(result),
        error: (error) => this.#tally.fail(`sink error: ${describe(error)}`),
        complete: () => this.#tally.ended(),
      },
    );
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (value && typeof value === 'object' && 'code' in value) {
    const e = value as { code: unknown; reason?: unknown };
    return `close ${String(e.code)} ${String(e.reason ?? '')}`;
  }
  return JSON.stringify(value) ?? String(value);
}
