/**
 * Turns a mutation's arguments into the exact GWS request of its operation:
 * validates every field against the operations table, maps enums to their GWS
 * strings, leaves out what the client left out, and adds a referenceId when
 * the client gave none. Nothing is sent upstream when this throws.
 */
import { randomUUID } from 'node:crypto';
import { badUserInput, type InvalidField } from '../errors.js';
import { operationPath, type FieldKind, type RecordOperation } from './record-operations.js';

/** Longest accepted free-text value (campaign, calling list, time zone). */
export const MAX_NAME_LENGTH = 255;
export const MAX_REFERENCE_ID_LENGTH = 128;
const MAX_INT32 = 2_147_483_647;

// GWS device ids are UUIDs in practice; accept any id of safe URL characters.
const DEVICE_PATH = /^\/devices\/[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
// Dialable characters only: digits, an optional leading +, and the usual separators.
const PHONE_NUMBER = /^(?=[^0-9]*[0-9])\+?[0-9(][0-9 ()./#*-]{0,39}$/;
// Printable text without control characters.
const PRINTABLE = /^[^\p{Cc}]*$/u;
const REFERENCE_ID = /^[A-Za-z0-9._:@-]+$/;

export interface UpstreamRequest {
  path: string;
  body: Record<string, unknown>;
  referenceId: string;
}

/** Generates the opaque, unique referenceId used when the client gives none. */
export type ReferenceIdFactory = () => string;
export const defaultReferenceId: ReferenceIdFactory = () => `gql-${randomUUID()}`;

export function buildUpstreamRequest(
  op: RecordOperation,
  recordHandle: number | undefined,
  input: Readonly<Record<string, unknown>>,
  newReferenceId: ReferenceIdFactory = defaultReferenceId,
): UpstreamRequest {
  const problems: InvalidField[] = [];
  if (op.handleInUrl) {
    if (typeof recordHandle !== 'number' || !Number.isInteger(recordHandle) || recordHandle <= 0) {
      problems.push({ field: 'recordHandle', message: 'must be a positive integer' });
    }
  }
  const body: Record<string, unknown> = { operationName: op.operationName };
  for (const field of op.fields) {
    const value = input[field.name];
    if (value === undefined || value === null) {
      if (field.required) problems.push({ field: `input.${field.name}`, message: 'is required' });
      continue;
    }
    const checked = checkField(field.kind, value);
    if ('error' in checked) problems.push({ field: `input.${field.name}`, message: checked.error });
    else body[field.name] = checked.value;
  }
  const known = new Set(op.fields.map((f) => f.name));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) problems.push({ field: `input.${key}`, message: `is not a parameter of ${op.operationName}` });
  }
  if (problems.length > 0) throw badUserInput(problems);

  if (body['referenceId'] === undefined) body['referenceId'] = newReferenceId();
  return { path: operationPath(op, recordHandle), body, referenceId: body['referenceId'] as string };
}

type Checked = { value: unknown } | { error: string };

function checkField(kind: FieldKind, value: unknown): Checked {
  switch (kind.type) {
    case 'int':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_INT32
        ? { value }
        : { error: 'must be an integer from 0 to 2147483647' };
    case 'long':
      return Number.isSafeInteger(value) && (value as number) >= 0
        ? { value }
        : { error: 'must be an integer from 0 to 2^53-1' };
    case 'name':
      return checkText(value, MAX_NAME_LENGTH, PRINTABLE, 'must not contain control characters');
    case 'referenceId':
      return checkText(value, MAX_REFERENCE_ID_LENGTH, REFERENCE_ID, 'may contain only letters, digits and . _ : @ -');
    case 'devicePath':
      return typeof value === 'string' && DEVICE_PATH.test(value)
        ? { value }
        : { error: 'must be of the form /devices/<id> (see Query.devices)' };
    case 'phoneNumber':
      return typeof value === 'string' && PHONE_NUMBER.test(value)
        ? { value }
        : { error: 'must be a phone number: digits, an optional leading +, spaces and ( ) . / # * -, at most 40 characters' };
    case 'enum': {
      const gws = typeof value === 'string' ? kind.table[value] : undefined;
      return gws !== undefined ? { value: gws } : { error: `is not a ${kind.graphqlType}` };
    }
  }
}

function checkText(value: unknown, max: number, pattern: RegExp, patternMessage: string): Checked {
  if (typeof value !== 'string') return { error: 'must be a string' };
  const trimmed = value.trim();
  if (trimmed.length === 0) return { error: 'must not be empty' };
  if (value.length > max) return { error: `must be at most ${max} characters` };
  if (!pattern.test(value)) return { error: patternMessage };
  return { value };
}
