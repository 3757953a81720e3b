/**
 * The GWS simulator for `npm run soak`, in its own process, driven over IPC:
 * the bench users, a bounded log of received bodies (a 30-minute run must not
 * grow the simulator), and the switches the soak pulls: drop some users'
 * Bayeux sessions, make the upstream hang or refuse for a while.
 */
import { startSimulator } from '../src/simulator/index.js';
import { serveApi } from './lib/ipc.js';
import { settledMemory } from './lib/process-stats.js';
import { simulatorUsers } from './lib/users.js';

const simulatorReady = startSimulator({ users: simulatorUsers(), receivedMax: 1_000 });

const api = {
  info: async () => ({ url: (await simulatorReady).url, pid: process.pid }),
  memory: () => settledMemory(),
  /** Destroys these users' Bayeux clients server-side (their next /meta/connect: 402 unknown client); returns how many. */
  dropBayeux: async (usernames: string[]) => {
    const simulator = await simulatorReady;
    return usernames.reduce((n, u) => n + simulator.dropBayeuxSessions(u), 0);
  },
  setFault: async (fault: 'hang' | 'down' | null) => {
    (await simulatorReady).setFault(fault);
    return true;
  },
  bayeuxClients: async () => (await simulatorReady).bayeuxClientCount(),
  close: async () => {
    await (await simulatorReady).close();
    // Reply first, then leave: the parent awaits this answer.
    setTimeout(() => process.exit(0), 50).unref();
    return true;
  },
};

export type SoakSimApi = typeof api;
serveApi(api);
