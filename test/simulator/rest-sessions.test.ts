/** REST side: authentication, sessions, CSRF, the read-only resources and request limits. */
import got from 'got';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_USERS, startSimulator, type GwsSimulator } from '../../src/simulator/index.js';
import { agentClient, type GwsBody } from './support/gws-client.js';
import { seedSample } from './support/seed-samples.js';

const update = seedSample('UpdateRecord');

let sim: GwsSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.forgetHttpSessions();
  sim.resetCallingList();
});

const agent1 = () => agentClient(sim.url, 'agent1', 'agent1pass');
const agent2 = () => agentClient(sim.url, 'agent2', 'agent2pass');

describe('authentication', () => {
  it('answers 401 statusCode 20 without credentials, and counts the request', async () => {
    const before = sim.requestCount;
    const res = await got.get(`${sim.url}/api/v2/me`, { throwHttpErrors: false, responseType: 'json', retry: { limit: 0 } });
    expect(res.statusCode).toBe(401);
    expect(res.body).toEqual({ statusCode: 20, statusMessage: 'Access denied' });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(sim.requestCount).toBe(before + 1);
  });

  it('answers 401 to a wrong password even with a valid session cookie', async () => {
    const client = agent1();
    await client.bootstrap();
    const res = await client.http.get('api/v2/me', { username: 'agent1', password: 'nope' });
    expect(res.statusCode).toBe(401);
    expect(res.body).toEqual({ statusCode: 20, statusMessage: 'Access denied' });
  });

  it('opens a session on the first Basic GET and returns the user', async () => {
    const client = agent1();
    const res = await client.get('/api/v2/me');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({
      statusCode: 0,
      user: { userName: 'agent1', firstName: 'Alice', lastName: 'Agent', id: expect.any(String) },
    });
    expect(res.headers['set-cookie']).toEqual([expect.stringMatching(/^JSESSIONID=[0-9A-F]{32}; Path=\/; HttpOnly$/)]);
  });

  it('accepts the session cookie alone, and keeps the same session and token', async () => {
    const client = agent1();
    const token = await client.bootstrap();
    const res = await client.get('/api/v2/me', { basic: false });
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['x-csrf-token']).toBe(token);
  });

  it("never lets agent2's credentials act through agent1's session", async () => {
    const a = agent1();
    const token = await a.bootstrap();
    const aSession = await a.sessionId();
    // agent1's jar, agent2's password.
    const asB = await a.http.get<GwsBody>('api/v2/me', { username: 'agent2', password: 'agent2pass' });
    expect(asB.body).toMatchObject({ user: { userName: 'agent2' } });
    expect(asB.headers['set-cookie']?.[0]).toMatch(/^JSESSIONID=/);
    expect(asB.headers['set-cookie']?.[0]).not.toContain(aSession!);
    expect(asB.headers['x-csrf-token']).not.toBe(token);

    // agent1's cookie and token with agent2's credentials: no session of agent2, so CSRF fails.
    const b = agent2();
    await b.jar.setCookie(`JSESSIONID=${aSession!}; Path=/`, sim.url);
    const post = await b.post(update.path, update.body, { token });
    expect(post.statusCode).toBe(403);
    expect(sim.received.at(-1)).toMatchObject({ username: 'agent2', httpStatus: 403, statusCode: 3 });
  });
});

describe('CSRF', () => {
  it('gives the header name and token on every GET', async () => {
    const client = agent1();
    const res = await client.get('/api/v2/me/devices');
    expect(res.headers['x-csrf-header']).toBe('X-CSRF-TOKEN');
    expect(res.headers['x-csrf-token']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a POST without the token (403, statusCode 3) and accepts it with the token', async () => {
    const client = agent1();
    await client.bootstrap();
    const refused = await client.post(update.path, update.body, { token: null });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toEqual({ statusCode: 3, statusMessage: 'Missing or invalid Csrf token' });
    const wrong = await client.post(update.path, update.body, { token: 'not-the-token' });
    expect(wrong.statusCode).toBe(403);
    const accepted = await client.post(update.path, update.body);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.body).toEqual({ statusCode: 0 });
    // All three reached the operations endpoint: the refusals are remembered too.
    expect(sim.received.slice(-3).map((r) => [r.httpStatus, r.statusCode])).toEqual([
      [403, 3],
      [403, 3],
      [200, 0],
    ]);
  });

  it('refuses a Basic POST without a session cookie (no session, no token) and opens no session', async () => {
    const client = agent1();
    const res = await client.post(update.path, update.body, { token: 'anything' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('checks CSRF on other paths too, before routing', async () => {
    const client = agent1();
    await client.bootstrap();
    expect((await client.post('/api/v2/me/nothing-here', {}, { token: null })).statusCode).toBe(403);
    expect((await client.post('/api/v2/me/nothing-here', {})).statusCode).toBe(404);
  });

  it('forgetHttpSessions makes the old cookie and token fail with 403; a new GET gives a new token', async () => {
    const client = agent1();
    const oldToken = await client.bootstrap();
    sim.forgetHttpSessions();
    const stale = await client.post(update.path, update.body);
    expect(stale.statusCode).toBe(403);
    const newToken = await client.bootstrap();
    expect(newToken).not.toBe(oldToken);
    expect((await client.post(update.path, update.body)).body).toEqual({ statusCode: 0 });
  });

  it('with csrf off: no CSRF headers, and a Basic POST opens a session and is accepted', async () => {
    const lax = await startSimulator({ csrf: false });
    try {
      const client = agentClient(lax.url, 'agent1', 'agent1pass');
      const get = await client.get('/api/v2/me');
      expect(get.headers['x-csrf-token']).toBeUndefined();
      expect(get.headers['x-csrf-header']).toBeUndefined();
      const post = await agentClient(lax.url, 'agent1', 'agent1pass').post(update.path, update.body);
      expect(post.statusCode).toBe(200);
      expect(post.headers['set-cookie']?.[0]).toMatch(/^JSESSIONID=/);
    } finally {
      await lax.close();
    }
  });
});

describe('resources and limits', () => {
  it('lists the devices of the user', async () => {
    const res = await agent2().get('/api/v2/me/devices');
    expect(res.statusCode).toBe(200);
    const agent2Devices = DEMO_USERS.find((u) => u.username === 'agent2')!.deviceIds;
    expect(res.body).toEqual({
      statusCode: 0,
      devices: agent2Devices.map((id) => ({
        id,
        deviceState: 'Active',
        userState: { id: expect.any(String), displayName: 'Ready', state: 'Ready' },
        phoneNumber: expect.stringMatching(/^\d+$/),
        e164Number: expect.stringMatching(/^\+\d+$/),
        telephonyNetwork: 'Private',
        doNotDisturb: 'Off',
        voiceEnvironmentUri: expect.stringContaining('/api/v2/voice-environments/'),
        capabilities: [],
      })),
    });
  });

  it('answers unknown paths with 404 statusCode 6', async () => {
    const res = await agent1().get('/api/v2/me/nowhere');
    expect(res.statusCode).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 6 });
    const outside = await got.get(`${sim.url}/elsewhere`, { throwHttpErrors: false, responseType: 'json' });
    expect(outside.statusCode).toBe(404);
    expect(outside.body).toMatchObject({ statusCode: 6 });
  });

  it('answers malformed JSON with 400 statusCode 10, and does not remember it', async () => {
    const client = agent1();
    await client.bootstrap();
    const count = sim.received.length;
    const res = await client.http.post('api/v2/me/outbound-records/6', {
      username: 'agent1',
      password: 'agent1pass',
      body: "{'operationName': 'UpdateRecord'}",
      headers: { 'content-type': 'application/json', 'X-CSRF-TOKEN': client.csrfToken! },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 10, statusMessage: 'Malformed JSON body' });
    expect(sim.received.length).toBe(count);
  });

  it('answers a body over 64 KB with 413', async () => {
    const client = agent1();
    await client.bootstrap();
    const res = await client.post(update.path, { ...update.body, padding: 'x'.repeat(70 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 10 });
  });
});
