/**
 * The two CometD messages GWS publishes after an accepted record operation,
 * built from the operations table plus one small row per operation holding
 * what differs between the seed samples (shared/seeds/*.txt).
 */
import type { RecordOperation, RecordOperationName } from '../operations/record-operations.js';
import type { CallingRecord } from './calling-list.js';
import { deviceIdOf } from './operation-validation.js';

/** Channel of the acknowledgement (`OutboundRecordMessage`). */
export const OUTBOUND_CHANNEL = '/v2/me/outbound';
/** Channel of the user event (`DeviceUserEventMessage`). */
export const USER_EVENT_CHANNEL = '/me/internal';

/** A message to publish to one user. */
export interface SimEvent {
  readonly channel: string;
  readonly data: Record<string, unknown>;
}

/** What the event builders see. */
export interface EventInput {
  readonly op: RecordOperation;
  readonly params: Readonly<Record<string, unknown>>;
  /** The record after the operation. */
  readonly record: CallingRecord;
  /** process.hrtime.bigint() when the request arrived, for the metrics block. */
  readonly receivedAtNanos: bigint;
}

interface EventRule {
  /** Whether the ack's `record` has `recordHandle` (the cancel seed has none). */
  readonly ackHasRecordHandle: boolean;
  /** The campaign key of userData: the reschedule seed spells it GSW_CAMPAIN_NAME. */
  readonly campaignKey: 'GSW_CAMPAIGN_NAME' | 'GSW_CAMPAIN_NAME';
  /** userData keys beyond the common ones. */
  readonly extras?: (input: EventInput) => Record<string, unknown>;
}

/** 'MM/DD/YYYY HH:mm' in UTC, as GSW_DATE_TIME shows 1433917552 -> '06/10/2015 06:25'. */
export function gswDateTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

const EVENT_RULES = {
  RescheduleRecord: {
    ackHasRecordHandle: true,
    campaignKey: 'GSW_CAMPAIN_NAME',
    extras: ({ params }) => ({
      GSW_DATE_TIME: gswDateTime(params['timestamp'] as number),
      GSW_CALLBACK_TYPE: params['callbackType'],
    }),
  },
  RejectRecord: { ackHasRecordHandle: true, campaignKey: 'GSW_CAMPAIGN_NAME' },
  UpdateRecord: {
    ackHasRecordHandle: true,
    campaignKey: 'GSW_CAMPAIGN_NAME',
    // The update seed shows the record's last call result as a numeric string.
    extras: ({ record }) => ({ GSW_CALL_RESULT: String(record.lastCallResult) }),
  },
  CancelRecord: {
    ackHasRecordHandle: false,
    campaignKey: 'GSW_CAMPAIGN_NAME',
    extras: ({ params, record }) => ({
      ...(params['chainAttribute'] !== undefined ? { GSW_CHAIN_ATTR: params['chainAttribute'] } : {}),
      GSW_PHONE: record.phoneNumber,
    }),
  },
  CompleteRecord: {
    ackHasRecordHandle: true,
    campaignKey: 'GSW_CAMPAIGN_NAME',
    // The complete seed shows the OCS code as a number.
    extras: ({ record }) => ({ GSW_CALL_RESULT: record.lastCallResult }),
  },
} as const satisfies Record<RecordOperationName, EventRule>;

/** The `/v2/me/outbound` acknowledgement. */
export function buildAck(input: EventInput): SimEvent {
  const { op, params, record } = input;
  const rule: EventRule = EVENT_RULES[op.operationName as RecordOperationName];
  const data: Record<string, unknown> = {
    record: {
      devicePath: params['devicePath'],
      callingList: record.callingList,
      applicationId: record.applicationId,
      ...(rule.ackHasRecordHandle ? { recordHandle: record.recordHandle } : {}),
      campaignName: record.campaignName,
    },
    notificationType: op.ackNotificationType,
    messageType: 'OutboundRecordMessage',
  };
  if (params['referenceId'] !== undefined) data['referenceId'] = params['referenceId'];
  return { channel: OUTBOUND_CHANNEL, data };
}

/** The `/me/internal` DeviceUserEventMessage. */
export function buildUserEvent(input: EventInput, now = Date.now()): SimEvent {
  const { op, params, record } = input;
  const rule: EventRule = EVENT_RULES[op.operationName as RecordOperationName];
  const nanos = process.hrtime.bigint() - input.receivedAtNanos;
  const data: Record<string, unknown> = {
    metrics: {
      eventProcessing: {
        serverGenerationTimestamp: now,
        nodeProcessingTimeNanos: Number(nanos),
        serverProcessingTimeTotalMs: Math.round(Number(nanos) / 1e6),
      },
    },
    userData: {
      GSW_APPLICATION_ID: record.applicationId,
      GSW_RECORD_HANDLE: record.recordHandle,
      GSW_USER_EVENT: op.ackNotificationType,
      GSW_CALLING_LIST: record.callingList,
      ...rule.extras?.(input),
      [rule.campaignKey]: record.campaignName,
    },
    deviceId: deviceIdOf(params['devicePath'] as string),
    messageType: 'DeviceUserEventMessage',
  };
  return { channel: USER_EVENT_CHANNEL, data };
}
