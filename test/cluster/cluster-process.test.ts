/**
 * Instances as real processes (src/main.ts) on one real redis-server and one
 * simulator: what happens to a user's upstream CometD session when the
 * instance holding it is killed (SIGKILL: the lease expires, the survivor
 * takes over within 15 s) or stopped (SIGTERM: the lease is released at once).
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { operationByName } from '../../src/operations/record-operations.js';
import { startSimulator, type GwsSimulator } from '../../src/simulator/index.js';
import { spawnGateway, type GatewayProcess } from '../process/gateway-process.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import { AGENT1, subscribe } from '../support/stack.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { until } from './support/until.js';

const HASH_KEY = 'the-process-tests-shared-credential-hash-key';
const PREFIX = 'ogw:';
const SUBSCRIPTION = `subscription { outboundRecordEvents { referenceId cursor } }`;
type EventResult = { outboundRecordEvents: { referenceId: string | null; cursor: string } };

interface Instance {
  process: GatewayProcess;
  url: string;
  wsUrl: string;
}

let redis: RedisServer;
let simulator: GwsSimulator;
const running: Instance[] = [];
const clients: Client[] = [];

const leaseKey = `${PREFIX}u:{${createHmac('sha256', Buffer.from(HASH_KEY, 'utf8')).update(AGENT1).digest('base64url')}}:lease`;

async function startInstance(env: Record<string, string> = {}): Promise<Instance> {
  const child = spawnGateway({
    NODE_ENV: 'production',
    // Port 0: the gateway logs the one it got (a port found free before could be taken by a parallel test).
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    GWS_BASE_URL: simulator.url,
    REDIS_URL: redis.url,
    CREDENTIAL_HASH_KEY: HASH_KEY,
    COMETD_BACKOFF_INITIAL_MS: '50',
    COMETD_BACKOFF_MAX_MS: '500',
    ACK_TIMEOUT_MS: '8000',
    ...env,
  });
  const index = running.push({ process: child, url: '', wsUrl: '' }) - 1;
  const listening = await child.waitForLog((r) => r.msg === 'gateway listening', 30_000, 'gateway listening');
  const url = String(listening['url']);
  const instance = { process: child, url, wsUrl: url.replace(/^http/, 'ws') };
  running[index] = instance;
  return instance;
}

async function gql(instance: Instance, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(instance.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AGENT1 },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, never>; errors?: unknown[] };
}

async function update(instance: Instance, referenceId: string, awaitAck = false) {
  const op = operationByName('UpdateRecord')!;
  const vars = variablesFromSeed(op, seedOf(op)) as { input: Record<string, unknown> };
  const selection = awaitAck ? 'referenceId statusCode acknowledgement { referenceId }' : 'referenceId statusCode';
  const body = await gql(instance, mutationDocument(op, selection), { ...vars, input: { ...vars.input, referenceId } });
  expect(body.errors).toBeUndefined();
  return body;
}

async function untilLive(instance: Instance): Promise<void> {
  await until(async () => {
    const body = (await gql(instance, '{ eventStream { state subscribers } }')) as { data?: { eventStream: { state: string; subscribers: number } } };
    return body.data?.eventStream.state === 'CONNECTED' && body.data.eventStream.subscribers > 0;
  }, 30_000, `live on ${instance.url}`);
}

function subscribeOn(instance: Instance) {
  const client = createClient({ url: instance.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: { authorization: AGENT1 } });
  clients.push(client);
  return subscribe<EventResult>(client, SUBSCRIPTION);
}

const acquired = (instance: Instance): boolean => instance.process.records().some((r) => r.msg === 'cometd lease acquired: opening the upstream session here');
const acquiredAt = (instance: Instance): number | undefined => instance.process.records().find((r) => r.msg === 'cometd lease acquired: opening the upstream session here')?.['time'] as number | undefined;

/** Two instances with a subscriber each, both live; returns [holder, survivor]. */
async function twoLiveInstances(env: Record<string, string> = {}) {
  const [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
  const subA = subscribeOn(a);
  const subB = subscribeOn(b);
  await untilLive(a);
  await untilLive(b);
  expect(simulator.bayeuxClientCount('agent1')).toBe(1);
  const holder = acquired(a) ? a : b;
  const survivor = holder === a ? b : a;
  expect(acquired(survivor)).toBe(false);
  return { holder, survivor, onSurvivor: holder === a ? subB : subA };
}

beforeAll(async () => {
  redis = await startRedisServer();
  simulator = await startSimulator();
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.dispose()));
  for (const instance of running.splice(0)) {
    instance.process.kill();
    await instance.process.exited;
  }
  await redis.command('FLUSHALL');
  // A killed instance's Bayeux client stays at the simulator until faye times it out: not the next test's.
  simulator.dropBayeuxSessions('agent1');
});
afterAll(async () => {
  await simulator?.close();
  await redis?.stop();
});

describe('the upstream session across instance processes', () => {
  it('SIGKILL of the holder: the survivor takes the session over within 15 s; its subscriber gets the new events, none twice', async () => {
    // The default lease lifetime (10 s): this is the contract's bound, not a test setting.
    const { holder, survivor, onSurvivor } = await twoLiveInstances();
    await update(survivor, 'before-kill', true);
    await onSurvivor.waitFor(1, 10_000);

    holder.process.child.kill('SIGKILL');
    const killed = Date.now();
    await holder.process.exited;
    await until(() => acquired(survivor), 20_000, 'the survivor took the lease over');
    expect(acquiredAt(survivor)! - killed).toBeLessThan(15_000);
    await untilLive(survivor);

    await update(survivor, 'after-kill-1', true);
    await update(survivor, 'after-kill-2', true);
    await onSurvivor.waitFor(3, 10_000);
    expect(onSurvivor.results.map((r) => r.data?.outboundRecordEvents.referenceId)).toEqual(['before-kill', 'after-kill-1', 'after-kill-2']);
    // The subscription lived through the takeover.
    expect(onSurvivor.results.every((r) => r.errors === undefined)).toBe(true);
  }, 60_000);

  it('SIGTERM of the holder releases the lease at once: the survivor takes over long before it would have expired', async () => {
    const { holder, survivor, onSurvivor } = await twoLiveInstances({ COMETD_LEASE_TTL_MS: '12000' });
    const token = await redis.command('GET', leaseKey);
    expect(token).toEqual(expect.any(String));

    holder.process.child.kill('SIGTERM');
    const exit = await holder.process.exited;
    expect(exit.code).toBe(0);
    // The holder's token is gone the moment it exited (released, not left to expire).
    expect(await redis.command('GET', leaseKey)).not.toBe(token);
    await until(() => acquired(survivor), 10_000, 'the survivor took the lease over');
    expect(acquiredAt(survivor)! - exit.at).toBeLessThan(6_000);

    await untilLive(survivor);
    await update(survivor, 'after-term', true);
    await onSurvivor.waitUntil((r) => r.data?.outboundRecordEvents.referenceId === 'after-term', 10_000);
    expect(onSurvivor.results.filter((r) => r.data?.outboundRecordEvents.referenceId === 'after-term')).toHaveLength(1);
  }, 60_000);
});
