/**
 * The gateway's view of an outbound record event: the CometD acknowledgement
 * on /v2/me/outbound, enriched with its device user event from /me/internal.
 * Parsing is defensive: GWS payloads are data from the network.
 */
import {
  callResultFromCode,
  notificationTypeFromGws,
  type OutboundNotificationTypeName,
} from '../operations/gws-enums.js';

export const OUTBOUND_CHANNEL = '/v2/me/outbound';
export const INTERNAL_CHANNEL = '/me/internal';

export interface OutboundRecordModel {
  recordHandle: number | null;
  applicationId: number | null;
  campaignName: string | null;
  callingList: string | null;
  devicePath: string | null;
}

export interface OutboundRecordEventModel {
  notificationType: OutboundNotificationTypeName;
  upstreamNotificationType: string;
  messageType: string;
  referenceId: string | null;
  record: OutboundRecordModel;
  userData: Record<string, unknown> | null;
  /** CallResult enum name from GSW_CALL_RESULT. */
  callResult: string | null;
  deviceId: string | null;
  receivedAt: Date;
}

/** The fields of an OutboundRecordMessage the gateway reads. */
export interface OutboundAck {
  notificationType: string;
  messageType: string;
  referenceId: string | null;
  record: OutboundRecordModel;
}

/** The fields of a DeviceUserEventMessage the gateway reads. */
export interface DeviceUserEvent {
  userData: Record<string, unknown>;
  deviceId: string | null;
  /** GSW_USER_EVENT: the notificationType of the acknowledgement it belongs to. */
  userEvent: string | null;
  recordHandle: number | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v);
  return null;
};

/** Reads an OutboundRecordMessage; undefined when the payload is not one. */
export function parseOutboundAck(data: unknown): OutboundAck | undefined {
  if (!isObject(data) || typeof data['notificationType'] !== 'string') return undefined;
  const record = isObject(data['record']) ? data['record'] : {};
  return {
    notificationType: data['notificationType'],
    messageType: str(data['messageType']) ?? 'OutboundRecordMessage',
    referenceId: str(data['referenceId']) ?? (typeof data['referenceId'] === 'number' ? String(data['referenceId']) : null),
    record: {
      recordHandle: int(record['recordHandle']),
      applicationId: int(record['applicationId']),
      campaignName: str(record['campaignName']),
      callingList: str(record['callingList']),
      devicePath: str(record['devicePath']),
    },
  };
}

/** Reads a DeviceUserEventMessage carrying GSW_* user data; undefined otherwise. */
export function parseDeviceUserEvent(data: unknown): DeviceUserEvent | undefined {
  if (!isObject(data) || !isObject(data['userData'])) return undefined;
  // CONTRACT.md: subscribers get the GSW_* keys; anything else in GWS's userData stays here.
  const userData = Object.fromEntries(Object.entries(data['userData']).filter(([key]) => key.startsWith('GSW_')));
  return {
    userData,
    deviceId: str(data['deviceId']),
    userEvent: str(userData['GSW_USER_EVENT']),
    recordHandle: int(userData['GSW_RECORD_HANDLE']),
  };
}

/** The event subscribers see: the acknowledgement plus, when it came, its user event. */
export function toOutboundRecordEvent(
  ack: OutboundAck,
  userEvent: DeviceUserEvent | undefined,
  receivedAt: Date,
): OutboundRecordEventModel {
  const record = { ...ack.record };
  // Cancel by phone: the acknowledgement has no recordHandle; the user event does.
  if (record.recordHandle === null && userEvent) record.recordHandle = userEvent.recordHandle;
  return {
    notificationType: notificationTypeFromGws(ack.notificationType),
    upstreamNotificationType: ack.notificationType,
    messageType: ack.messageType,
    referenceId: ack.referenceId,
    record,
    userData: userEvent ? userEvent.userData : null,
    callResult: userEvent ? (callResultFromCode(userEvent.userData['GSW_CALL_RESULT'])?.name ?? null) : null,
    deviceId: userEvent?.deviceId ?? deviceIdOf(record.devicePath),
    receivedAt,
  };
}

function deviceIdOf(devicePath: string | null): string | null {
  const m = devicePath ? /^\/devices\/(.+)$/.exec(devicePath) : null;
  return m ? m[1]! : null;
}
