/**
 * The five GWS outbound record operations as data. This table drives the
 * GraphQL resolvers, input validation and body building, the simulator and
 * the contract tests: adding an operation is adding a row.
 */
import {
  CALLBACK_TYPE,
  CALL_RESULT,
  CHAIN_ATTRIBUTE,
  OUTBOUND_NOTIFICATION_TYPE,
  PHONE_TYPE,
  type EnumTable,
} from './gws-enums.js';

/** How a parameter is validated and written to the GWS body. */
export type FieldKind =
  | { readonly type: 'int' } // GWS Integer: 32-bit, >= 0
  | { readonly type: 'long' } // GWS Long: 0 .. 2^53-1
  | { readonly type: 'name' } // campaign, calling list, time zone: printable text
  | { readonly type: 'devicePath' } // /devices/<id>
  | { readonly type: 'phoneNumber' }
  | { readonly type: 'referenceId' }
  | { readonly type: 'enum'; readonly table: EnumTable; readonly graphqlType: string };

export interface FieldSpec {
  /** GWS parameter name, which is also the GraphQL input field name. */
  readonly name: string;
  readonly kind: FieldKind;
  readonly required: boolean;
}

export interface RecordOperation {
  /** GraphQL mutation field. */
  readonly mutation: string;
  /** GraphQL input type name. */
  readonly inputType: string;
  /** GWS operationName sent in the body. */
  readonly operationName: string;
  /** Whether the record handle goes in the URL (`/outbound-records/<handle>`). */
  readonly handleInUrl: boolean;
  /** Parameters besides operationName, in the order the seed page lists them. */
  readonly fields: readonly FieldSpec[];
  /** notificationType of the CometD acknowledgement on /v2/me/outbound. */
  readonly ackNotificationType: string;
  /** The seed page this row was built from (shared/seeds/). */
  readonly seed: string;
}

const int = { type: 'int' } as const;
const long = { type: 'long' } as const;
const name = { type: 'name' } as const;
const devicePath = { type: 'devicePath' } as const;
const phoneNumber = { type: 'phoneNumber' } as const;
const referenceId = { type: 'referenceId' } as const;
const enumOf = (table: EnumTable, graphqlType: string): FieldKind => ({ type: 'enum', table, graphqlType });

const req = (n: string, kind: FieldKind): FieldSpec => ({ name: n, kind, required: true });
const opt = (n: string, kind: FieldKind): FieldSpec => ({ name: n, kind, required: false });

export const RECORD_OPERATIONS = [
  {
    mutation: 'rescheduleRecord',
    inputType: 'RescheduleRecordInput',
    operationName: 'RescheduleRecord',
    handleInUrl: true,
    fields: [
      req('applicationId', int),
      req('campaignName', name),
      req('callbackType', enumOf(CALLBACK_TYPE, 'CallbackType')),
      req('timestamp', long),
      req('devicePath', devicePath),
      opt('referenceId', referenceId),
    ],
    ackNotificationType: OUTBOUND_NOTIFICATION_TYPE.SCHEDULED_RECORD_RESCHEDULE_ACKNOWLEDGE,
    seed: 'reschedule-record.txt',
  },
  {
    mutation: 'rejectRecord',
    inputType: 'RejectRecordInput',
    operationName: 'RejectRecord',
    handleInUrl: true,
    fields: [
      req('applicationId', int),
      req('campaignName', name),
      req('callingList', name),
      req('devicePath', devicePath),
      opt('referenceId', referenceId),
    ],
    ackNotificationType: OUTBOUND_NOTIFICATION_TYPE.RECORD_REJECT_ACKNOWLEDGE,
    seed: 'reject-record.txt',
  },
  {
    mutation: 'updateRecord',
    inputType: 'UpdateRecordInput',
    operationName: 'UpdateRecord',
    handleInUrl: true,
    fields: [
      req('applicationId', int),
      req('campaignName', name),
      opt('callingList', name),
      opt('phoneNumber', phoneNumber),
      opt('timeZone', name),
      opt('phoneType', enumOf(PHONE_TYPE, 'PhoneType')),
      opt('from', int),
      opt('until', int),
      req('devicePath', devicePath),
      opt('referenceId', referenceId),
    ],
    ackNotificationType: OUTBOUND_NOTIFICATION_TYPE.UPDATE_CALL_COMPLETION_STATS_ACKNOWLEDGE,
    seed: 'update-record.txt',
  },
  {
    mutation: 'cancelRecordByPhoneNumber',
    inputType: 'CancelRecordInput',
    operationName: 'CancelRecord',
    handleInUrl: false,
    fields: [
      req('applicationId', int),
      req('campaignName', name),
      req('callingList', name),
      req('phoneNumber', phoneNumber),
      opt('chainAttribute', enumOf(CHAIN_ATTRIBUTE, 'ChainAttribute')),
      req('devicePath', devicePath),
      opt('referenceId', referenceId),
    ],
    ackNotificationType: OUTBOUND_NOTIFICATION_TYPE.RECORD_CANCEL_ACKNOWLEDGE,
    seed: 'cancel-record-with-phone-number.txt',
  },
  {
    mutation: 'completeRecord',
    inputType: 'CompleteRecordInput',
    operationName: 'CompleteRecord',
    handleInUrl: true,
    fields: [
      req('applicationId', int),
      req('campaignName', name),
      req('callingList', name),
      opt('callResult', enumOf(CALL_RESULT, 'CallResult')),
      opt('phoneNumber', phoneNumber),
      req('devicePath', devicePath),
      opt('referenceId', referenceId),
    ],
    ackNotificationType: OUTBOUND_NOTIFICATION_TYPE.RECORD_PROCESSED_ACKNOWLEDGE,
    seed: 'complete-record.txt',
  },
] as const satisfies readonly RecordOperation[];

export type RecordOperationName = (typeof RECORD_OPERATIONS)[number]['operationName'];

export const OUTBOUND_RECORDS_PATH = '/api/v2/me/outbound-records';

/** The GWS path of an operation: the handle goes in the URL where the seed puts it. */
export function operationPath(op: RecordOperation, recordHandle?: number): string {
  return op.handleInUrl ? `${OUTBOUND_RECORDS_PATH}/${String(recordHandle)}` : OUTBOUND_RECORDS_PATH;
}

const byOperationName = new Map<string, RecordOperation>(RECORD_OPERATIONS.map((op) => [op.operationName, op]));
const byMutation = new Map<string, RecordOperation>(RECORD_OPERATIONS.map((op) => [op.mutation, op]));

export function operationByName(operationName: string): RecordOperation | undefined {
  return byOperationName.get(operationName);
}

export function operationByMutation(mutation: string): RecordOperation | undefined {
  return byMutation.get(mutation);
}
