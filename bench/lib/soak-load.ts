/**
 * The soak's load and its bookkeeping: mutations of many users through the
 * gateway (each carries a referenceId `soak:<user>:<n>`), graphql-ws
 * subscribers that come and go (churn on a socket, sockets dropped without a
 * close frame and opened again), junk credentials, and per subscriber what it
 * received. From that, `lostEvents()` counts the events a subscriber should
 * have had (its user's mutation succeeded while it was live and it stayed
 * connected long enough for the delivery) but never got.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { DemoUser } from '../../src/simulator/index.js';
import { RECORD_OPERATIONS } from '../../src/operations/record-operations.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../../test/support/operations.js';
import { basicAuth } from './users.js';

const UPDATE = RECORD_OPERATIONS.find((op) => op.operationName === 'UpdateRecord')!;
const UPDATE_DOCUMENT = mutationDocument(UPDATE, 'statusCode');
const UPDATE_VARIABLES = variablesFromSeed(UPDATE, seedOf(UPDATE)) as { recordHandle: number; input: Record<string, unknown> };
const SUBSCRIPTION = 'subscription Soak { outboundRecordEvents { referenceId } }';

/** An event is owed to a subscriber only if it stayed connected this long after the mutation's answer. */
export const DELIVERY_GRACE_MS = 5_000;

interface Mutation {
  user: number;
  ref: string;
  sentAt: number;
  answeredAt: number;
  ok: boolean;
}

interface Subscriber {
  user: number;
  /** When its first soak event arrived: from then on its upstream path is known to work. */
  liveAt: number | undefined;
  endedAt: number | undefined;
  received: Set<string>;
  unsubscribe: () => void;
  client: TrackedClient;
}

interface TrackedClient {
  user: number;
  client: Client;
  socket: WebSocket | undefined;
  subscribers: Set<Subscriber>;
}

/** A period in which a user's events may be lost upstream (their Bayeux session dropped, GWS down): from `start` until the user's first event sent after `end` arrived. */
interface Disturbance {
  start: number;
  end: number;
  recoveredAt: number | undefined;
  reason: string;
}

export interface SoakLoadOptions {
  url: string;
  wsUrl: string;
  users: readonly DemoUser[];
  /** Users 0..subscribedUsers-1 have a subscriber. */
  subscribedUsers: number;
  /** Mutations per second over all users. */
  mutationsPerSecond: number;
  maxInFlight: number;
}

/** Counts by code, e.g. { UNAUTHENTICATED: 3, ok: 120 }. */
export type CodeCounts = Record<string, number>;

const bump = (counts: CodeCounts, code: string): void => {
  counts[code] = (counts[code] ?? 0) + 1;
};

function codesOf(body: unknown): string[] {
  const errors = (body as { errors?: { extensions?: { code?: unknown } }[] } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return [];
  return errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'NO_CODE'));
}

export class SoakLoad {
  readonly #options: SoakLoadOptions;
  readonly #mutations: Mutation[] = [];
  readonly #byRef = new Map<string, Mutation>();
  readonly #seq: number[];
  readonly #subscribers: Subscriber[] = [];
  readonly #clients = new Set<TrackedClient>();
  readonly #disturbances: Disturbance[][];
  readonly #timers = new Set<NodeJS.Timeout>();
  #inFlight = 0;
  #stopped = false;
  readonly mutationCodes: CodeCounts = {};
  readonly junkCodes: CodeCounts = {};
  readonly subscriptionCodes: CodeCounts = {};
  readonly actions: CodeCounts = {};

  constructor(options: SoakLoadOptions) {
    this.#options = options;
    this.#seq = options.users.map(() => 0);
    this.#disturbances = options.users.map(() => []);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get liveSubscribers(): number {
    return this.#subscribers.filter((s) => s.endedAt === undefined).length;
  }

  /** Opens one subscriber per subscribed user and starts the mutation clock. */
  start(): void {
    for (let u = 0; u < this.#options.subscribedUsers; u++) this.#subscribe(this.#newClient(u));
    const tickMs = 50;
    const perTick = (this.#options.mutationsPerSecond * tickMs) / 1000;
    let budget = 0;
    let next = 0;
    this.#every(tickMs, () => {
      budget += perTick;
      while (budget >= 1) {
        budget--;
        if (this.#inFlight >= this.#options.maxInFlight) {
          bump(this.mutationCodes, 'SKIPPED_IN_FLIGHT_CAP');
          continue;
        }
        void this.#mutate(next);
        next = (next + 1) % this.#options.users.length;
      }
    });
  }

  #every(ms: number, fn: () => void): void {
    const timer = setInterval(() => {
      if (!this.#stopped) fn();
    }, ms);
    this.#timers.add(timer);
  }

  /** Schedules the churn: `fn` every `ms` while running. */
  repeat(ms: number, fn: () => void | Promise<void>): void {
    this.#every(ms, () => void fn());
  }

  async #mutate(user: number): Promise<void> {
    const ref = `soak:${user}:${this.#seq[user]!++}`;
    const mutation: Mutation = { user, ref, sentAt: Date.now(), answeredAt: 0, ok: false };
    this.#inFlight++;
    try {
      const response = await fetch(this.#options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basicAuth(this.#options.users[user]!) },
        body: JSON.stringify({ query: UPDATE_DOCUMENT, variables: { ...UPDATE_VARIABLES, input: { ...UPDATE_VARIABLES.input, referenceId: ref } } }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { data?: { updateRecord?: { statusCode?: number } } };
      const codes = codesOf(body);
      mutation.ok = response.status === 200 && codes.length === 0 && body.data?.updateRecord?.statusCode === 0;
      if (codes.length > 0) for (const c of codes) bump(this.mutationCodes, c);
      else bump(this.mutationCodes, mutation.ok ? 'ok' : `HTTP_${response.status}`);
    } catch (error) {
      bump(this.mutationCodes, `CLIENT_${(error as Error).name}`);
    } finally {
      this.#inFlight--;
      mutation.answeredAt = Date.now();
      this.#mutations.push(mutation);
      this.#byRef.set(ref, mutation);
    }
  }

  #newClient(user: number): TrackedClient {
    const tracked: TrackedClient = { user, client: undefined as unknown as Client, socket: undefined, subscribers: new Set() };
    // The client's own WebSocket, kept so the soak can drop it without a close frame.
    class TrackedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        tracked.socket = this;
      }
    }
    tracked.client = createClient({
      url: this.#options.wsUrl,
      webSocketImpl: TrackedWebSocket,
      lazy: true,
      retryAttempts: 0,
      connectionParams: { authorization: basicAuth(this.#options.users[user]!) },
    });
    this.#clients.add(tracked);
    return tracked;
  }

  #subscribe(tracked: TrackedClient): void {
    const subscriber: Subscriber = { user: tracked.user, liveAt: undefined, endedAt: undefined, received: new Set(), unsubscribe: () => undefined, client: tracked };
    const end = (): void => {
      subscriber.endedAt ??= Date.now();
      tracked.subscribers.delete(subscriber);
    };
    subscriber.unsubscribe = tracked.client.subscribe<{ outboundRecordEvents?: { referenceId?: string | null } }>(
      { query: SUBSCRIPTION },
      {
        next: (result) => {
          if (result.errors) for (const c of codesOf(result)) bump(this.subscriptionCodes, c);
          const ref = result.data?.outboundRecordEvents?.referenceId;
          if (!ref?.startsWith('soak:') || subscriber.endedAt !== undefined) return;
          const now = Date.now();
          subscriber.liveAt ??= now;
          subscriber.received.add(ref);
          this.#noteRecovery(subscriber.user, ref, now);
        },
        error: (error: unknown) => {
          const endedByUs = subscriber.endedAt !== undefined;
          end();
          const code = Array.isArray(error) ? (codesOf({ errors: error })[0] ?? 'GRAPHQL_ERROR') : `CLOSE_${(error as { code?: number }).code ?? 'ERROR'}`;
          // Closes the soak caused itself (a dropped socket: 1006) are expected; they are counted too.
          bump(this.subscriptionCodes, code);
          // The server ended the subscription with an error (UPSTREAM_UNAVAILABLE: "subscribe again"): do what a client does.
          if (Array.isArray(error) && !endedByUs) this.#resubscribe(tracked);
        },
        complete: () => {
          const endedByUs = subscriber.endedAt !== undefined;
          end();
          if (!endedByUs) this.#resubscribe(tracked);
        },
      },
    );
    tracked.subscribers.add(subscriber);
    this.#subscribers.push(subscriber);
  }

  /** A subscription the server ended: subscribe again on the same socket after a second, as a client following the contract would. */
  #resubscribe(tracked: TrackedClient): void {
    if (this.#stopped || !this.#clients.has(tracked)) return;
    bump(this.actions, 'subscribed again after the server ended a subscription');
    this.#later(1_000, () => {
      if (!this.#stopped && this.#clients.has(tracked)) this.#subscribe(tracked);
    });
  }

  #noteRecovery(user: number, ref: string, now: number): void {
    const sentAt = this.#byRef.get(ref)?.sentAt;
    if (sentAt === undefined) return;
    for (const d of this.#disturbances[user]!) if (d.recoveredAt === undefined && sentAt > d.end) d.recoveredAt = now;
  }

  #randomLive(): Subscriber | undefined {
    const live = this.#subscribers.filter((s) => s.endedAt === undefined && s.liveAt !== undefined);
    return live[Math.floor(Math.random() * live.length)];
  }

  /** Unsubscribes a live subscriber and subscribes again on the same socket. */
  churnOne(): void {
    const s = this.#randomLive();
    if (!s || this.#stopped) return;
    bump(this.actions, 'unsubscribe + subscribe on the same socket');
    s.endedAt = Date.now();
    s.unsubscribe();
    s.client.subscribers.delete(s);
    this.#later(200, () => this.#subscribe(s.client));
  }

  /** Drops a subscriber's socket without a close frame (a client losing its network) and reconnects it on a new socket. */
  dropOneSocket(): void {
    const s = this.#randomLive();
    if (!s || this.#stopped) return;
    bump(this.actions, 'socket dropped (no close frame), reconnected');
    const tracked = s.client;
    const now = Date.now();
    for (const sub of tracked.subscribers) sub.endedAt ??= now;
    tracked.socket?.terminate();
    this.#clients.delete(tracked);
    void tracked.client.dispose();
    this.#later(500, () => this.#subscribe(this.#newClient(tracked.user)));
  }

  /** Marks the users whose events may be lost upstream from now until `end` (and until their next event arrives). */
  disturb(users: readonly number[], start: number, end: number, reason: string): void {
    for (const u of users) this.#disturbances[u]!.push({ start, end, recoveredAt: undefined, reason });
  }

  /** One request with a made-up credential: alternately the eventStream query and a mutation. */
  async junkOne(): Promise<void> {
    const junk = `Basic ${Buffer.from(`junk${Math.floor(Math.random() * 1e9)}:nope${Math.random()}`).toString('base64')}`;
    const query = Math.random() < 0.5 ? '{ eventStream { state } }' : UPDATE_DOCUMENT;
    try {
      const response = await fetch(this.#options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: junk },
        body: JSON.stringify({ query, variables: query === UPDATE_DOCUMENT ? UPDATE_VARIABLES : {} }),
        signal: AbortSignal.timeout(30_000),
      });
      const codes = codesOf(await response.json());
      bump(this.junkCodes, codes[0] ?? `no error (HTTP ${response.status}): served to an unverified credential`);
    } catch (error) {
      bump(this.junkCodes, `CLIENT_${(error as Error).name}`);
    }
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopped) fn();
    }, ms);
    this.#timers.add(timer);
  }

  /** Stops every timer, waits (bounded) for the mutations in flight, then closes every subscriber. */
  async stop(waitMs = 35_000): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    this.#timers.clear();
    const deadline = Date.now() + waitMs;
    while (this.#inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Deliveries of the last answers get their grace before the subscribers go.
    await new Promise((r) => setTimeout(r, DELIVERY_GRACE_MS));
    const now = Date.now();
    for (const s of this.#subscribers) s.endedAt ??= now;
    await Promise.allSettled([...this.#clients].map((c) => c.client.dispose()));
    for (const c of this.#clients) c.socket?.terminate();
    this.#clients.clear();
  }

  /** What the subscribers were owed and what they lost, with disturbance windows (Bayeux drops, GWS faults) set apart. */
  accounting(): {
    mutations: number;
    succeeded: number;
    subscribers: number;
    owed: number;
    lost: number;
    lostSamples: string[];
    inDisturbance: { owed: number; missed: number };
    disturbances: { count: number; unrecovered: number; maxRecoveryMs: number };
  } {
    const byUser = new Map<number, Mutation[]>();
    for (const m of this.#mutations) if (m.ok) (byUser.get(m.user) ?? byUser.set(m.user, []).get(m.user)!).push(m);
    let owed = 0;
    let lost = 0;
    const lostSamples: string[] = [];
    const inDisturbance = { owed: 0, missed: 0 };
    const disturbed = (user: number, m: Mutation): boolean =>
      this.#disturbances[user]!.some((d) => m.answeredAt >= d.start && m.sentAt <= (d.recoveredAt ?? Number.POSITIVE_INFINITY));
    for (const s of this.#subscribers) {
      if (s.liveAt === undefined || s.endedAt === undefined) continue;
      for (const m of byUser.get(s.user) ?? []) {
        if (m.sentAt < s.liveAt || m.answeredAt + DELIVERY_GRACE_MS > s.endedAt) continue;
        const got = s.received.has(m.ref);
        if (disturbed(s.user, m)) {
          inDisturbance.owed++;
          if (!got) inDisturbance.missed++;
          continue;
        }
        owed++;
        if (!got) {
          lost++;
          if (lostSamples.length < 10) lostSamples.push(`${m.ref} (sent ${new Date(m.sentAt).toISOString()}, subscriber live ${new Date(s.liveAt).toISOString()}–${new Date(s.endedAt).toISOString()})`);
        }
      }
    }
    const all = this.#disturbances.flat();
    const recovered = all.filter((d) => d.recoveredAt !== undefined);
    return {
      mutations: this.#mutations.length,
      succeeded: this.#mutations.filter((m) => m.ok).length,
      subscribers: this.#subscribers.length,
      owed,
      lost,
      lostSamples,
      inDisturbance,
      disturbances: {
        count: all.length,
        unrecovered: all.length - recovered.length,
        maxRecoveryMs: recovered.reduce((max, d) => Math.max(max, d.recoveredAt! - d.end), 0),
      },
    };
  }
}
