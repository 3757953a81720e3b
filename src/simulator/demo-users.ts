/**
 * The agents the simulator knows. agent1 owns the five devices of the seed
 * samples, so every seed request is "his"; the others own one device each.
 */

/** A simulated GWS agent: Basic-auth credentials, profile and device ids. */
export interface DemoUser {
  username: string;
  password: string;
  firstName: string;
  lastName: string;
  deviceIds: string[];
}

/** The default users (agent1/agent1pass, agent2/agent2pass, agent3/agent3pass). */
export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  {
    username: 'agent1',
    password: 'agent1pass',
    firstName: 'Alice',
    lastName: 'Agent',
    deviceIds: [
      'd8a19a8d-aa8f-4cea-93e3-dfb062db7294', // reschedule seed
      '2b00393c-9ad3-418f-8b3d-a06cbe8af395', // reject seed
      '68b39a39-dfb5-417d-9efe-93c03a1375af', // update seed
      '57fc644b-c3b8-4ce8-ad82-d7e15c5f0b33', // cancel seed
      '42e3a1c6-fc5e-425b-9411-125f536fde00', // complete seed
    ],
  },
  {
    username: 'agent2',
    password: 'agent2pass',
    firstName: 'Bob',
    lastName: 'Agent',
    deviceIds: ['0a6f3c7e-2b1d-4e59-9c84-5f7d2e1b3a02'],
  },
  {
    username: 'agent3',
    password: 'agent3pass',
    firstName: 'Carol',
    lastName: 'Agent',
    deviceIds: ['7c1e9b24-5d3a-4f86-b0e2-9a4c6d8f1e03'],
  },
]);
