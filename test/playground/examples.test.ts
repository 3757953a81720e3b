/**
 * The playground's example operations are valid against schema.graphql,
 * variables included, and carry the seed samples' values.
 */
import { readFileSync } from 'node:fs';
import { Kind, buildSchema, getVariableValues, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_OPERATIONS } from '../../src/playground/examples.js';

const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

describe('EXAMPLE_OPERATIONS', () => {
  it('covers the five mutations and the subscription, with unique names', () => {
    const names = EXAMPLE_OPERATIONS.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
    const fields = EXAMPLE_OPERATIONS.flatMap((op) => {
      const operation = parse(op.query).definitions[0] as OperationDefinitionNode;
      return operation.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? `${operation.operation}.${s.name.value}` : ''));
    });
    expect(fields).toEqual(
      expect.arrayContaining([
        'mutation.rescheduleRecord',
        'mutation.rejectRecord',
        'mutation.updateRecord',
        'mutation.cancelRecordByPhoneNumber',
        'mutation.completeRecord',
        'subscription.outboundRecordEvents',
      ]),
    );
  });

  it.each(EXAMPLE_OPERATIONS.map((op) => [op.name, op] as const))('%s validates, variables included', (name, op) => {
    const document = parse(op.query);
    expect(validate(schema, document)).toEqual([]);
    expect(document.definitions).toHaveLength(1);
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(operation.name?.value).toBe(name);
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], (op.variables ?? {}) as Record<string, unknown>);
    expect(coerced.errors ?? []).toEqual([]);
  });

  it('uses the seed samples: application 134, Campaign1, each seed’s record handle and device', () => {
    const variables = Object.fromEntries(EXAMPLE_OPERATIONS.map((op) => [op.name, op.variables as Record<string, unknown> | undefined]));
    expect(variables.RescheduleRecord).toMatchObject({
      recordHandle: 9,
      input: { applicationId: 134, campaignName: 'Campaign1', callbackType: 'PERSONAL', timestamp: 1433917552, devicePath: '/devices/d8a19a8d-aa8f-4cea-93e3-dfb062db7294' },
    });
    expect(variables.RejectRecord).toMatchObject({ recordHandle: 9, input: { callingList: 'CallingList1' } });
    expect(variables.UpdateRecord).toMatchObject({ recordHandle: 6 });
    expect(variables.CancelRecordByPhoneNumber).toMatchObject({ input: { phoneNumber: '4100180988', chainAttribute: 'ALL_CHAIN' } });
    expect(variables.CompleteRecord).toMatchObject({ recordHandle: 12, input: { devicePath: '/devices/42e3a1c6-fc5e-425b-9411-125f536fde00' } });
  });
});
