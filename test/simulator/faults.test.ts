/** Fault switches: 'down' resets sockets, 'hang' never answers. */
import { RequestError } from 'got';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import { subscribedAgent } from './support/fixture.js';
import { agentClient } from './support/gws-client.js';

describe("setFault('down')", () => {
  it('resets REST requests and open CometD long-polls at once, and recovers on setFault(null)', async () => {
    const sim = await startSimulator();
    try {
      const agent = await subscribedAgent(sim, 'agent1', 'agent1pass');
      const poll = agent.bayeux.poll();
      sim.setFault('down');
      await expect(poll).rejects.toMatchObject({ code: 'ECONNRESET' });

      const before = sim.requestCount;
      const error = await agent.rest.get('/api/v2/me').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestError);
      expect((error as RequestError).code).toBe('ECONNRESET');
      expect(sim.requestCount).toBe(before); // reset before a request was read

      sim.setFault(null);
      expect((await agent.rest.get('/api/v2/me')).statusCode).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe("setFault('hang')", () => {
  it('accepts requests and never answers them; close() ends them', async () => {
    const sim = await startSimulator();
    const client = agentClient(sim.url, 'agent1', 'agent1pass');
    await client.bootstrap();
    sim.setFault('hang');
    const before = sim.requestCount;
    const hung = client.http.get('api/v2/me', { timeout: { request: 60_000 } });
    const timedOut = client.http.get('api/v2/me', { timeout: { request: 150 } });
    await expect(timedOut).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(sim.requestCount).toBe(before + 2);

    const closedAt = Date.now();
    await sim.close();
    expect(Date.now() - closedAt).toBeLessThan(1_000);
    await expect(hung).rejects.toBeInstanceOf(RequestError);
  });
});
