/**
 * The real process with a server-sent events stream, a multipart
 * subscription and a legacy `graphql-ws` socket open: SIGTERM closes the
 * streams at once (they do not hold the HTTP drain for the grace period) and
 * the legacy socket with 1001, the process exits 0, and the log has one line
 * per stream operation with its transport and no secret.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AGENT1 } from '../support/stack.js';
import { rawStream } from '../integration/sse-multipart-legacy-clients.js';
import { freePort, spawnGateway } from './gateway-process.js';

const GRACE_MS = 4_000;
const SUB = 'subscription { outboundRecordEvents { referenceId } }';

describe('the gateway process with SSE, multipart and legacy graphql-ws clients', () => {
  it('SIGTERM: SSE and multipart streams are closed at once, the legacy socket with 1001, and the process exits 0 well within the grace period', async ({ onTestFinished }) => {
    const port = await freePort();
    const gateway = spawnGateway({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    onTestFinished(() => gateway.kill());
    const listening = await gateway.waitForLog((r) => r.msg === 'gateway listening', 30_000, 'gateway listening');
    const url = String(listening['url']);

    const sse = await rawStream(url, { accept: 'text/event-stream', body: { query: SUB }, authorization: AGENT1 });
    const multipart = await rawStream(url, { accept: 'multipart/mixed;subscriptionSpec="1.0",application/json', body: { query: SUB }, authorization: AGENT1 });
    expect([sse.status, multipart.status]).toEqual([200, 200]);
    const legacy = new WebSocket(String(listening['ws']), ['graphql-ws']);
    const legacyClosed = new Promise<number>((resolve) => legacy.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      legacy.once('open', () => resolve());
      legacy.once('error', reject);
    });
    legacy.send(JSON.stringify({ type: 'connection_init', payload: { authorization: AGENT1 } }));
    legacy.send(JSON.stringify({ type: 'start', id: '1', payload: { query: SUB } }));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: AGENT1 }, body: JSON.stringify({ query: '{ eventStream { state subscribers } }' }) });
      const status = ((await response.json()) as { data?: { eventStream?: { state: string; subscribers: number } } }).data?.eventStream;
      if (status?.state === 'CONNECTED' && status.subscribers === 3) break;
      if (Date.now() > deadline) throw new Error(`streams not live: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    const [sseText, multipartText] = await Promise.all([sse.ended, multipart.ended]);
    const closedAt = Date.now();
    const exit = await gateway.exited;
    expect(await legacyClosed).toBe(1001);
    expect(exit).toMatchObject({ code: 0, signal: null });
    // Closed by the shutdown itself, not by the drain's timeout.
    expect(closedAt - signalledAt).toBeLessThan(GRACE_MS);
    expect(exit.at - signalledAt).toBeLessThan(GRACE_MS);
    // Closed, not completed: a client reconnects (and resumes) as after a WebSocket's 1001.
    expect(sseText).not.toContain('event: complete');
    expect(multipartText).not.toContain('--graphql--');

    const records = gateway.records();
    const streamLines = records.filter((r) => r.msg === 'graphql request' && (r['transport'] === 'sse' || r['transport'] === 'multipart'));
    expect(streamLines.map((r) => r['transport']).sort()).toEqual(['multipart', 'sse']);
    expect(streamLines.every((r) => r['operationType'] === 'subscription')).toBe(true);
    expect(records.filter((r) => (r.level ?? 0) >= 50), 'no error lines').toEqual([]);
    expect(gateway.lines.some((l) => l.includes(AGENT1.slice('Basic '.length)))).toBe(false);
  });
});
