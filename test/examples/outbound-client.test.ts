/**
 * The example client (examples/outbound-client.ts) against the real gateway
 * on the simulator: imported, it subscribes over graphql-ws, runs the five
 * record operations over HTTP, is disconnected half-way and resumes from its
 * last cursor, and receives the five acknowledgements exactly once each; run
 * as `npm run example` does (tsx, environment variables), it prints them and
 * exits 0.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXPECTED_ACKNOWLEDGEMENTS, runExample, succeeded } from '../../examples/outbound-client.js';
import { AGENT1, startStack, type Stack } from '../support/stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let stack: Stack;
beforeAll(async () => {
  // The upstream session must outlive the forced disconnect (as with the default, EVENT_RETENTION_SECONDS).
  stack = await startStack({ env: { COMETD_IDLE_GRACE_MS: '60000' } });
});
afterAll(() => stack.stop());

it('subscribes, runs the five operations with a forced disconnect half-way, resumes, and receives the five acknowledgements once each', async () => {
  const lines: string[] = [];
  const result = await runExample({
    httpUrl: stack.gateway.url,
    wsUrl: stack.gateway.wsUrl,
    authorization: AGENT1,
    print: (line) => lines.push(line),
    timeoutMs: 10_000,
  });
  expect(result.operations.map((o) => o.errorCode)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  expect(succeeded(result)).toBe(true);
  // In the order of the operations, each once: the last three were sent while the socket was down, and replayed.
  expect(result.events.map((e) => e.referenceId)).toEqual(result.operations.map((o) => o.referenceId));
  expect(result.events.map((e) => e.notificationType)).toEqual([...EXPECTED_ACKNOWLEDGEMENTS]);
  // It resumed once, from the cursor of the second event.
  expect(result.resumedFrom).toEqual([result.events[1]!.cursor]);
  expect(lines).toContain('forced a disconnect; running the next operations while away');
  for (const type of EXPECTED_ACKNOWLEDGEMENTS) expect(lines.some((l) => l.startsWith(`event ${type} `))).toBe(true);
  // What GWS received: the five operations, in the example's order.
  expect(stack.simulator.received.map((r) => r.body['operationName'])).toEqual([
    'UpdateRecord',
    'RescheduleRecord',
    'RejectRecord',
    'CancelRecord',
    'CompleteRecord',
  ]);
});

it('runs as `npm run example` does, printing the events and exiting 0', async () => {
  stack.simulator.resetCallingList();
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/outbound-client.ts'], {
    cwd: ROOT,
    env: { ...process.env, GATEWAY_WS_URL: stack.gateway.wsUrl, GWS_USER: 'agent1', GWS_PASSWORD: 'agent1pass' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  for (const type of EXPECTED_ACKNOWLEDGEMENTS) expect(stdout).toContain(`event ${type} `);
  expect(stdout).toMatch(/resuming after cursor [A-Za-z0-9_-]+/);
  expect(stdout).toContain('all five acknowledgements received');
}, 30_000);
