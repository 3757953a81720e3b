/**
 * A simulator with agent1 and agent2 each logged in over REST and subscribed
 * over Bayeux, as a gateway would be. Everything it opens, close() closes.
 */
import { startSimulator, type GwsSimulator, type SimulatorOptions } from '../../../src/simulator/index.js';
import { RawBayeuxClient, type BayeuxMessage } from './bayeux-client.js';
import { agentClient, type AgentClient } from './gws-client.js';

export interface SubscribedAgent {
  readonly rest: AgentClient;
  readonly bayeux: RawBayeuxClient;
}

export interface TwoAgents {
  readonly sim: GwsSimulator;
  readonly agent1: SubscribedAgent;
  readonly agent2: SubscribedAgent;
  /**
   * Proves nothing else is queued for an agent: publishes a marker to him and
   * expects it as his very next message (delivery per client is in order).
   */
  expectNothingElse(agent: SubscribedAgent, username: string): Promise<void>;
  close(): Promise<void>;
}

/** Logs an agent in (REST + CSRF) and subscribes him like public GWS clients do. */
export async function subscribedAgent(sim: GwsSimulator, username: string, password: string): Promise<SubscribedAgent> {
  const rest = agentClient(sim.url, username, password);
  await rest.bootstrap();
  const bayeux = new RawBayeuxClient(sim.url, { jar: rest.jar });
  const handshake = await bayeux.handshake();
  if (!bayeux.clientId) throw new Error(`handshake failed: ${JSON.stringify(handshake.replies)}`);
  const reply = await bayeux.subscribe(['/v2/me/*', '/me/internal']);
  if (!reply.successful) throw new Error(`subscribe failed: ${JSON.stringify(reply)}`);
  void bayeux.poll();
  return { rest, bayeux };
}

let markers = 0;

/** Starts a simulator with agent1 and agent2 subscribed. */
export async function twoAgents(options: SimulatorOptions = {}): Promise<TwoAgents> {
  const sim = await startSimulator(options);
  const agent1 = await subscribedAgent(sim, 'agent1', 'agent1pass');
  const agent2 = await subscribedAgent(sim, 'agent2', 'agent2pass');
  return {
    sim,
    agent1,
    agent2,
    async expectNothingElse(agent, username) {
      const marker = `marker-${++markers}`;
      sim.publish(username, '/v2/me/outbound', { marker });
      const next: BayeuxMessage = await agent.bayeux.next();
      if ((next.data as { marker?: string } | undefined)?.marker !== marker) {
        throw new Error(`${username} got an unexpected message: ${JSON.stringify(next)}`);
      }
    },
    async close() {
      await Promise.all([agent1.bayeux.disconnect(), agent2.bayeux.disconnect()]);
      await sim.close();
    },
  };
}
