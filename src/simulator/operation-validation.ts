/**
 * Checks an outbound-records request against the operations table
 * (src/operations/record-operations.ts): operation name, handle placement,
 * required parameters and each parameter's kind. Pure: throws GwsError.
 */
import {
  operationByName,
  type FieldKind,
  type RecordOperation,
} from '../operations/record-operations.js';
import { GWS_STATUS, GwsError } from './gws-errors.js';

/** A request that passed validation. `params` holds the table's parameters that were present. */
export interface ValidOperation {
  readonly op: RecordOperation;
  readonly params: Readonly<Record<string, unknown>>;
  readonly recordHandle: number | undefined;
}

const INT_MAX = 2 ** 31 - 1;
const hasControlChars = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
};

const missing = (name: string): GwsError =>
  new GwsError(GWS_STATUS.REQUIRED_PARAMETER_MISSING, `Required parameter ${name} is missing`);
const invalid = (name: string, why: string): GwsError =>
  new GwsError(GWS_STATUS.VALIDATION_ERROR, `Parameter ${name} is not valid: ${why}`);

/** Why a value does not fit its kind, or undefined when it does. */
function kindProblem(kind: FieldKind, value: unknown): string | undefined {
  switch (kind.type) {
    case 'int':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= INT_MAX
        ? undefined
        : 'expected an Integer';
    case 'long':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : 'expected a Long';
    case 'name':
      return typeof value === 'string' && value.length > 0 && value.length <= 255 && !hasControlChars(value)
        ? undefined
        : 'expected a non-empty name';
    case 'devicePath':
      return typeof value === 'string' && /^\/devices\/[A-Za-z0-9._~-]+$/.test(value)
        ? undefined
        : 'expected /devices/<id>';
    case 'phoneNumber':
      return typeof value === 'string' && /^[0-9+*#() .-]{1,64}$/.test(value) ? undefined : 'expected a phone number';
    case 'referenceId':
      return typeof value === 'string' && value.length > 0 && value.length <= 256 && !hasControlChars(value)
        ? undefined
        : 'expected a String';
    case 'enum':
      return typeof value === 'string' && Object.values(kind.table).includes(value)
        ? undefined
        : `expected one of ${Object.values(kind.table).join(', ')}`;
  }
}

/**
 * Validates a body sent to `/api/v2/me/outbound-records[/<handleSegment>]`.
 * Unknown extra parameters are ignored, as a lenient JSON binder would.
 */
export function validateOperation(body: Readonly<Record<string, unknown>>, handleSegment: string | undefined): ValidOperation {
  const operationName = body['operationName'];
  if (operationName === undefined || operationName === null) throw missing('operationName');
  if (typeof operationName !== 'string') throw invalid('operationName', 'expected a String');
  const op = operationByName(operationName);
  if (!op) throw new GwsError(GWS_STATUS.VALIDATION_ERROR, `Unknown operationName ${operationName}`);

  let recordHandle: number | undefined;
  if (handleSegment !== undefined) {
    if (!op.handleInUrl) {
      throw new GwsError(GWS_STATUS.VALIDATION_ERROR, `${op.operationName} takes no record handle in the URL`);
    }
    recordHandle = /^\d{1,15}$/.test(handleSegment) ? Number(handleSegment) : undefined;
    if (recordHandle === undefined) throw invalid('recordHandle', 'expected a number in the URL');
  } else if (op.handleInUrl) {
    throw missing('recordHandle');
  }

  const params: Record<string, unknown> = {};
  for (const field of op.fields) {
    const value = body[field.name];
    if (value === undefined || value === null) {
      if (field.required) throw missing(field.name);
      continue;
    }
    const problem = kindProblem(field.kind, value);
    if (problem) throw invalid(field.name, problem);
    params[field.name] = value;
  }
  return { op, params, recordHandle };
}

/** The device id of a validated `/devices/<id>` path. */
export function deviceIdOf(devicePath: string): string {
  return devicePath.slice('/devices/'.length);
}
