/** schema.graphql, the operations table and the enum tables must say the same thing. */
import { GraphQLEnumType, GraphQLInputObjectType, GraphQLNonNull, buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CALL_RESULT, CALLBACK_TYPE, CHAIN_ATTRIBUTE, OUTBOUND_NOTIFICATION_TYPE, PHONE_TYPE } from '../src/operations/gws-enums.js';
import { RECORD_OPERATIONS } from '../src/operations/record-operations.js';
import { loadTypeDefs } from '../src/graphql/schema.js';

const schema = buildSchema(loadTypeDefs());

describe('schema.graphql', () => {
  it.each(RECORD_OPERATIONS.map((op) => [op.mutation, op] as const))('%s matches the operations table', (_m, op) => {
    const field = schema.getMutationType()!.getFields()[op.mutation]!;
    expect(field, op.mutation).toBeDefined();
    expect(String(field.type)).toBe('RecordOperationResult!');
    expect(field.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual([
      ...(op.handleInUrl ? ['recordHandle: Int!'] : []),
      `input: ${op.inputType}!`,
    ]);
    const input = schema.getType(op.inputType) as GraphQLInputObjectType;
    const fields = input.getFields();
    expect(Object.keys(fields).sort()).toEqual(op.fields.map((f) => f.name).sort());
    for (const spec of op.fields) {
      expect(fields[spec.name]!.type instanceof GraphQLNonNull, `${op.inputType}.${spec.name} required`).toBe(spec.required);
    }
  });

  it.each([
    ['CallbackType', CALLBACK_TYPE],
    ['ChainAttribute', CHAIN_ATTRIBUTE],
    ['PhoneType', PHONE_TYPE],
    ['CallResult', CALL_RESULT],
  ] as const)('enum %s has exactly the values of its table', (name, table) => {
    const type = schema.getType(name) as GraphQLEnumType;
    expect(type.getValues().map((v) => v.name).sort()).toEqual(Object.keys(table).sort());
  });

  it('OutboundNotificationType holds the contract values and UNKNOWN', () => {
    const type = schema.getType('OutboundNotificationType') as GraphQLEnumType;
    expect(type.getValues().map((v) => v.name).sort()).toEqual([...Object.keys(OUTBOUND_NOTIFICATION_TYPE), 'UNKNOWN'].sort());
  });

  it('has the contract subscription and result types', () => {
    expect(String(schema.getSubscriptionType()!.getFields()['outboundRecordEvents']!.type)).toBe('OutboundRecordEvent!');
    const result = schema.getType('RecordOperationResult') as GraphQLInputObjectType;
    expect(Object.keys(result.getFields())).toEqual(expect.arrayContaining(['referenceId', 'statusCode', 'acknowledgement']));
  });
});
