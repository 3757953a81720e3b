/**
 * The simulator against the CometD JavaScript client the gateway uses
 * (cometd 9 + cometd-nodejs-client 2, long-polling): what it sees on a
 * refused handshake and on a dropped session, and proof that the cookie trap
 * really leaks between users with the client's default, per-host cookie store.
 */
import { CometD, type Message } from 'cometd';
import { adapt } from 'cometd-nodejs-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type GwsSimulator } from '../../src/simulator/index.js';
import { agentClient } from './support/gws-client.js';

adapt(); // once per process (vitest runs each file in its own fork)

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(): Promise<GwsSimulator> {
  const sim = await startSimulator();
  cleanups.push(() => sim.close());
  return sim;
}

/** A long-polling CometD client sending this Cookie header on its own requests. */
function cometd(sim: GwsSimulator, cookie?: string): CometD {
  const client = new CometD();
  client.unregisterTransport('websocket');
  client.configure({
    url: `${sim.url}/api/v2/notifications`,
    logLevel: 'warn',
    ...(cookie ? { requestHeaders: { Cookie: cookie } } : {}),
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (client.isDisconnected()) return resolve();
        client.disconnect(() => resolve());
      }),
  );
  return client;
}

async function sessionCookie(sim: GwsSimulator, username: string): Promise<string> {
  const rest = agentClient(sim.url, username, `${username}pass`);
  await rest.bootstrap();
  return `JSESSIONID=${(await rest.sessionId())!}`;
}

/** Resolves with the first message of a listener matching the predicate. */
function first(client: CometD, channel: string, predicate: (m: Message) => boolean | undefined = () => true): Promise<Message> {
  return new Promise((resolve) => {
    const handle = client.addListener(channel, (m) => {
      if (!predicate(m)) return;
      client.removeListener(handle);
      resolve(m);
    });
  });
}

/** Subscribes to /v2/me/* on every successful handshake, as GWS clients must; queues what arrives. */
function subscribeOnHandshake(client: CometD): { next(): Promise<Message> } {
  const queue: Message[] = [];
  const waiting: Array<(m: Message) => void> = [];
  client.addListener('/meta/handshake', (m) => {
    if (!m.successful) return;
    client.subscribe('/v2/me/*', (event) => {
      const waiter = waiting.shift();
      if (waiter) waiter(event);
      else queue.push(event);
    });
  });
  return {
    next: () => {
      const queued = queue.shift();
      return queued ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

describe('cometd client against the simulator', () => {
  it('sees a refused handshake as a transport failure with httpCode 401', async () => {
    const sim = await simulator();
    const client = cometd(sim);
    const failure = new Promise<Message>((resolve) => {
      client.addListener('/meta/handshake', (m) => {
        // Stop it here, before it schedules a retry: it would retry forever.
        // (cometd then warns "Could not negotiate transport": harmless.)
        client.disconnect();
        resolve(m);
      });
    });
    client.handshake();
    const message = await failure;
    expect(message.successful).toBe(false);
    expect((message as Message & { failure: { httpCode: number } }).failure.httpCode).toBe(401);
    expect(sim.bayeuxClientCount()).toBe(0);
  });

  it('re-handshakes after dropBayeuxSessions and gets events again once it re-subscribed', async () => {
    const sim = await simulator();
    const client = cometd(sim, await sessionCookie(sim, 'agent1'));
    const events = subscribeOnHandshake(client);
    let subscribed = first(client, '/meta/subscribe', (m) => m.successful);
    client.handshake();
    await subscribed;
    sim.publish('agent1', '/v2/me/outbound', { n: 1 });
    expect((await events.next()).data).toEqual({ n: 1 });

    const connectFailure = first(client, '/meta/connect', (m) => !m.successful);
    const rehandshake = first(client, '/meta/handshake', (m) => m.successful);
    subscribed = first(client, '/meta/subscribe', (m) => m.successful);
    expect(sim.dropBayeuxSessions('agent1')).toBe(1);
    expect((await connectFailure).error).toBe('402::Unknown client');
    await rehandshake;
    await subscribed;
    expect(sim.bayeuxClientCount('agent1')).toBe(1);
    sim.publish('agent1', '/v2/me/outbound', { n: 2 });
    expect((await events.next()).data).toEqual({ n: 2 });
  });

  it('trap: with the default per-host cookie store, agent2’s client ends up on agent1’s session', async () => {
    const sim = await simulator();
    const c1 = cometd(sim, await sessionCookie(sim, 'agent1'));
    const e1 = subscribeOnHandshake(c1);
    const s1 = first(c1, '/meta/subscribe', (m) => m.successful);
    c1.handshake();
    await s1;

    // agent2 sends his own cookie, but the store's JSESSIONID (agent1's, re-set by the trap) goes first.
    const c2 = cometd(sim, await sessionCookie(sim, 'agent2'));
    const e2 = subscribeOnHandshake(c2);
    const s2 = first(c2, '/meta/subscribe', (m) => m.successful);
    c2.handshake();
    await s2;
    expect(sim.bayeuxClientCount('agent1')).toBe(2);
    expect(sim.bayeuxClientCount('agent2')).toBe(0);

    sim.publish('agent1', '/v2/me/outbound', { secret: 'agent1' });
    expect((await e1.next()).data).toEqual({ secret: 'agent1' });
    expect((await e2.next()).data).toEqual({ secret: 'agent1' });
  });
});
