/**
 * Two users in one process against one GWS host must never see each other's
 * messages, even when every CometD response re-sets session cookies. The
 * last two tests prove the trap is real: the fixture does set the cookies,
 * and the library's own long-polling transport (one cookie store per
 * process) does leak one user's session into another's requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CometD, type Message } from '../../../src/upstream/cometd/adapter.js';
import { BayeuxAgents } from '../../../src/upstream/cometd/index.js';
import { BayeuxFixture } from './bayeux-fixture.js';
import { jarFor, SessionPool, sessionIdIn, waitFor } from './helpers.js';

const fixtures: BayeuxFixture[] = [];
const pool = new SessionPool();
const rawClients: CometD[] = [];
const sharedAgents: BayeuxAgents[] = [];

afterEach(async () => {
  await pool.disposeAll();
  await Promise.all(
    rawClients.splice(0).map((client) => new Promise<void>((resolve) => {
      if (client.isDisconnected()) return resolve();
      const timer = setTimeout(resolve, 1_000);
      client.disconnect(() => {
        clearTimeout(timer);
        resolve();
      });
    })),
  );
  for (const agents of sharedAgents.splice(0)) agents.destroy();
  await Promise.all(fixtures.splice(0).map((f) => f.close()));
});

async function fixture(): Promise<BayeuxFixture> {
  const started = await BayeuxFixture.start({ cookieTraps: true });
  fixtures.push(started);
  return started;
}

describe('isolation between users', () => {
  it('never delivers one user\'s messages to another, with the cookie traps on', async () => {
    const server = await fixture();
    const users = ['alice', 'bob', 'carol'] as const;
    const sessions = await Promise.all(
      users.map(async (user) => {
        const { jar, sessionId } = await jarFor(server, user);
        const recorded = pool.create({ url: server.url, cookieJar: jar, channels: ['/v2/me/outbound', '/me/internal'] });
        return { user, jar, sessionId, recorded };
      }),
    );
    // Started one after the other, so each handshake follows responses that
    // set other users' cookies.
    for (const { recorded } of sessions) await recorded.session.start();

    const rounds = 5;
    for (let round = 0; round < rounds; round += 1) {
      for (const user of users) {
        server.publish(user, '/v2/me/outbound', { for: user, round });
        server.publish(user, '/me/internal', { for: user, round });
      }
    }
    for (const { recorded } of sessions) {
      await waitFor(() => recorded.messages.length === 2 * rounds, 3_000, 'every message');
    }
    for (const { user, jar, sessionId, recorded } of sessions) {
      expect(recorded.messages.every(({ data }) => (data as { for: string }).for === user)).toBe(true);
      // Responses to other users set other JSESSIONIDs; this jar kept its own.
      expect(await sessionIdIn(jar, server)).toBe(sessionId);
    }
    // Every request of one Bayeux client came from one and the same user.
    const usersByClient = new Map<string, Set<string | undefined>>();
    for (const { clientId, user } of server.received) {
      if (clientId === undefined) continue;
      usersByClient.set(clientId, (usersByClient.get(clientId) ?? new Set()).add(user));
    }
    expect(usersByClient.size).toBe(users.length);
    for (const owners of usersByClient.values()) expect(owners.size).toBe(1);
    // The server attributed each subscription to the user who sent it.
    const subscribers = server.receivedOn('/meta/subscribe').map((m) => m.user);
    expect(subscribers.sort()).toEqual(['alice', 'alice', 'bob', 'bob', 'carol', 'carol']);
  });

  it('with one keep-alive pool shared by every session (as the gateway runs them), sockets go from user to user and cookies never do', async () => {
    const server = await fixture();
    const agents = new BayeuxAgents();
    sharedAgents.push(agents);
    // Which users' sessions each client socket (by its port) carried.
    const sessionsBySocket = new Map<number, Set<string | undefined>>();
    server.onRequest = (request) => {
      const port = request.socket.remotePort ?? -1;
      const cookie = /JSESSIONID=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
      sessionsBySocket.set(port, (sessionsBySocket.get(port) ?? new Set()).add(cookie));
    };
    const users = ['alice', 'bob', 'carol'] as const;
    const sessions = await Promise.all(
      users.map(async (user) => {
        const { jar, sessionId } = await jarFor(server, user);
        const recorded = pool.create({ url: server.url, cookieJar: jar, channels: ['/v2/me/outbound'], agents });
        return { user, jar, sessionId, recorded };
      }),
    );
    for (const { recorded } of sessions) await recorded.session.start();
    for (const user of users) server.publish(user, '/v2/me/outbound', { for: user });
    for (const { user, jar, sessionId, recorded } of sessions) {
      await waitFor(() => recorded.messages.length === 1, 3_000, `the message of ${user}`);
      expect(recorded.messages).toEqual([{ channel: '/v2/me/outbound', data: { for: user } }]);
      expect(await sessionIdIn(jar, server)).toBe(sessionId);
    }
    // The pool was shared: some socket carried requests of two users.
    expect([...sessionsBySocket.values()].some((ids) => ids.size > 1)).toBe(true);
    // Yet every Bayeux client was one user's, and each subscription went to the user who sent it.
    const usersByClient = new Map<string, Set<string | undefined>>();
    for (const { clientId, user } of server.received) {
      if (clientId !== undefined) usersByClient.set(clientId, (usersByClient.get(clientId) ?? new Set()).add(user));
    }
    expect(usersByClient.size).toBe(users.length);
    for (const owners of usersByClient.values()) expect(owners.size).toBe(1);
    expect(server.receivedOn('/meta/subscribe').map((m) => m.user).sort()).toEqual(['alice', 'bob', 'carol']);
    // Disposing a session leaves the shared pool usable for the others.
    await sessions[0]!.recorded.session.dispose();
    server.publish('bob', '/v2/me/outbound', { for: 'bob', again: true });
    await waitFor(() => sessions[1]!.recorded.messages.length === 2, 3_000, 'bob\'s second message');
  });

  it('the fixture sets JSESSIONID, BAYEUX_BROWSER and AWSELB on CometD responses', async () => {
    const server = await fixture();
    const sessionId = server.createSession('alice');
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `JSESSIONID=${sessionId}` },
      body: JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]),
    });
    const body = (await response.json()) as Message[];
    expect(body[0]?.successful).toBe(true);
    const names = response.headers.getSetCookie().map((cookie) => cookie.split('=')[0]);
    expect(names).toEqual(['JSESSIONID', 'BAYEUX_BROWSER', 'AWSELB']);
    expect(response.headers.getSetCookie()[0]).toContain(`JSESSIONID=${sessionId}`);
  });

  it('the library\'s default transport, with its process-wide cookie store, does leak', async () => {
    const server = await fixture();
    const received = { alice: [] as unknown[], bob: [] as unknown[] };
    for (const user of ['alice', 'bob'] as const) {
      const client = new CometD(`default-${user}`);
      rawClients.push(client);
      client.unregisterTransport('websocket');
      client.configure({
        url: server.url,
        // The documented way to send a cookie; the shared store's cookies go first.
        requestHeaders: { Cookie: `JSESSIONID=${server.createSession(user)}` },
        logLevel: 'warn',
      });
      await new Promise<void>((resolve, reject) => {
        client.handshake((reply) => {
          if (reply.successful !== true) return reject(new Error(`handshake of ${user} failed`));
          client.subscribe('/v2/me/outbound', (message) => received[user].push(message.data), () => resolve());
        });
      });
    }

    server.publish('alice', '/v2/me/outbound', { for: 'alice' });
    await waitFor(() => received.alice.length === 1 && received.bob.length === 1, 3_000, 'the leak');
    // Bob's requests carried alice's JSESSIONID (set on a response to alice),
    // so the server subscribed bob as alice.
    expect(received.bob).toEqual([{ for: 'alice' }]);
    expect(server.receivedOn('/meta/subscribe').map((m) => m.user)).toEqual(['alice', 'alice']);
  });
});
