/**
 * Phase (d): resumable event streams. In a gateway child whose upstream
 * sessions stay open for the retention after the last subscriber leaves
 * (COMETD_IDLE_GRACE_MS unset there: EVENT_RETENTION_SECONDS):
 * - replay: one user's 1,000 retained events to one subscriber resuming with
 *   `after` (time from subscribe to the last event received);
 * - heap per retained event: the gateway's heap before and after those 1,000
 *   events were appended (and delivered once live);
 * - heap per idle user: users who subscribed once and left, whose CometD
 *   session and log the gateway keeps for the retention.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { DemoUser } from '../../src/simulator/index.js';
import type { GatewayApi } from '../gateway-child.js';
import type { SimApi } from '../sim-child.js';
import type { RpcClient } from './ipc.js';
import { progress, waitFor } from './progress.js';
import type { ResumeRun } from './results.js';
import { summarize } from './stats.js';
import { basicAuth } from './users.js';

const QUERY = 'subscription Resume($after: String) { outboundRecordEvents(after: $after) { cursor referenceId } }';
const MiB = 2 ** 20;
const TIMEOUT_MS = 60_000;

type Event = { cursor: string; referenceId: string | null };

const until = (what: string, condition: () => Promise<boolean>): Promise<true> =>
  waitFor(what, async () => ((await condition()) ? true : undefined), TIMEOUT_MS, undefined, 20);

/** One graphql-ws subscription, counting the events of one tag. */
function subscriber(wsUrl: string, user: DemoUser, after?: string) {
  const client: Client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: basicAuth(user) }, retryAttempts: 0 });
  const events: Event[] = [];
  const errors: string[] = [];
  client.subscribe<{ outboundRecordEvents: Event }>(
    { query: QUERY, variables: after ? { after } : {} },
    {
      next: (result) => {
        if (result.errors) errors.push(JSON.stringify(result.errors));
        else if (result.data) events.push(result.data.outboundRecordEvents);
      },
      error: (error) => errors.push(String(error)),
      complete: () => undefined,
    },
  );
  const tagged = (tag: string) => events.filter((e) => e.referenceId?.startsWith(`${tag}:`));
  return { client, events, errors, tagged };
}

export interface ResumeOptions {
  wsUrl: string;
  gw: RpcClient<GatewayApi>;
  sim: RpcClient<SimApi>;
  user: DemoUser;
  /** Events replayed per round. */
  events: number;
  rounds: number;
  idleUsers: readonly DemoUser[];
}

export async function runResume(o: ResumeOptions): Promise<ResumeRun> {
  const { gw, sim } = o;
  const holder = subscriber(o.wsUrl, o.user);
  const replayMs: number[] = [];
  let heapPerRetainedEvent = Number.NaN;
  try {
    await until('the holding subscriber', async () => (await gw.call('status', undefined)).subscribers >= 1);
    for (let round = 0; round < o.rounds; round++) {
      const tag = `resume-${round}`;
      await sim.call('publish', { tag: `${tag}-marker`, usernames: [o.user.username], rounds: 1, roundMs: 0 });
      await until('the marker event', async () => holder.tagged(`${tag}-marker`).length === 1);
      const cursor = holder.tagged(`${tag}-marker`)[0]!.cursor;
      const before = await gw.call('memory', undefined);
      // 1,000 events a second: a live subscriber that keeps up is never too slow.
      await sim.call('publish', { tag, usernames: [o.user.username], rounds: o.events, roundMs: 1 }, TIMEOUT_MS);
      await until(`${o.events} events live`, async () => holder.tagged(tag).length === o.events);
      const after = await gw.call('memory', undefined);
      if (round === 0) heapPerRetainedEvent = (after.heapUsed - before.heapUsed) / o.events;

      const started = performance.now();
      const resumer = subscriber(o.wsUrl, o.user, cursor);
      try {
        await until(`the replay of ${o.events} events`, async () => resumer.tagged(tag).length >= o.events || resumer.errors.length > 0);
        if (resumer.errors.length > 0) throw new Error(`replay failed: ${resumer.errors[0]}`);
        replayMs.push(performance.now() - started);
        const refs = resumer.tagged(tag).map((e) => e.referenceId);
        if (new Set(refs).size !== o.events) throw new Error('the replay delivered duplicates');
      } finally {
        await resumer.client.dispose();
      }
      progress(`(d) replay of ${o.events} events: ${replayMs.at(-1)!.toFixed(1)} ms`);
    }

    // Idle users: subscribe once, leave; their CometD sessions and logs are kept for the retention.
    await until('resumers to leave', async () => (await gw.call('status', undefined)).subscribers === 1);
    const base = await gw.call('memory', undefined);
    const bayeuxBefore = await sim.call('bayeuxClients', undefined);
    const visitors = o.idleUsers.map((user) => subscriber(o.wsUrl, user));
    await until('idle users to subscribe', async () => (await gw.call('status', undefined)).subscribers === 1 + visitors.length);
    await Promise.all(visitors.map((v) => v.client.dispose()));
    await until('idle users to leave', async () => (await gw.call('status', undefined)).subscribers === 1);
    const idle = await gw.call('memory', undefined);
    const status = await gw.call('status', undefined);
    const bayeuxHeld = (await sim.call('bayeuxClients', undefined)) - bayeuxBefore;
    return {
      events: o.events,
      replay: summarize(replayMs),
      heapPerRetainedEvent,
      idleUsers: o.idleUsers.length,
      heapPerIdleUser: (idle.heapUsed - base.heapUsed) / o.idleUsers.length,
      rssPerIdleUser: (idle.rss - base.rss) / o.idleUsers.length,
      heapAfterIdleMiB: idle.heapUsed / MiB,
      bayeuxClientsHeld: bayeuxHeld,
      connectedSessions: status.states['CONNECTED'] ?? 0,
    };
  } finally {
    await holder.client.dispose();
  }
}
