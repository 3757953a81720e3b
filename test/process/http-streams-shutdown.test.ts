/**
 * The real process with server-sent events and multipart subscriptions open:
 * SIGTERM closes both streams at once (they do not hold the HTTP drain for
 * the grace period), the process exits 0, and the log has one line per
 * stream operation with its transport and no secret.
 */
import { describe, expect, it } from 'vitest';
import { AGENT1 } from '../support/stack.js';
import { rawStream } from '../integration/sse-multipart-legacy-clients.js';
import { freePort, spawnGateway } from './gateway-process.js';

const GRACE_MS = 4_000;
const SUB = 'subscription { outboundRecordEvents { referenceId } }';

describe('the gateway process with HTTP streams open', () => {
  it('SIGTERM: SSE and multipart streams are closed at once, and the process exits 0 well within the grace period', async ({ onTestFinished }) => {
    const port = await freePort();
    const gateway = spawnGateway({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    onTestFinished(() => gateway.kill());
    const listening = await gateway.waitForLog((r) => r.msg === 'gateway listening', 30_000, 'gateway listening');
    const url = String(listening['url']);

    const sse = await rawStream(url, { accept: 'text/event-stream', body: { query: SUB }, authorization: AGENT1 });
    const multipart = await rawStream(url, { accept: 'multipart/mixed;subscriptionSpec="1.0",application/json', body: { query: SUB }, authorization: AGENT1 });
    expect([sse.status, multipart.status]).toEqual([200, 200]);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: AGENT1 }, body: JSON.stringify({ query: '{ eventStream { state subscribers } }' }) });
      const status = ((await response.json()) as { data?: { eventStream?: { state: string; subscribers: number } } }).data?.eventStream;
      if (status?.state === 'CONNECTED' && status.subscribers === 2) break;
      if (Date.now() > deadline) throw new Error(`streams not live: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    const [sseText, multipartText] = await Promise.all([sse.ended, multipart.ended]);
    const closedAt = Date.now();
    const exit = await gateway.exited;
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
