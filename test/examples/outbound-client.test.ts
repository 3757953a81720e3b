/**
 * The example client (examples/outbound-client.ts) against the real gateway
 * on the simulator: imported, it subscribes over graphql-ws, runs the five
 * record operations over HTTP, and receives the five acknowledgements as live
 * events; run as `npm run example` does (tsx, environment variables), it
 * prints them and exits 0.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXPECTED_ACKNOWLEDGEMENTS, runExample, succeeded } from '../../examples/outbound-client.js';
import { AGENT1, startStack, type Stack } from '../support/stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

it('subscribes, runs the five operations, and receives their five acknowledgements', async () => {
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
  expect(result.events.map((e) => e.notificationType).sort()).toEqual([...EXPECTED_ACKNOWLEDGEMENTS].sort());
  // Each event is the acknowledgement of one of the operations.
  expect(new Set(result.events.map((e) => e.referenceId))).toEqual(new Set(result.operations.map((o) => o.referenceId)));
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
  expect(stdout).toContain('all five acknowledgements received');
}, 30_000);
