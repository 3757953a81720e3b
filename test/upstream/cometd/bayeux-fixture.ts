/**
 * A real Bayeux server for the CometD session tests: faye 1.4 on a Node HTTP
 * server at 127.0.0.1:<random port>, mounted where GWS serves CometD, with
 * just enough GWS behaviour to test what breaks in production:
 *
 * - the user of a request is the HTTP session named by its JSESSIONID cookie
 *   (the FIRST JSESSIONID in the Cookie header, as a servlet container reads it);
 * - a handshake without a known session is refused, by a Bayeux error
 *   ('401::Authentication required') or, in 'http' mode, every request
 *   without a known session gets HTTP 401 (a security filter in front of CometD);
 * - `/v2/me/...` and `/me/...` subscriptions are routed per user: rewritten to
 *   `/users/<user>/...` on the way in and back on the way out (copies, never
 *   mutations of faye's messages);
 * - with the cookie traps on, every CometD response sets cookies the way
 *   CometD-Java behind a load balancer does (`JSESSIONID` of that request,
 *   `BAYEUX_BROWSER`, `AWSELB`): a process-wide cookie store then carries one
 *   user's session into another user's requests.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

/** A Bayeux message as faye passes it through extensions. */
interface BayeuxMessage {
  channel: string;
  clientId?: string;
  subscription?: string | string[];
  successful?: boolean;
  error?: string;
  data?: unknown;
  [key: string]: unknown;
}

type Pipe = (message: BayeuxMessage | null) => void;

interface ServerExtension {
  incoming(message: BayeuxMessage, request: IncomingMessage | null, callback: Pipe): void;
  outgoing(message: BayeuxMessage, request: IncomingMessage | null, callback: Pipe): void;
}

/** The part of faye's NodeAdapter this fixture uses (faye ships no types). */
interface NodeAdapter {
  addExtension(extension: ServerExtension): void;
  check(request: IncomingMessage): boolean;
  handle(request: IncomingMessage, response: ServerResponse): void;
  close(): void;
}

/** faye keeps server-side publish and client destruction on its engine only. */
interface FayeEngine {
  publish(message: { channel: string; data: unknown }): void;
  destroyClient(clientId: string): void;
}

interface FayeModule {
  NodeAdapter: new (options: { mount: string; timeout: number }) => NodeAdapter;
}

// faye is CommonJS without types; load it as such and describe it locally.
const faye = createRequire(import.meta.url)('faye') as FayeModule;

export const MOUNT = '/api/v2/notifications';

/** How a handshake without a known session is refused. */
export type RefusalMode = 'bayeux' | 'http';

export interface BayeuxFixtureOptions {
  /** @default 'bayeux' */
  refusal?: RefusalMode;
  /** Set JSESSIONID, BAYEUX_BROWSER and AWSELB on every CometD response. @default true */
  cookieTraps?: boolean;
  /** Long-poll hold, in seconds (faye's `timeout`). @default 5 */
  timeoutSeconds?: number;
}

/** One Bayeux message the server received, with the user of its HTTP request. */
export interface ReceivedMessage {
  channel: string;
  user: string | undefined;
  clientId: string | undefined;
}

/** The fixture server; create with {@link BayeuxFixture.start}. */
export class BayeuxFixture {
  /** Every meta message received from a remote client, in order. */
  readonly received: ReceivedMessage[] = [];
  /** HTTP requests that reached the CometD endpoint. */
  httpRequests = 0;
  /** Channels whose next subscription is answered with a server error (then cleared). */
  readonly failNextSubscribe = new Set<string>();
  /** Sees every HTTP request to the CometD endpoint first. */
  onRequest: ((request: IncomingMessage) => void) | undefined;

  readonly #options: Required<BayeuxFixtureOptions>;
  readonly #sessions = new Map<string, string>();
  readonly #clientUsers = new Map<string, string>();
  readonly #adapter: NodeAdapter;
  readonly #engine: FayeEngine;
  #server: Server | undefined;
  #port = 0;

  private constructor(options: BayeuxFixtureOptions) {
    this.#options = { refusal: 'bayeux', cookieTraps: true, timeoutSeconds: 5, ...options };
    this.#adapter = new faye.NodeAdapter({ mount: MOUNT, timeout: this.#options.timeoutSeconds });
    this.#adapter.addExtension(this.#extension());
    const engine = (this.#adapter as unknown as { _server?: { _engine?: Partial<FayeEngine> } })._server?._engine;
    if (typeof engine?.publish !== 'function' || typeof engine.destroyClient !== 'function') {
      throw new Error('faye internals changed: NodeAdapter._server._engine.publish/destroyClient not found');
    }
    this.#engine = engine as FayeEngine;
  }

  /** Starts a fixture on 127.0.0.1 and a free port. */
  static async start(options: BayeuxFixtureOptions = {}): Promise<BayeuxFixture> {
    const fixture = new BayeuxFixture(options);
    await fixture.#listen(0);
    return fixture;
  }

  /** http://127.0.0.1:<port> */
  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The Bayeux endpoint URL. */
  get url(): string {
    return `${this.origin}${MOUNT}`;
  }

  /** Opens an HTTP session for a user; returns its JSESSIONID. */
  createSession(user: string): string {
    const id = `${user}-${randomBytes(8).toString('hex')}`;
    this.#sessions.set(id, user);
    return id;
  }

  /** Forgets an HTTP session, as GWS does on logout or expiry. */
  invalidateSession(id: string): void {
    this.#sessions.delete(id);
  }

  /** Publishes to one user's channel (e.g. '/v2/me/outbound'). */
  publish(user: string, channel: string, data: unknown): void {
    this.#engine.publish({ channel: userChannel(user, channel), data });
  }

  /** Destroys every faye client a user has handshaken, as a server losing its state does. */
  destroyClientsOf(user: string): number {
    let destroyed = 0;
    for (const [clientId, owner] of this.#clientUsers) {
      if (owner !== user) continue;
      this.#engine.destroyClient(clientId);
      this.#clientUsers.delete(clientId);
      destroyed += 1;
    }
    return destroyed;
  }

  /** Received messages on one channel. */
  receivedOn(channel: string): ReceivedMessage[] {
    return this.received.filter((message) => message.channel === channel);
  }

  /** Closes the port (connection refused from now on); the Bayeux state stays. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Listens again on the same port after {@link stop}. */
  async restart(): Promise<void> {
    await this.#listen(this.#port);
  }

  /** Stops and drops every Bayeux client and its timers. */
  async close(): Promise<void> {
    await this.stop();
    this.#adapter.close();
  }

  async #listen(port: number): Promise<void> {
    const server = createServer((request, response) => this.#handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    if (!this.#adapter.check(request)) {
      response.writeHead(404).end();
      return;
    }
    this.httpRequests += 1;
    this.onRequest?.(request);
    const session = firstSessionId(request);
    const known = session !== undefined && this.#sessions.has(session);
    if (this.#options.refusal === 'http' && !known) {
      response.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
      return;
    }
    if (this.#options.cookieTraps) {
      const cookies = [`BAYEUX_BROWSER=${randomBytes(6).toString('hex')}; Path=/`, `AWSELB=${known ? session : 'none'}-lb; Path=/`];
      if (known) cookies.unshift(`JSESSIONID=${session}; Path=/; HttpOnly`);
      response.setHeader('Set-Cookie', cookies);
    }
    this.#adapter.handle(request, response);
  }

  #userOf(request: IncomingMessage | null): string | undefined {
    const session = request ? firstSessionId(request) : undefined;
    return session === undefined ? undefined : this.#sessions.get(session);
  }

  #extension(): ServerExtension {
    return {
      incoming: (message, request, callback) => {
        // faye's own server-side traffic has no HTTP request: let it through.
        if (request === null) return callback(message);
        const user = this.#userOf(request);
        if (message.channel.startsWith('/meta/')) {
          this.received.push({ channel: message.channel, user, clientId: message.clientId });
        }
        if (message.channel === '/meta/handshake' && user === undefined) {
          return callback({ ...message, error: '401::Authentication required' });
        }
        if (message.channel === '/meta/subscribe') {
          if (user === undefined) return callback({ ...message, error: '403::Forbidden' });
          const requested = [message.subscription ?? []].flat();
          if (requested.some((channel) => this.failNextSubscribe.delete(channel))) {
            return callback({ ...message, error: '500::Subscription failed, try again' });
          }
          const subscription = requested.map((channel) => userChannel(user, channel));
          return callback({ ...message, subscription: subscription.length === 1 ? subscription[0] : subscription });
        }
        return callback(message);
      },
      outgoing: (message, request, callback) => {
        if (message.channel === '/meta/handshake' && message.successful === true && message.clientId) {
          const user = this.#userOf(request);
          if (user !== undefined) this.#clientUsers.set(message.clientId, user);
        }
        if (message.channel === '/meta/subscribe' && message.subscription !== undefined) {
          const subscription = [message.subscription].flat().map(publicChannel);
          return callback({ ...message, subscription: subscription.length === 1 ? subscription[0] : subscription });
        }
        if (message.channel.startsWith('/users/')) {
          return callback({ ...message, channel: publicChannel(message.channel) });
        }
        return callback(message);
      },
    };
  }
}

/** The per-user channel behind a user's `/v2/me/...` or `/me/...` channel. */
function userChannel(user: string, channel: string): string {
  return /^\/(v2\/)?me\//.test(channel) ? `/users/${user}${channel}` : channel;
}

/** The channel the user knows, for a per-user channel. */
function publicChannel(channel: string): string {
  const match = /^\/users\/[^/]+(\/.*)$/.exec(channel);
  return match?.[1] ?? channel;
}

/** The first JSESSIONID of the Cookie header: what the server treats as the session. */
function firstSessionId(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'JSESSIONID') return value.join('=');
  }
  return undefined;
}
