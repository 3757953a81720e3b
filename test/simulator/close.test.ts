/**
 * close() leaves no server, socket or timer behind. Every such resource
 * created while the simulator runs is tracked by async_hooks and must be
 * gone (or, for a timer, unref'd) once close() resolved and the client's
 * long-poll failed.
 */
import { createHook } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import { subscribedAgent } from './support/fixture.js';

const TRACKED = new Set(['Timeout', 'TCPSERVERWRAP', 'TCPWRAP']);
const alive = new Map<number, { type: string; resource: object }>();
const hook = createHook({
  init(asyncId, type, _trigger, resource: object) {
    if (TRACKED.has(type)) alive.set(asyncId, { type, resource });
  },
  destroy(asyncId) {
    alive.delete(asyncId);
  },
});
afterAll(() => hook.disable());

/** What would keep the process alive: Node's own unref'd timers (e.g. the HTTP Date cache) do not. */
const holding = (): string[] =>
  [...alive.values()]
    .filter(({ type, resource }) => type !== 'Timeout' || (resource as NodeJS.Timeout).hasRef())
    .map(({ type }) => type);

// libuv frees closed handles in its close phase, after the next check phase;
// destroy hooks run after that.
const settle = async (): Promise<void> => {
  await nextTurn();
  await nextTurn();
};

describe('close()', () => {
  it('leaves no server, socket or timer, even with a held long-poll and a pending delayed event', async () => {
    hook.enable();
    const sim = await startSimulator({ eventDelayMs: 60_000 });
    const agent = await subscribedAgent(sim, 'agent1', 'agent1pass');
    const poll = agent.bayeux.poll();
    const res = await agent.rest.post('/api/v2/me/outbound-records/9', {
      operationName: 'RejectRecord',
      devicePath: '/devices/2b00393c-9ad3-418f-8b3d-a06cbe8af395',
      callingList: 'CallingList1',
      applicationId: 134,
      campaignName: 'Campaign1',
    });
    expect(res.body).toEqual({ statusCode: 0 });
    const types = holding();
    expect(types).toContain('TCPSERVERWRAP');
    expect(types).toContain('TCPWRAP');
    expect(types).toContain('Timeout');

    await sim.close();
    await poll.catch(() => undefined);
    await settle();
    expect(holding()).toEqual([]);
    hook.disable();
    await sim.close(); // idempotent
  });
});
