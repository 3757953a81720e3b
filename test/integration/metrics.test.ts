/** /metrics reflects what the gateway did: operations, upstream latency, subscriptions, CometD sessions, events. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operationByName } from '../../src/operations/record-operations.js';
import { AGENT1, startStack, subscribe, untilSubscribed, type Stack } from '../support/stack.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

async function metrics(): Promise<string> {
  const response = await fetch(stack.gateway.url.replace('/graphql', '/metrics'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : Number.NaN;
}

it('counts operations by outcome, upstream requests, subscriptions, sessions and events', async () => {
  const op = operationByName('UpdateRecord')!;
  const vars = variablesFromSeed(op, seedOf(op));
  const sub = subscribe(stack.wsClient(AGENT1), 'subscription { outboundRecordEvents { referenceId } }');
  await untilSubscribed(stack, AGENT1);
  expect((await stack.gql(mutationDocument(op), vars, AGENT1)).body.errors).toBeUndefined();
  await stack.gql(mutationDocument(op), { ...vars, recordHandle: 999_999 }, AGENT1); // UPSTREAM_REJECTED
  await sub.waitFor(1);

  const text = await metrics();
  expect(value(text, 'gateway_record_operations_total{operation="UpdateRecord",outcome="ok"}')).toBe(1);
  expect(value(text, 'gateway_record_operations_total{operation="UpdateRecord",outcome="UPSTREAM_REJECTED"}')).toBe(1);
  expect(value(text, 'gateway_upstream_request_duration_seconds_count{method="POST",outcome="200"}')).toBeGreaterThanOrEqual(1);
  expect(value(text, 'gateway_ws_connections')).toBe(1);
  expect(value(text, 'gateway_subscriptions')).toBe(1);
  expect(value(text, 'gateway_cometd_sessions{state="CONNECTED"}')).toBe(1);
  expect(value(text, 'gateway_events_received_total')).toBeGreaterThanOrEqual(1);
  expect(value(text, 'gateway_events_delivered_total')).toBeGreaterThanOrEqual(1);
  expect(value(text, 'gateway_events_dropped_total')).toBe(0);
  expect(text).toContain('gateway_process_resident_memory_bytes');
  sub.unsubscribe();
});

it('times awaited acknowledgements', async () => {
  const op = operationByName('RejectRecord')!;
  const { body } = await stack.gql(mutationDocument(op, 'statusCode acknowledgement { referenceId }'), variablesFromSeed(op, seedOf(op)), AGENT1);
  expect(body.errors).toBeUndefined();
  expect(value(await metrics(), 'gateway_acknowledgement_wait_seconds_count{outcome="ok"}')).toBe(1);
});
