/**
 * Property: whatever a client puts in a record mutation's arguments (any
 * string, unicode, control characters, very long; any number, negative,
 * fractional, huge; fields missing, extra fields, wrong types), the gateway
 * answers with success (statusCode 0), UPSTREAM_REJECTED (the simulator said
 * no) or BAD_USER_INPUT (the gateway or GraphQL coercion said no): never
 * INTERNAL_SERVER_ERROR, never a 5xx, never a stack trace. And a
 * BAD_USER_INPUT never reaches GWS.
 *
 * The seed is fixed so CI runs are reproducible; set FC_SEED to explore
 * others. On failure fast-check prints the seed and the shrunk counterexample.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnumTable } from '../../src/operations/gws-enums.js';
import { RECORD_OPERATIONS, type FieldKind, type RecordOperation } from '../../src/operations/record-operations.js';
import { DEMO_USERS } from '../../src/simulator/index.js';
import { AGENT1 } from '../support/stack.js';
import { mutationDocument, seedOf, variablesFromSeed } from '../support/operations.js';
import { STACK_TRACE, startFaultStack, type FaultStack } from './support/harness.js';

const SEED = Number(process.env['FC_SEED'] ?? 20_261_124);
const NUM_RUNS = Number(process.env['FC_RUNS'] ?? 150);

let stack: FaultStack;
beforeAll(async () => {
  stack = await startFaultStack({ env: { RATE_LIMIT_POINTS: '1000000' } });
});
afterAll(() => stack.stop());

/** Values of the seeds (which the simulator's calling list matches), so some runs succeed. */
function seedValues(name: string): unknown[] {
  const values = new Set<unknown>();
  for (const op of RECORD_OPERATIONS) {
    const value = seedOf(op).request[name];
    if (value !== undefined) values.add(value);
  }
  return [...values];
}

const controlChars = fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 5 });
const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 3 });
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.string({ maxLength: 10 }), controlChars, fc.string({ maxLength: 10 })).map((parts) => parts.join('')),
  loneSurrogates,
  fc.constantFrom('', ' ', '\t', '\u0000', '\u2028', '\u200b', '😀', '<script>', "'; DROP TABLE records; --", '${jndi:ldap://x}', '../../etc/passwd', '/devices/', '/devices/../me'),
  fc.integer({ min: 200, max: 5_000 }).map((n) => 'x'.repeat(n)),
);
const anyNumber = fc.oneof(
  fc.integer(),
  fc.integer({ min: -(2 ** 31), max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 0.5, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e21, 1e300, -1e300, Number.MIN_VALUE),
);
const anyJson = fc.oneof(anyString, anyNumber, fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }));

function enumValues(table: EnumTable): fc.Arbitrary<unknown> {
  const names = Object.keys(table);
  const gws = Object.values(table);
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: fc.constantFrom(...gws) }, // GWS spelling: not a GraphQL enum value
    { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => n.toLowerCase()) },
    { weight: 1, arbitrary: anyJson },
  );
}

const agent1Devices = DEMO_USERS[0]!.deviceIds.map((id) => `/devices/${id}`);

/** Mostly-plausible values of one field kind, with every kind of junk mixed in. */
function valueOf(kind: FieldKind, name: string): fc.Arbitrary<unknown> {
  const fromSeeds = seedValues(name);
  const seeded = fromSeeds.length > 0 ? [{ weight: 6, arbitrary: fc.constantFrom(...fromSeeds) }] : [];
  switch (kind.type) {
    case 'int':
      return fc.oneof(...seeded, { weight: 2, arbitrary: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }, { weight: 2, arbitrary: anyNumber }, { weight: 1, arbitrary: anyJson });
    case 'long':
      return fc.oneof(...seeded, { weight: 2, arbitrary: fc.integer({ min: 0, max: 2 ** 53 - 1 }) }, { weight: 2, arbitrary: anyNumber }, { weight: 1, arbitrary: anyJson });
    case 'name':
      return fc.oneof(...seeded, { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 255 }) }, { weight: 3, arbitrary: anyString }, { weight: 1, arbitrary: anyJson });
    case 'devicePath':
      return fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...agent1Devices) },
        { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:~-]{0,140}$/).map((id) => `/devices/${id}`) },
        { weight: 2, arbitrary: anyString },
        { weight: 1, arbitrary: anyJson },
      );
    case 'phoneNumber':
      return fc.oneof(
        ...seeded,
        { weight: 2, arbitrary: fc.stringMatching(/^\+?[0-9 ()./#*-]{0,45}$/) },
        { weight: 2, arbitrary: anyString },
        { weight: 1, arbitrary: anyJson },
      );
    case 'referenceId':
      return fc.oneof(
        { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9._:@-]{1,140}$/) },
        { weight: 3, arbitrary: anyString },
        { weight: 1, arbitrary: anyJson },
      );
    case 'enum':
      return enumValues(kind.table);
  }
}

const extraFields = fc.dictionary(
  fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('operationName', '__proto__', 'constructor', 'recordHandle', 'callResult')),
  anyJson,
  { minKeys: 1, maxKeys: 3 },
);

type Change = { set: string; value: unknown } | { drop: string } | { extra: Record<string, unknown> };

/**
 * An input object for the operation: mostly the seed's valid input with a
 * few changes (a field set to any value, a field dropped, extra fields), so
 * that success, GWS refusals and input errors all occur; sometimes a wholly
 * random object, or no object at all.
 */
function inputOf(op: RecordOperation): fc.Arbitrary<unknown> {
  const seedInput = (variablesFromSeed(op, seedOf(op)) as { input: Record<string, unknown> }).input;
  const change: fc.Arbitrary<Change> = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...op.fields).chain((f) => valueOf(f.kind, f.name).map((value): Change => ({ set: f.name, value }))) },
    { weight: 1, arbitrary: fc.constantFrom(...op.fields).map((f): Change => ({ drop: f.name })) },
    { weight: 1, arbitrary: extraFields.map((extra): Change => ({ extra })) },
  );
  const mutated = fc.array(change, { maxLength: 3 }).map((changes) => {
    let input: Record<string, unknown> = { ...seedInput };
    for (const c of changes) {
      if ('set' in c) input[c.set] = c.value;
      else if ('drop' in c) delete input[c.drop];
      else input = { ...c.extra, ...input };
    }
    return input;
  });
  const random = fc
    .record(Object.fromEntries(op.fields.map((f) => [f.name, fc.option(valueOf(f.kind, f.name), { nil: undefined, freq: 4 })])))
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
  return fc.oneof(
    { weight: 12, arbitrary: mutated },
    { weight: 3, arbitrary: random },
    { weight: 1, arbitrary: anyJson }, // not an object at all
  );
}

function recordHandleOf(op: RecordOperation): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(seedOf(op).recordHandle) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 25 }) },
    { weight: 2, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
    { weight: 2, arbitrary: anyNumber },
    { weight: 1, arbitrary: anyJson },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

type Answer = { status: number; text: string; body: { data?: Record<string, { statusCode: number } | null> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } };

async function send(op: RecordOperation, variables: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: AGENT1 },
    body: JSON.stringify({ query: mutationDocument(op), variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Answer['body'] };
}

describe.each(RECORD_OPERATIONS.map((op) => [op.mutation, op] as const))('%s with arbitrary arguments', (_name, op) => {
  it('answers success, UPSTREAM_REJECTED or BAD_USER_INPUT; BAD_USER_INPUT sends nothing upstream', async () => {
    stack.simulator.resetCallingList();
    const variables = op.handleInUrl
      ? fc.record({ recordHandle: recordHandleOf(op), input: inputOf(op) })
      : fc.record({ input: inputOf(op) });
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(variables, async (vars) => {
        const before = stack.simulator.requestCount;
        const { status, text, body } = await send(op, vars as Record<string, unknown>);
        expect(status, text).toBeLessThan(500);
        expect(text).not.toMatch(STACK_TRACE);
        const codes = [...new Set((body.errors ?? []).map((e) => e.extensions?.['code']))];
        const outcome = codes.length === 0 ? 'ok' : codes.join(',');
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (codes.length === 0) {
          expect(body.data?.[op.mutation]?.statusCode, text).toBe(0);
          return;
        }
        expect(codes, text).toHaveLength(1);
        expect(['BAD_USER_INPUT', 'UPSTREAM_REJECTED'], text).toContain(codes[0]);
        if (codes[0] === 'BAD_USER_INPUT') expect(stack.simulator.requestCount - before, `sent upstream: ${text}`).toBe(0);
        else expect(body.errors![0]!.extensions).toMatchObject({ upstreamStatusCode: expect.any(Number) });
      }),
      { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true },
    );
    // The generators reach every branch: a property that only ever saw BAD_USER_INPUT would prove little.
    expect([...outcomes.keys()].sort(), JSON.stringify([...outcomes])).toEqual(expect.arrayContaining(['BAD_USER_INPUT', 'UPSTREAM_REJECTED', 'ok']));
  });
});
