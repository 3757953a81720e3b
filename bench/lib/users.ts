/**
 * The benchmark's simulator users. Both processes derive the same list from
 * the same function (usernames and passwords are deterministic), so no
 * credential has to cross the IPC channel.
 */
import { DEMO_USERS, type DemoUser } from '../../src/simulator/index.js';

/** Enough for (b) (users 1..200), (c) (fresh users 201..400, 401..1400 and 1401..6400) and (d). */
export const BENCH_USER_COUNT = 6_600;

export function benchUser(i: number): DemoUser {
  const n = String(i).padStart(4, '0');
  return {
    username: `bench${n}`,
    password: `bench${n}-pass`,
    firstName: 'Bench',
    lastName: `User ${n}`,
    deviceIds: [`00000000-0000-4000-8000-00000000${n}`],
  };
}

/** The simulator's users: the demo agents (agent1 owns the seed devices used in (a)) plus the generated ones. */
export function simulatorUsers(): DemoUser[] {
  const users: DemoUser[] = [...DEMO_USERS];
  for (let i = 1; i <= BENCH_USER_COUNT; i++) users.push(benchUser(i));
  return users;
}

/** Users `from`..`to` inclusive (1-based). */
export function benchUsers(from: number, to: number): DemoUser[] {
  const users: DemoUser[] = [];
  for (let i = from; i <= to; i++) users.push(benchUser(i));
  return users;
}

export const basicAuth = (user: Pick<DemoUser, 'username' | 'password'>): string =>
  `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
