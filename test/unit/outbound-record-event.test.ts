/** userData of an event carries the GSW_* keys of the device user event (CONTRACT.md), nothing else GWS put there. */
import { describe, expect, it } from 'vitest';
import { parseDeviceUserEvent, parseOutboundAck, toOutboundRecordEvent } from '../../src/events/outbound-record-event.js';

describe('device user event userData', () => {
  it('keeps only the keys starting with GSW_', () => {
    const userEvent = parseDeviceUserEvent({
      messageType: 'DeviceUserEventMessage',
      deviceId: 'd-1',
      userData: {
        GSW_USER_EVENT: 'RecordRejectAcknowledge',
        GSW_RECORD_HANDLE: 9,
        GSW_CALL_RESULT: 28,
        InternalRoutingKey: 'not-for-clients',
        gsw_lowercase: 'not GSW_',
        nested: { GSW_X: 1 },
      },
    });
    expect(userEvent?.userData).toEqual({ GSW_USER_EVENT: 'RecordRejectAcknowledge', GSW_RECORD_HANDLE: 9, GSW_CALL_RESULT: 28 });
    const ack = parseOutboundAck({ notificationType: 'RecordRejectAcknowledge', referenceId: 'r', record: { recordHandle: 9 } })!;
    const event = toOutboundRecordEvent(ack, userEvent, new Date(0));
    expect(Object.keys(event.userData ?? {}).every((k) => k.startsWith('GSW_'))).toBe(true);
    expect(event.userData).not.toHaveProperty('InternalRoutingKey');
  });
});
