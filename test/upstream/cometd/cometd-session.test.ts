import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { BayeuxFixture, type RefusalMode } from './bayeux-fixture.js';
import { activeHandles, jarFor, SessionPool, waitFor } from './helpers.js';

const CHANNELS = ['/v2/me/outbound', '/me/internal'] as const;

// Shaped like the seeds' CometD samples (CancelRecord acknowledgement and its user event).
const ACK = {
  messageType: 'OutboundRecordMessage',
  notificationType: 'RecordCancelAcknowledge',
  referenceId: '123456789',
  record: { callingList: 'CallingList1', campaignName: 'Campaign1', applicationId: 134 },
};
const USER_EVENT = {
  messageType: 'DeviceUserEventMessage',
  userData: { GSW_USER_EVENT: 'RecordCancelAcknowledge', GSW_RECORD_HANDLE: 11, GSW_CAMPAIGN_NAME: 'Campaign1' },
};

const fixtures: BayeuxFixture[] = [];
const pool = new SessionPool();

async function fixture(options?: Parameters<typeof BayeuxFixture.start>[0]): Promise<BayeuxFixture> {
  const started = await BayeuxFixture.start(options);
  fixtures.push(started);
  return started;
}

afterEach(async () => {
  await pool.disposeAll();
  await Promise.all(fixtures.splice(0).map((f) => f.close()));
});

describe('CometdSession', () => {
  it('delivers messages published to the user, with their channel and data', async () => {
    const server = await fixture();
    const { jar } = await jarFor(server, 'alice');
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS });

    await alice.session.start();
    expect(alice.session.state).toBe('connected');
    // Both subscriptions went out in one request, after the handshake.
    expect(server.receivedOn('/meta/subscribe').map((m) => m.user)).toEqual(['alice', 'alice']);

    server.publish('alice', '/v2/me/outbound', ACK);
    server.publish('alice', '/me/internal', USER_EVENT);
    await waitFor(() => alice.messages.length === 2, 3_000, 'two messages');
    expect(alice.messages).toEqual([
      { channel: '/v2/me/outbound', data: ACK },
      { channel: '/me/internal', data: USER_EVENT },
    ]);
    expect(alice.states.map((s) => s.state)).toEqual(['connected']);
  });

  it('sends the headers of the options with every request, and cookies from the jar only', async () => {
    const server = await fixture();
    const { jar, sessionId } = await jarFor(server, 'alice');
    const seen: { authorization?: string; cookie?: string }[] = [];
    const headers = vi.fn(() => ({ Authorization: 'Basic YWxpY2U6c2VjcmV0', Cookie: 'JSESSIONID=forged' }));
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS, headers });
    server.onRequest = (request) => seen.push({ authorization: request.headers.authorization, cookie: request.headers.cookie });

    await alice.session.start();
    // The next long poll may have asked for its headers and not reached the server yet: let it arrive.
    await waitFor(() => seen.length >= headers.mock.calls.length, 2_000, 'every request that asked for headers arrived');
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(headers).toHaveBeenCalledTimes(seen.length);
    for (const request of seen) {
      expect(request.authorization).toBe('Basic YWxpY2U6c2VjcmV0');
      expect(request.cookie).toContain(`JSESSIONID=${sessionId}`);
      expect(request.cookie).not.toContain('forged');
    }
  });

  it('never logs cookies or headers, even at trace level', async () => {
    const server = await fixture();
    let output = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: 'trace', stream });
    const { jar } = await jarFor(server); // refused first, then re-authenticated
    let sessionId = '';
    const reauthenticate = async (): Promise<boolean> => {
      sessionId = server.createSession('alice');
      await jar.setCookie(`JSESSIONID=${sessionId}; Path=/`, server.origin);
      return true;
    };
    const headers = () => ({ Authorization: 'Basic c2VjcmV0LXRva2Vu', 'X-CSRF-TOKEN': 'csrf-secret-value' });
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS, headers, reauthenticate, logger });
    await alice.session.start();
    server.destroyClientsOf('alice');
    await waitFor(() => alice.states.length >= 3, 3_000, 'a re-handshake');
    await alice.session.dispose();

    expect(output).toContain('CometD session state');
    for (const secret of [sessionId, 'c2VjcmV0LXRva2Vu', 'csrf-secret-value', 'JSESSIONID', 'AWSELB', 'BAYEUX_BROWSER']) {
      expect(output).not.toContain(secret);
    }
  });

  it('puts logFields, its component and its name on every line it logs, with no child logger of its own', async () => {
    const server = await fixture();
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ level: 'debug', stream });
    const child = vi.spyOn(logger, 'child');
    const { jar } = await jarFor(server, 'alice');
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS, logger, logFields: { user: 'key-of-alice' } });
    await alice.session.start();
    await alice.session.dispose();

    expect(lines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['CometD session starting', 'CometD session state', 'CometD session closed']));
    for (const line of lines) {
      expect(line).toMatchObject({ user: 'key-of-alice', component: 'cometd-session', session: expect.stringMatching(/^gws-cometd-\d+$/) });
    }
    expect(child).not.toHaveBeenCalled();
  });

  it('sends a refused subscription again, and is connected only once every channel is subscribed', async () => {
    const server = await fixture();
    const { jar } = await jarFor(server, 'alice');
    server.failNextSubscribe.add('/me/internal');
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS });

    await alice.session.start();
    expect(server.receivedOn('/meta/subscribe')).toHaveLength(3);
    expect(server.receivedOn('/meta/handshake')).toHaveLength(1);
    expect(alice.states.map((s) => s.state)).toEqual(['connected']);
    server.publish('alice', '/me/internal', USER_EVENT);
    await waitFor(() => alice.messages.length === 1, 3_000, 'a message on the re-subscribed channel');
  });

  it('re-handshakes and re-subscribes after the server destroys its client', async () => {
    const server = await fixture();
    const { jar } = await jarFor(server, 'alice');
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS });
    await alice.session.start();

    expect(server.destroyClientsOf('alice')).toBe(1);
    await waitFor(() => server.receivedOn('/meta/handshake').length === 2, 3_000, 'a second handshake');
    await waitFor(() => alice.session.state === 'connected' && alice.states.length >= 3, 3_000, 'connected again');
    expect(alice.states.map((s) => s.state)).toEqual(['connected', 'reconnecting', 'connected']);
    expect(server.receivedOn('/meta/subscribe')).toHaveLength(4);

    server.publish('alice', '/v2/me/outbound', ACK);
    await waitFor(() => alice.messages.length === 1, 3_000, 'a message after re-handshake');
    expect(alice.messages[0]).toEqual({ channel: '/v2/me/outbound', data: ACK });
  });

  describe.each<RefusalMode>(['bayeux', 'http'])('handshake refused (%s)', (refusal) => {
    it('calls reauthenticate once, and connects with the session it puts into the jar', async () => {
      const server = await fixture({ refusal });
      const { jar } = await jarFor(server); // no session yet
      const reauthenticate = vi.fn(async () => {
        await jar.setCookie(`JSESSIONID=${server.createSession('alice')}; Path=/`, server.origin);
        return true;
      });
      const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS, reauthenticate });

      await alice.session.start();
      expect(reauthenticate).toHaveBeenCalledTimes(1);
      expect(alice.session.state).toBe('connected');
      server.publish('alice', '/v2/me/outbound', ACK);
      await waitFor(() => alice.messages.length === 1, 3_000, 'a message');
    });

    it('goes unauthenticated and stops when reauthenticate gives up', async () => {
      const server = await fixture({ refusal });
      const { jar } = await jarFor(server);
      const reauthenticate = vi.fn(async () => false);
      const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS, reauthenticate });

      await expect(alice.session.start()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(alice.session.state).toBe('unauthenticated');
      expect(alice.states.at(-1)?.error?.message).toMatch(/refused/);
      expect(reauthenticate).toHaveBeenCalledTimes(1);

      const requests = server.httpRequests;
      await sleep(300); // many backoff periods (20-100 ms)
      expect(server.httpRequests).toBe(requests);
    });

    it('calls reauthenticate at most once per streak of refusals', async () => {
      const server = await fixture({ refusal });
      const { jar } = await jarFor(server);
      // Claims success but leaves the jar without a session.
      const reauthenticate = vi.fn(async () => true);
      const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS, reauthenticate });

      await expect(alice.session.start()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(reauthenticate).toHaveBeenCalledTimes(1);
      expect(server.httpRequests).toBe(2);
    });

    it('gives up at once without a reauthenticate option, and when it rejects', async () => {
      const server = await fixture({ refusal });
      const without = pool.create({ url: server.url, cookieJar: (await jarFor(server)).jar, channels: CHANNELS });
      await expect(without.session.start()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

      const reauthenticate = vi.fn(async () => {
        throw new Error('GWS down');
      });
      const failing = pool.create({ url: server.url, cookieJar: (await jarFor(server)).jar, channels: CHANNELS, reauthenticate });
      await expect(failing.session.start()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(failing.session.state).toBe('unauthenticated');
    });
  });

  it('reads the jar through a function, for owners that replace the jar on a new session', async () => {
    const server = await fixture();
    const holder = { jar: (await jarFor(server)).jar };
    const reauthenticate = vi.fn(async () => {
      holder.jar = (await jarFor(server, 'alice')).jar; // as GwsSession.reset() does
      return true;
    });
    const alice = pool.create({ url: server.url, cookieJar: () => holder.jar, channels: CHANNELS, reauthenticate });

    await alice.session.start();
    expect(reauthenticate).toHaveBeenCalledTimes(1);
    expect(alice.session.state).toBe('connected');
  });

  it('re-authenticates again after a handshake that failed for another reason ended the streak', async () => {
    const server = await fixture();
    const { jar } = await jarFor(server);
    const reauthenticate = vi.fn(async () => {
      if (reauthenticate.mock.calls.length === 1) {
        // GWS went down meanwhile: the retried handshake meets a refused connection.
        await server.stop();
        setTimeout(() => void server.restart(), 100);
      } else {
        await jar.setCookie(`JSESSIONID=${server.createSession('alice')}; Path=/`, server.origin);
      }
      return true;
    });
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS, reauthenticate });

    await alice.session.start();
    expect(reauthenticate).toHaveBeenCalledTimes(2);
    expect(alice.states.map((s) => s.state)).toEqual(['reconnecting', 'connected']);
  });

  it('re-authenticates when GWS drops the HTTP session under a live CometD client', async () => {
    const server = await fixture({ refusal: 'http' });
    const { jar, sessionId } = await jarFor(server, 'alice');
    const reauthenticate = vi.fn(async () => {
      await jar.setCookie(`JSESSIONID=${server.createSession('alice')}; Path=/`, server.origin);
      return true;
    });
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS, reauthenticate });
    await alice.session.start();

    server.invalidateSession(sessionId!);
    server.destroyClientsOf('alice'); // answers the held /meta/connect; the next one meets HTTP 401
    await waitFor(() => reauthenticate.mock.calls.length === 1, 3_000, 'reauthenticate');
    await waitFor(() => alice.session.state === 'connected' && alice.states.length >= 3, 3_000, 'connected again');
    server.publish('alice', '/v2/me/outbound', ACK);
    await waitFor(() => alice.messages.length === 1, 3_000, 'a message');
  });

  it('reconnects when the server comes back on the same port', async () => {
    const server = await fixture();
    const { jar } = await jarFor(server, 'alice');
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS });
    await alice.session.start();

    await server.stop();
    await waitFor(() => alice.session.state === 'reconnecting', 3_000, 'reconnecting');
    expect(alice.states.at(-1)?.error?.message).toMatch(/connect failed/);
    await sleep(200); // several refused attempts
    expect(alice.session.state).toBe('reconnecting');

    await server.restart();
    await waitFor(() => alice.session.state === 'connected', 3_000, 'connected again');
    server.publish('alice', '/v2/me/outbound', ACK);
    await waitFor(() => alice.messages.length === 1, 3_000, 'a message after the outage');
  });

  it('keeps trying while the server is down at start, then resolves start()', async () => {
    const server = await fixture();
    const { jar } = await jarFor(server, 'alice');
    await server.stop();
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS });
    let started = false;
    const starting = alice.session.start().then(() => (started = true));

    await waitFor(() => alice.session.state === 'reconnecting', 3_000, 'reconnecting');
    await sleep(150);
    expect(started).toBe(false);
    await server.restart();
    await starting;
    expect(alice.session.state).toBe('connected');
  });

  it('dispose() disconnects from the server and leaves no timer or socket behind', async () => {
    const server = await fixture();
    const { jar } = await jarFor(server, 'alice');
    // Sockets of earlier tests close asynchronously; start from none.
    await waitFor(() => activeHandles().sockets === 0, 2_000, 'earlier sockets to close');
    const before = activeHandles();
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS });
    await alice.session.start();
    expect(activeHandles().sockets).toBeGreaterThan(0);

    const disposing = alice.session.dispose();
    expect(alice.session.dispose()).toBe(disposing);
    await disposing;
    expect(alice.session.state).toBe('closed');
    expect(activeHandles().timers).toBeLessThanOrEqual(before.timers);
    expect(server.receivedOn('/meta/disconnect').map((m) => m.user)).toEqual(['alice']);

    await waitFor(() => {
      const after = activeHandles();
      return after.timers <= before.timers && after.sockets === 0;
    }, 2_000, 'timers and sockets to be released');
    const requests = server.httpRequests;
    await sleep(150);
    expect(server.httpRequests).toBe(requests);
  });

  it('dispose() while retrying against a dead server returns promptly and leaves nothing', async () => {
    const server = await fixture();
    const { jar } = await jarFor(server, 'alice');
    await server.stop();
    await waitFor(() => activeHandles().sockets === 0, 2_000, 'earlier sockets to close');
    const before = activeHandles();
    const alice = pool.create({ url: server.url, cookieJar: jar, channels: CHANNELS, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    const starting = alice.session.start();
    await waitFor(() => alice.session.state === 'reconnecting', 3_000, 'reconnecting');

    const began = Date.now();
    await alice.session.dispose();
    expect(Date.now() - began).toBeLessThan(500);
    // The client's scheduled retry is cancelled, not left to fire later.
    expect(activeHandles().timers).toBeLessThanOrEqual(before.timers);
    await expect(starting).rejects.toMatchObject({ code: 'CLOSED' });
    await waitFor(() => {
      const after = activeHandles();
      return after.timers <= before.timers && after.sockets === 0;
    }, 2_000, 'timers and sockets to be released');
  });
});
