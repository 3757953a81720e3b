/**
 * The five seed samples (shared/seeds/*.txt): request path and body, and the
 * CometD data GWS sends back, with the metrics block left out (it is
 * measured, not fixed).
 */
export interface SeedSample {
  readonly operationName: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly ack: Record<string, unknown>;
  readonly userData: Record<string, unknown>;
  readonly deviceId: string;
}

export const SEED_SAMPLES: readonly SeedSample[] = [
  {
    operationName: 'RescheduleRecord',
    path: '/api/v2/me/outbound-records/9',
    body: {
      devicePath: '/devices/d8a19a8d-aa8f-4cea-93e3-dfb062db7294',
      campaignName: 'Campaign1',
      timestamp: 1433917552,
      operationName: 'RescheduleRecord',
      applicationId: 134,
      callbackType: 'Personal',
      referenceId: '123456789',
    },
    ack: {
      record: {
        devicePath: '/devices/d8a19a8d-aa8f-4cea-93e3-dfb062db7294',
        callingList: 'CallingList1',
        applicationId: 134,
        recordHandle: 9,
        campaignName: 'Campaign1',
      },
      notificationType: 'ScheduledRecordRescheduleAcknowledge',
      messageType: 'OutboundRecordMessage',
      referenceId: '123456789',
    },
    userData: {
      GSW_APPLICATION_ID: 134,
      GSW_RECORD_HANDLE: 9,
      GSW_USER_EVENT: 'ScheduledRecordRescheduleAcknowledge',
      GSW_CALLING_LIST: 'CallingList1',
      GSW_DATE_TIME: '06/10/2015 06:25',
      GSW_CALLBACK_TYPE: 'Personal',
      GSW_CAMPAIN_NAME: 'Campaign1',
    },
    deviceId: 'd8a19a8d-aa8f-4cea-93e3-dfb062db7294',
  },
  {
    operationName: 'RejectRecord',
    path: '/api/v2/me/outbound-records/9',
    body: {
      operationName: 'RejectRecord',
      devicePath: '/devices/2b00393c-9ad3-418f-8b3d-a06cbe8af395',
      callingList: 'CallingList1',
      applicationId: 134,
      campaignName: 'Campaign1',
      referenceId: '123456789',
    },
    ack: {
      record: {
        devicePath: '/devices/2b00393c-9ad3-418f-8b3d-a06cbe8af395',
        callingList: 'CallingList1',
        applicationId: 134,
        recordHandle: 9,
        campaignName: 'Campaign1',
      },
      notificationType: 'RecordRejectAcknowledge',
      messageType: 'OutboundRecordMessage',
      referenceId: '123456789',
    },
    userData: {
      GSW_APPLICATION_ID: 134,
      GSW_RECORD_HANDLE: 9,
      GSW_USER_EVENT: 'RecordRejectAcknowledge',
      GSW_CALLING_LIST: 'CallingList1',
      GSW_CAMPAIGN_NAME: 'Campaign1',
    },
    deviceId: '2b00393c-9ad3-418f-8b3d-a06cbe8af395',
  },
  {
    operationName: 'UpdateRecord',
    path: '/api/v2/me/outbound-records/6',
    body: {
      devicePath: '/devices/68b39a39-dfb5-417d-9efe-93c03a1375af',
      operationName: 'UpdateRecord',
      applicationId: 134,
      campaignName: 'Campaign1',
      referenceId: '123456789',
    },
    ack: {
      record: {
        campaignName: 'Campaign1',
        devicePath: '/devices/68b39a39-dfb5-417d-9efe-93c03a1375af',
        callingList: 'CallingList1',
        applicationId: 134,
        recordHandle: 6,
      },
      notificationType: 'UpdateCallCompletionStatsAcknowledge',
      messageType: 'OutboundRecordMessage',
      referenceId: '123456789',
    },
    userData: {
      GSW_CALLING_LIST: 'CallingList1',
      GSW_APPLICATION_ID: 134,
      GSW_RECORD_HANDLE: 6,
      GSW_USER_EVENT: 'UpdateCallCompletionStatsAcknowledge',
      GSW_CALL_RESULT: '21',
      GSW_CAMPAIGN_NAME: 'Campaign1',
    },
    deviceId: '68b39a39-dfb5-417d-9efe-93c03a1375af',
  },
  {
    operationName: 'CancelRecord',
    path: '/api/v2/me/outbound-records',
    body: {
      callingList: 'CallingList1',
      phoneNumber: '4100180988',
      campaignName: 'Campaign1',
      devicePath: '/devices/57fc644b-c3b8-4ce8-ad82-d7e15c5f0b33',
      operationName: 'CancelRecord',
      applicationId: 134,
      chainAttribute: 'AllChain',
      referenceId: '123456789',
    },
    ack: {
      record: {
        devicePath: '/devices/57fc644b-c3b8-4ce8-ad82-d7e15c5f0b33',
        callingList: 'CallingList1',
        applicationId: 134,
        campaignName: 'Campaign1',
      },
      notificationType: 'RecordCancelAcknowledge',
      messageType: 'OutboundRecordMessage',
      referenceId: '123456789',
    },
    userData: {
      GSW_CHAIN_ATTR: 'AllChain',
      GSW_APPLICATION_ID: 134,
      GSW_RECORD_HANDLE: 11,
      GSW_USER_EVENT: 'RecordCancelAcknowledge',
      GSW_CALLING_LIST: 'CallingList1',
      GSW_PHONE: '4100180988',
      GSW_CAMPAIGN_NAME: 'Campaign1',
    },
    deviceId: '57fc644b-c3b8-4ce8-ad82-d7e15c5f0b33',
  },
  {
    operationName: 'CompleteRecord',
    path: '/api/v2/me/outbound-records/12',
    body: {
      operationName: 'CompleteRecord',
      devicePath: '/devices/42e3a1c6-fc5e-425b-9411-125f536fde00',
      callingList: 'CallingList1',
      applicationId: 134,
      campaignName: 'Campaign1',
      referenceId: '123456789',
    },
    ack: {
      record: {
        campaignName: 'Campaign1',
        devicePath: '/devices/42e3a1c6-fc5e-425b-9411-125f536fde00',
        callingList: 'CallingList1',
        applicationId: 134,
        recordHandle: 12,
      },
      notificationType: 'RecordProcessedAcknowledge',
      messageType: 'OutboundRecordMessage',
      referenceId: '123456789',
    },
    userData: {
      GSW_CALLING_LIST: 'CallingList1',
      GSW_APPLICATION_ID: 134,
      GSW_RECORD_HANDLE: 12,
      GSW_USER_EVENT: 'RecordProcessedAcknowledge',
      GSW_CALL_RESULT: 33,
      GSW_CAMPAIGN_NAME: 'Campaign1',
    },
    deviceId: '42e3a1c6-fc5e-425b-9411-125f536fde00',
  },
];

/** The sample of one operation. */
export function seedSample(operationName: string): SeedSample {
  const sample = SEED_SAMPLES.find((s) => s.operationName === operationName);
  if (!sample) throw new Error(`no seed sample for ${operationName}`);
  return sample;
}
