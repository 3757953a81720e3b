/**
 * `npm run cluster`: one gateway made of two instances on one Redis, in front
 * of one GWS simulator, all on loopback:
 *   - a redis-server of its own (Debian's; scripts/ensure-redis.sh installs it), no persistence;
 *   - the simulator (in this process);
 *   - gateway A and gateway B, each its own process with the same REDIS_URL,
 *     GWS_BASE_URL and a CREDENTIAL_HASH_KEY made for this run.
 * Then it shows the point: a subscription on A receives the acknowledgement
 * of a mutation sent through B. Runs until Ctrl-C (`--check`: the demo, then exit 0).
 *
 *   CLUSTER_PORT_A / CLUSTER_PORT_B  gateway ports (default 4001, 4002; 0 = free ports)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createLogger } from '../src/logger.js';
import { EXAMPLE_OPERATIONS } from '../src/playground/examples.js';
import { DEMO_USERS, startSimulator } from '../src/simulator/index.js';
import { startRedisServer } from '../test/support/redis-server.js';

/** The playground's CancelRecordByPhoneNumber input (the seed's sample request). */
const CANCEL_INPUT = (EXAMPLE_OPERATIONS.find((o) => o.name === 'CancelRecordByPhoneNumber')!.variables as { input: Record<string, unknown> }).input;

const check = process.argv.includes('--check');
const root = fileURLToPath(new URL('../', import.meta.url));
const say = (line: string): void => void process.stdout.write(`${line}\n`);

const portOf = (name: string, fallback: number): number => {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : Number(value);
};

const redis = await startRedisServer();
const simulator = await startSimulator({ port: 0, logger: createLogger({ name: 'gws-simulator', level: 'warn' }) });
const hashKey = randomBytes(32).toString('base64url');
const children: ChildProcess[] = [];

async function startInstance(name: string, port: number): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      GWS_BASE_URL: simulator.url,
      REDIS_URL: redis.url,
      CREDENTIAL_HASH_KEY: hashKey,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
      // Short enough for a demo of a takeover (kill one instance: the other takes over within ~6 s).
      COMETD_LEASE_TTL_MS: process.env['COMETD_LEASE_TTL_MS'] ?? '5000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  // The URL as the instance logs it (with port 0, the one it got).
  return new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"gateway listening"')) resolve(String((JSON.parse(line) as { url: string }).url));
        // The instances' warnings and errors (and the lease moving), prefixed so you can tell them apart.
        else if (line.trim() && (/"level":([4-6]\d)/.test(line) || line.includes('cometd lease'))) process.stdout.write(`[${name}] ${brief(line)}\n`);
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway ${name} exited (${code}) before listening`)));
  });
}

/** A log line as "message (error)", for people. */
function brief(line: string): string {
  try {
    const record = JSON.parse(line) as { msg?: string; error?: string; err?: { message?: string } };
    const why = record.error ?? record.err?.message;
    return `${record.msg ?? line}${why ? ` (${why})` : ''}`;
  } catch {
    return line;
  }
}

const [portA, portB] = [portOf('CLUSTER_PORT_A', 4001), portOf('CLUSTER_PORT_B', 4002)];
let stopping = false;
const stop = async (code: number): Promise<never> => {
  if (!stopping) {
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    await simulator.close();
    await redis.stop();
  }
  process.exit(code);
};
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

try {
  const [a, b] = await Promise.all([startInstance('A', portA), startInstance('B', portB)]);
  const agent = DEMO_USERS[0]!;
  const authorization = `Basic ${Buffer.from(`${agent.username}:${agent.password}`).toString('base64')}`;
  say('');
  say(`Redis        ${redis.url}`);
  say(`simulator    ${simulator.url}`);
  say(`gateway A    ${a}   (ws: ${a.replace('http', 'ws')})`);
  say(`gateway B    ${b}   (ws: ${b.replace('http', 'ws')})`);
  say(`user         ${agent.username} / ${agent.password}`);
  say('');

  // The demo: subscribe on A, send the mutation through B, see it on A.
  const referenceId = `cluster-demo-${Date.now()}`;
  const ws = createClient({ url: a.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization }, retryAttempts: 0 });
  const received = new Promise<unknown>((resolve, reject) => {
    ws.subscribe(
      { query: `subscription($ref: String) { outboundRecordEvents(filter: { referenceId: $ref }) { notificationType referenceId record { recordHandle campaignName } } }`, variables: { ref: referenceId } },
      { next: resolve, error: reject, complete: () => reject(new Error('subscription completed')) },
    );
  });
  const gql = async (url: string, query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as Record<string, unknown>;
  };
  // Until A's subscription is live (its upstream events flow, whichever instance holds the CometD session).
  for (let i = 0; ; i++) {
    const status = (await gql(a, '{ eventStream { state subscribers } }')) as { data?: { eventStream?: { state: string; subscribers: number } } };
    if (status.data?.eventStream?.state === 'CONNECTED' && status.data.eventStream.subscribers > 0) break;
    if (i > 200) throw new Error(`A's subscription did not go live: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  say(`1. subscribed on A to the events with referenceId ${referenceId}`);
  const mutation = await gql(
    b,
    `mutation($in: CancelRecordInput!) { cancelRecordByPhoneNumber(input: $in) { referenceId statusCode acknowledgement { notificationType } } }`,
    { in: { ...CANCEL_INPUT, referenceId } },
  );
  say(`2. sent cancelRecordByPhoneNumber through B, which answered ${JSON.stringify(mutation)}`);
  const event = await Promise.race([received, new Promise((_, reject) => setTimeout(() => reject(new Error('no event on A within 10 s')), 10_000))]);
  say(`3. A's subscription received ${JSON.stringify(event)}`);
  await ws.dispose();
  say('');
  if (check) await stop(0);
  say('Try it yourself: subscribe on one instance (npm run watch-events with GATEWAY_WS_URL), send mutations to the other;');
  say('kill one instance (its CometD session is taken over by the other). Ctrl-C stops everything.');
} catch (error) {
  process.stderr.write(`cluster: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
