/** With tracing on, a record operation gives a span with a child span per GWS request, and no credential in any attribute. */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/observability/tracing-sdk.js';
import { operationByName } from '../../src/operations/record-operations.js';
import { AGENT1, startStack, type Stack } from '../support/stack.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let stack: Stack;
beforeAll(async () => {
  tracing = startTracing({ exporter });
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
  await tracing.shutdown();
});

it('traces record operations and their GWS requests', async () => {
  const op = operationByName('RejectRecord')!;
  const vars = variablesFromSeed(op, seedOf(op)) as { input: object };
  expect((await stack.gql(mutationDocument(op), vars, AGENT1)).body.errors).toBeUndefined();
  const rejected = await stack.gql(mutationDocument(op), { ...vars, recordHandle: 999_999 }, AGENT1);
  expect(rejected.body.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_REJECTED');
  await tracing.flush();

  const spans = exporter.getFinishedSpans();
  const operations = spans.filter((s) => s.name === 'gateway.rejectRecord');
  expect(operations).toHaveLength(2);
  expect(operations[0]!.attributes['gws.operation']).toBe('RejectRecord');
  expect(operations[1]!.status).toMatchObject({ code: 2, message: 'UPSTREAM_REJECTED' });
  for (const operation of operations) {
    const children = spans.filter((s) => s.parentSpanContext?.spanId === operation.spanContext().spanId);
    expect(children.map((c) => c.name)).toContain('GWS POST');
    expect(children.every((c) => c.spanContext().traceId === operation.spanContext().traceId)).toBe(true);
  }
  const everything = JSON.stringify(spans.map((s) => s.attributes));
  expect(everything).not.toContain(AGENT1.slice('Basic '.length));
  expect(everything).not.toContain('JSESSIONID');
});
