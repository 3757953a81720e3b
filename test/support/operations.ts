/** GraphQL documents and variables for the five operations, derived from the table and the seeds. */
import { enumNameOf } from '../../src/operations/gws-enums.js';
import type { RecordOperation } from '../../src/operations/record-operations.js';
import { readSeed, type SeedSample } from './seeds.js';

export function mutationDocument(op: RecordOperation, selection = 'operationName referenceId statusCode'): string {
  return op.handleInUrl
    ? `mutation Op($recordHandle: Int!, $input: ${op.inputType}!) { ${op.mutation}(recordHandle: $recordHandle, input: $input) { ${selection} } }`
    : `mutation Op($input: ${op.inputType}!) { ${op.mutation}(input: $input) { ${selection} } }`;
}

/** The mutation variables that stand for a seed's sample request: GWS enum strings become GraphQL enum values. */
export function variablesFromSeed(op: RecordOperation, seed: SeedSample): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of op.fields) {
    const value = seed.request[field.name];
    if (value === undefined) continue;
    input[field.name] = field.kind.type === 'enum' ? enumNameOf(field.kind.table, value as string) : value;
  }
  return op.handleInUrl ? { recordHandle: seed.recordHandle, input } : { input };
}

export function seedOf(op: RecordOperation): SeedSample {
  return readSeed(op.seed);
}
