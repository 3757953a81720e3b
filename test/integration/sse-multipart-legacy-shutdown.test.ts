/**
 * Shutdown while SSE and multipart subscriptions are live, seen by their real
 * clients: the gateway stops well within the grace period (the streams do not
 * hold the HTTP drain), and each client learns that its subscription did not
 * complete normally (a network error), so it reconnects and resumes with
 * `after`. (The legacy WebSocket's 1001 is in legacy-ws.test.ts.)
 */
import { expect, it } from 'vitest';
import { AGENT1, startStack, untilSubscribed } from '../support/stack.js';
import { apolloMultipartClient, sseClient } from './sse-multipart-legacy-clients.js';

const GRACE_MS = 5_000;

it('graphql-sse and Apollo Client see a network error, not a completion; stop() returns well within the grace period', async () => {
  const stack = await startStack({ env: { SHUTDOWN_GRACE_MS: String(GRACE_MS) } });
  try {
    const query = 'subscription { outboundRecordEvents { referenceId } }';
    const sse = sseClient(stack, AGENT1).subscribe(query);
    const multipart = apolloMultipartClient(stack, AGENT1).subscribe(query);
    await untilSubscribed(stack, AGENT1, 2);
    const started = Date.now();
    await stack.gateway.stop();
    expect(Date.now() - started).toBeLessThan(GRACE_MS);
    const [sseEnd] = await Promise.all([sse.ended, multipart.ended]);
    expect(String((sseEnd.error as Error | undefined)?.name), 'graphql-sse: a NetworkError, which it retries').toBe('NetworkError');
    // Apollo Client (errorPolicy "all" in this helper) hands the network error over as a result.
    expect(JSON.stringify(multipart.results.at(-1)?.errors)).toContain('premature end of multipart body');
  } finally {
    await stack.stop();
  }
});
