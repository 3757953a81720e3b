/**
 * Smaller defects of the abuse review, each against the real stack:
 * - `acknowledgement` under `@skip(if: true)` / `@include(if: false)` (literal or
 *   variable, on the field or on a fragment) does not open a CometD session nor
 *   wait: the simulator sees no Bayeux client. Selected, it does.
 * - The simulator's log of received bodies is bounded (`receivedMax`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationByName } from '../../src/operations/record-operations.js';
import { AGENT1, startStack, type Stack } from '../support/stack.js';
import { seedOf, variablesFromSeed } from '../support/operations.js';
import { until } from './support/harness.js';

const reject = operationByName('RejectRecord')!;
const RECEIVED_MAX = 3;

let stack: Stack;
let n = 0;

beforeAll(async () => {
  // A long ack timeout: a wrongly awaited acknowledgement would show as a slow answer with an ack, not as an error.
  stack = await startStack({ simulator: { receivedMax: RECEIVED_MAX }, env: { ACK_TIMEOUT_MS: '10000', COMETD_IDLE_GRACE_MS: '60000' } });
});
afterAll(async () => {
  await stack?.stop();
});

const vars = (extra: Record<string, unknown> = {}) => {
  const base = variablesFromSeed(reject, seedOf(reject)) as { recordHandle: number; input: Record<string, unknown> };
  return { ...base, input: { ...base.input, referenceId: `skip-${n++}` }, ...extra };
};

/** The mutation with this selection; the fragment `Ack` is defined when the selection spreads it (an unused one is invalid). */
const doc = (selection: string, varDefs = '') =>
  `mutation Op($recordHandle: Int!, $input: ${reject.inputType}!${varDefs}) { ${reject.mutation}(recordHandle: $recordHandle, input: $input) { ${selection} } }` +
  (selection.includes('...Ack') ? ' fragment Ack on RecordOperationResult { acknowledgement { referenceId } }' : '');

describe('acknowledgement that execution would not run opens no CometD session', () => {
  const skipped: [string, string, string, Record<string, unknown>][] = [
    ['@skip(if: true)', 'statusCode acknowledgement @skip(if: true) { referenceId }', '', {}],
    ['@include(if: false)', 'statusCode acknowledgement @include(if: false) { referenceId }', '', {}],
    ['@skip(if: $skip) with skip = true', 'statusCode acknowledgement @skip(if: $skip) { referenceId }', ', $skip: Boolean!', { skip: true }],
    ['@include(if: $ack) with ack = false', 'statusCode acknowledgement @include(if: $ack) { referenceId }', ', $ack: Boolean!', { ack: false }],
    ['a skipped inline fragment', 'statusCode ... @skip(if: true) { acknowledgement { referenceId } }', '', {}],
    ['a fragment spread excluded by a variable', 'statusCode ...Ack @include(if: $ack)', ', $ack: Boolean!', { ack: false }],
  ];

  it.each(skipped)('%s', async (_name, selection, varDefs, extra) => {
    const { body } = await stack.gql(doc(selection, varDefs), vars(extra), AGENT1);
    expect(body.errors, JSON.stringify(body)).toBeUndefined();
    expect((body.data as Record<string, { statusCode: number; acknowledgement?: unknown }>)[reject.mutation]).toEqual({ statusCode: 0 });
    expect(stack.simulator.bayeuxClientCount()).toBe(0);
  });

  it('selected (include with ack = true, then through the fragment), the acknowledgement is awaited over a CometD session', async () => {
    const included = await stack.gql(doc('statusCode acknowledgement @include(if: $ack) { referenceId }', ', $ack: Boolean!'), vars({ ack: true }), AGENT1);
    expect(included.body.errors, JSON.stringify(included.body)).toBeUndefined();
    expect((included.body.data as Record<string, { acknowledgement: { referenceId: string } }>)[reject.mutation]!.acknowledgement.referenceId).toMatch(/^skip-/);
    await until(() => stack.simulator.bayeuxClientCount() === 1, 'a Bayeux client at the simulator');
    const spread = await stack.gql(doc('statusCode ...Ack'), vars(), AGENT1);
    expect(spread.body.errors, JSON.stringify(spread.body)).toBeUndefined();
    expect((spread.body.data as Record<string, { acknowledgement: { referenceId: string } }>)[reject.mutation]!.acknowledgement.referenceId).toMatch(/^skip-/);
  });
});

describe("the simulator's log of received bodies", () => {
  it('keeps only the last receivedMax operations', () => {
    // The tests above sent eight operations.
    expect(stack.simulator.received).toHaveLength(RECEIVED_MAX);
    const refs = stack.simulator.received.map((r) => r.body['referenceId']);
    expect(refs).toEqual([`skip-${n - 3}`, `skip-${n - 2}`, `skip-${n - 1}`]);
  });
});
