/**
 * A raw Bayeux long-polling client over got, for asserting exactly what the
 * simulator sends: HTTP status, Set-Cookie, error strings. Cookies come from
 * one agent's jar, or from a fixed Cookie header.
 */
import got, { type Response } from 'got';
import type { CookieJar } from 'tough-cookie';

export interface BayeuxMessage {
  channel: string;
  clientId?: string;
  id?: string;
  successful?: boolean;
  error?: string;
  subscription?: string | string[];
  advice?: Record<string, unknown>;
  data?: unknown;
  [key: string]: unknown;
}

export interface BayeuxExchange {
  status: number;
  setCookie: string[];
  replies: BayeuxMessage[];
}

interface Waiter {
  predicate: (m: BayeuxMessage) => boolean;
  resolve: (m: BayeuxMessage) => void;
}

/** One Bayeux client; `poll()` runs the /meta/connect loop and queues deliveries. */
export class RawBayeuxClient {
  clientId: string | undefined;
  /** The reply that ended polling, when a /meta/connect failed. */
  connectFailure: BayeuxMessage | undefined;
  readonly #endpoint: string;
  readonly #cookies: { jar?: CookieJar; header?: string };
  readonly #queue: BayeuxMessage[] = [];
  readonly #waiters = new Set<Waiter>();
  #nextId = 0;
  #polling: Promise<void> | undefined;
  #stopped = false;

  constructor(origin: string, cookies: { jar?: CookieJar; header?: string }) {
    this.#endpoint = `${origin}/api/v2/notifications`;
    this.#cookies = cookies;
  }

  /** Posts a batch of messages and returns the raw exchange. */
  async send(messages: Array<Omit<BayeuxMessage, 'id'>>, suffix = ''): Promise<BayeuxExchange> {
    const body = messages.map((m) => ({ ...m, id: String(++this.#nextId) }));
    const res: Response<string> = await got.post(this.#endpoint + suffix, {
      body: JSON.stringify(body),
      headers: {
        'content-type': 'application/json;charset=UTF-8',
        ...(this.#cookies.header !== undefined ? { cookie: this.#cookies.header } : {}),
      },
      ...(this.#cookies.jar ? { cookieJar: this.#cookies.jar } : {}),
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: 40_000 },
    });
    const setCookie = res.headers['set-cookie'] ?? [];
    return { status: res.statusCode, setCookie, replies: JSON.parse(res.body) as BayeuxMessage[] };
  }

  async handshake(): Promise<BayeuxExchange> {
    const exchange = await this.send(
      [{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }],
      '/handshake',
    );
    const reply = exchange.replies[0];
    this.clientId = reply?.successful ? reply.clientId : undefined;
    this.connectFailure = undefined;
    return exchange;
  }

  /** Subscribes and returns the /meta/subscribe reply. */
  async subscribe(subscription: string | string[]): Promise<BayeuxMessage> {
    const { replies } = await this.send([{ channel: '/meta/subscribe', clientId: this.clientId, subscription }]);
    return replies.find((r) => r.channel === '/meta/subscribe')!;
  }

  /** One /meta/connect; `timeout` 0 asks the server not to hold it. */
  connect(timeout?: number): Promise<BayeuxExchange> {
    return this.send(
      [
        {
          channel: '/meta/connect',
          clientId: this.clientId,
          connectionType: 'long-polling',
          ...(timeout === undefined ? {} : { advice: { timeout } }),
        },
      ],
      '/connect',
    );
  }

  /** Starts the connect loop; it ends on a failed connect, a transport error, or disconnect(). */
  poll(): Promise<void> {
    this.#stopped = false;
    this.#polling ??= (async () => {
      try {
        while (!this.#stopped) {
          const { replies } = await this.connect();
          for (const reply of replies) {
            if (reply.channel === '/meta/connect') {
              if (!reply.successful) {
                this.connectFailure = reply;
                this.#stopped = true;
              }
            } else {
              this.#deliver(reply);
            }
          }
        }
      } finally {
        this.#polling = undefined;
      }
    })();
    return this.#polling;
  }

  /** The next delivered message matching the predicate (already queued ones first). */
  next(predicate: (m: BayeuxMessage) => boolean = () => true, timeoutMs = 5_000): Promise<BayeuxMessage> {
    const index = this.#queue.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.#queue.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no Bayeux message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Messages delivered and not yet taken by next(). */
  pending(): readonly BayeuxMessage[] {
    return this.#queue;
  }

  /** Sends /meta/disconnect (when still known) and waits for the loop to end. */
  async disconnect(): Promise<void> {
    this.#stopped = true;
    if (this.clientId && !this.connectFailure) {
      await this.send([{ channel: '/meta/disconnect', clientId: this.clientId }]).catch(() => undefined);
    }
    await this.#polling?.catch(() => undefined);
  }

  #deliver(message: BayeuxMessage): void {
    for (const waiter of this.#waiters) {
      if (waiter.predicate(message)) {
        this.#waiters.delete(waiter);
        waiter.resolve(message);
        return;
      }
    }
    this.#queue.push(message);
  }
}
