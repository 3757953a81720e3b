/** The CometD endpoint: session-bound handshake, per-user routing, cookie traps, dropped sessions. */
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type GwsSimulator } from '../../src/simulator/index.js';
import { RawBayeuxClient } from './support/bayeux-client.js';
import { subscribedAgent, type SubscribedAgent } from './support/fixture.js';
import { agentClient } from './support/gws-client.js';

let sim: GwsSimulator;
const open: RawBayeuxClient[] = [];
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.disconnect()));
  sim.forgetHttpSessions();
});

async function agent(username: 'agent1' | 'agent2' | 'agent3'): Promise<SubscribedAgent> {
  const a = await subscribedAgent(sim, username, `${username}pass`);
  open.push(a.bayeux);
  return a;
}
function raw(cookies: ConstructorParameters<typeof RawBayeuxClient>[1]): RawBayeuxClient {
  const client = new RawBayeuxClient(sim.url, cookies);
  open.push(client);
  return client;
}

describe('handshake', () => {
  it('is refused without a session: HTTP 401, Bayeux error 403::Unauthorized, advice handshake', async () => {
    const exchange = await raw({}).handshake();
    expect(exchange.status).toBe(401);
    expect(exchange.replies).toEqual([
      expect.objectContaining({
        channel: '/meta/handshake',
        successful: false,
        error: '403::Unauthorized',
        advice: { reconnect: 'handshake' },
      }),
    ]);
    expect(exchange.replies[0]).not.toHaveProperty('clientId');
    expect(sim.bayeuxClientCount()).toBe(0);
  });

  it('is refused with a session the server forgot, and with Basic credentials alone', async () => {
    const rest = agentClient(sim.url, 'agent1', 'agent1pass');
    await rest.bootstrap();
    sim.forgetHttpSessions();
    expect((await raw({ jar: rest.jar }).handshake()).status).toBe(401);
    const basic = `Basic ${Buffer.from('agent1:agent1pass').toString('base64')}`;
    const client = raw({});
    const exchange = await client.send([
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], authorization: basic },
    ]);
    expect(exchange.replies[0]?.error).toBe('403::Unauthorized');
  });

  it('succeeds with the session cookie and counts the client for its user', async () => {
    await agent('agent1');
    expect(sim.bayeuxClientCount('agent1')).toBe(1);
    expect(sim.bayeuxClientCount('agent2')).toBe(0);
    expect(sim.bayeuxClientCount()).toBe(1);
  });

  it('refuses WebSocket upgrades (GWS 8.5 is long-polling only)', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(sim.url).port), '127.0.0.1', () => {
        socket.write(
          'GET /api/v2/notifications HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
      });
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1.1 400 /);
  });
});

describe('cookie traps', () => {
  it('re-sets JSESSIONID and sets BAYEUX_BROWSER and AWSELB on every CometD response', async () => {
    const rest = agentClient(sim.url, 'agent1', 'agent1pass');
    await rest.bootstrap();
    const session = await rest.sessionId();
    const client = raw({ header: `JSESSIONID=${session!}` });
    const handshake = await client.handshake();
    expect(handshake.setCookie).toEqual([
      `JSESSIONID=${session!}; Path=/`,
      expect.stringMatching(/^BAYEUX_BROWSER=[0-9a-f]+; Path=\/$/),
      expect.stringMatching(/^AWSELB=[0-9a-f]+; Path=\/$/),
    ]);
    const connect = await client.connect(0);
    expect(connect.setCookie[0]).toBe(`JSESSIONID=${session!}; Path=/`);
    expect(connect.setCookie).toHaveLength(3);
  });

  it('keeps BAYEUX_BROWSER and AWSELB values the client sends back', async () => {
    const rest = agentClient(sim.url, 'agent1', 'agent1pass');
    await rest.bootstrap();
    const client = raw({ jar: rest.jar });
    const first = await client.handshake();
    const second = await client.connect(0);
    expect(second.setCookie.slice(1)).toEqual(first.setCookie.slice(1));
  });

  it('picks the first live JSESSIONID, so a shared cookie store hands agent2 agent1’s events', async () => {
    const a1 = agentClient(sim.url, 'agent1', 'agent1pass');
    const a2 = agentClient(sim.url, 'agent2', 'agent2pass');
    await Promise.all([a1.bootstrap(), a2.bootstrap()]);
    // What a per-host cookie store sends for agent2: its stored (agent1) cookie first, agent2's own after.
    const leaky = raw({ header: `JSESSIONID=${(await a1.sessionId())!}; JSESSIONID=${(await a2.sessionId())!}` });
    await leaky.handshake();
    expect(sim.bayeuxClientCount('agent1')).toBe(1);
    expect((await leaky.subscribe('/v2/me/*')).successful).toBe(true);
    void leaky.poll();
    sim.publish('agent1', '/v2/me/outbound', { for: 'agent1' });
    expect((await leaky.next()).data).toEqual({ for: 'agent1' });
  });

  it('sets no cookies when cookieTraps is off', async () => {
    const quiet = await startSimulator({ cookieTraps: false });
    try {
      const rest = agentClient(quiet.url, 'agent1', 'agent1pass');
      await rest.bootstrap();
      const client = new RawBayeuxClient(quiet.url, { jar: rest.jar });
      expect((await client.handshake()).setCookie).toEqual([]);
      await client.disconnect();
    } finally {
      await quiet.close();
    }
  });
});

describe('per-user routing', () => {
  it('delivers publish() to that user only, under the GWS channel names', async () => {
    const [a1, a2] = [await agent('agent1'), await agent('agent2')];
    sim.publish('agent1', '/v2/me/devices', { n: 1 });
    sim.publish('agent2', '/me/internal', { n: 2 });
    expect(await a1.bayeux.next()).toStrictEqual({ channel: '/v2/me/devices', data: { n: 1 } });
    expect(await a2.bayeux.next()).toStrictEqual({ channel: '/me/internal', data: { n: 2 } });
    expect(a1.bayeux.pending()).toEqual([]);
    expect(a2.bayeux.pending()).toEqual([]);
  });

  it('echoes the GWS channel names in the subscribe reply', async () => {
    const a1 = await agent('agent1');
    expect(await a1.bayeux.subscribe('/v2/me/calls')).toMatchObject({ successful: true, subscription: '/v2/me/calls' });
  });

  it.each(['/sim-user/6167656e7431/v2/me/outbound', '/sim-user/**', '/**', '/*', '/public/news'])(
    'refuses a subscription to %s',
    async (channel) => {
      const a1 = await agent('agent1');
      expect(await a1.bayeux.subscribe(channel)).toMatchObject({
        successful: false,
        error: `403:${channel}:Forbidden channel`,
      });
    },
  );

  it('refuses client publishes to /v2/** and /me/**', async () => {
    const [a1, a2] = [await agent('agent1'), await agent('agent2')];
    for (const channel of ['/v2/me/outbound', '/me/internal']) {
      const { replies } = await a2.bayeux.send([{ channel, clientId: a2.bayeux.clientId, data: { forged: true } }]);
      expect(replies[0]).toMatchObject({ successful: false, error: `403:${channel}:Forbidden channel` });
    }
    sim.publish('agent1', '/v2/me/outbound', { real: true });
    expect((await a1.bayeux.next()).data).toEqual({ real: true });
  });

  it('publish() throws for other channels and unknown users', () => {
    expect(() => sim.publish('agent1', '/other', {})).toThrow(/per-user/);
    expect(() => sim.publish('agent1', '/v2/me/*', {})).toThrow(/wildcards/);
    expect(() => sim.publish('nobody', '/v2/me/outbound', {})).toThrow(/unknown/);
  });
});

describe('sessions of Bayeux clients', () => {
  it('refuses a connect carrying another user’s session with 402::Unknown client and destroys the client', async () => {
    const a1 = await agent('agent1');
    const a2rest = agentClient(sim.url, 'agent2', 'agent2pass');
    await a2rest.bootstrap();
    const impostor = raw({ jar: a2rest.jar });
    impostor.clientId = a1.bayeux.clientId;
    const exchange = await impostor.connect(0);
    expect(exchange.status).toBe(200);
    expect(exchange.replies[0]).toMatchObject({
      channel: '/meta/connect',
      successful: false,
      error: '402::Unknown client',
      advice: { reconnect: 'handshake' },
    });
    expect(sim.bayeuxClientCount('agent1')).toBe(0);
    // agent1's own long-poll ends, and its next connect is refused the same way.
    await a1.bayeux.poll();
    expect(a1.bayeux.connectFailure?.error).toBe('402::Unknown client');
  });

  it('dropBayeuxSessions ends the held poll, answers the next connect with 402, and a re-handshake must re-subscribe', async () => {
    const [a1, a2] = [await agent('agent1'), await agent('agent2')];
    expect(sim.dropBayeuxSessions('agent1')).toBe(1);
    expect(sim.bayeuxClientCount('agent1')).toBe(0);
    expect(sim.bayeuxClientCount('agent2')).toBe(1);
    await a1.bayeux.poll();
    expect(a1.bayeux.connectFailure).toMatchObject({ successful: false, error: '402::Unknown client' });

    // Same HTTP session, new Bayeux client: no subscriptions survive.
    const handshake = await a1.bayeux.handshake();
    expect(handshake.replies[0]).toMatchObject({ successful: true });
    void a1.bayeux.poll();
    sim.publish('agent1', '/v2/me/outbound', { lost: true });
    expect((await a1.bayeux.subscribe('/v2/me/*')).successful).toBe(true);
    sim.publish('agent1', '/v2/me/outbound', { after: 'resubscribe' });
    expect((await a1.bayeux.next()).data).toEqual({ after: 'resubscribe' });

    // agent2 was not touched.
    sim.publish('agent2', '/v2/me/outbound', { still: 'here' });
    expect((await a2.bayeux.next()).data).toEqual({ still: 'here' });
  });

  it('forgetHttpSessions drops every Bayeux client, and the old cookie cannot handshake again', async () => {
    const a1 = await agent('agent1');
    await agent('agent2');
    sim.forgetHttpSessions();
    expect(sim.bayeuxClientCount()).toBe(0);
    await a1.bayeux.poll();
    expect(a1.bayeux.connectFailure?.error).toBe('402::Unknown client');
    expect((await a1.bayeux.handshake()).status).toBe(401);
  });

  it('forgets a client that disconnects', async () => {
    const a1 = await agent('agent1');
    await a1.bayeux.disconnect();
    expect(sim.bayeuxClientCount('agent1')).toBe(0);
  });
});
