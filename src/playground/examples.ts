/**
 * The example operations the playground opens as tabs, one per mutation of the
 * contract plus the event subscription, with the values of the GWS seed
 * samples (shared/seeds/). Plain data: the browser client, the tests and any
 * other tool can import it.
 *
 * The mutations give no `referenceId`, so the gateway generates a fresh one on
 * every run: the seeds' fixed '123456789' would make two runs share one
 * acknowledgement correlation id.
 */

/** One example document with the variables it runs with. */
export interface ExampleOperation {
  /** The operation name, also the tab title. */
  name: string;
  /** A GraphQL document holding exactly one operation, named `name`. */
  query: string;
  /** Variables for the operation, if it takes any. */
  variables?: object;
}

const RESULT_SELECTION = `{
    referenceId
    statusCode
    acknowledgement {
      notificationType
      upstreamNotificationType
      record {
        recordHandle
        campaignName
      }
      userData
      receivedAt
    }
  }`;

/** A mutation that takes a record handle and an input object. */
function recordMutation(name: string, field: string, inputType: string): string {
  return `# Selecting acknowledgement waits for the CometD event carrying the referenceId.
mutation ${name}($recordHandle: Int!, $input: ${inputType}!) {
  ${field}(recordHandle: $recordHandle, input: $input) ${RESULT_SELECTION}
}
`;
}

export const EXAMPLE_OPERATIONS: ExampleOperation[] = [
  {
    name: 'Devices',
    query: `# The devicePath a record operation needs, and whether live events flow.
query Devices {
  devices {
    id
    devicePath
    deviceState
    phoneNumber
  }
  eventStream {
    state
    subscribers
    lastEventAt
  }
}
`,
  },
  {
    name: 'RescheduleRecord',
    query: recordMutation('RescheduleRecord', 'rescheduleRecord', 'RescheduleRecordInput'),
    variables: {
      recordHandle: 9,
      input: {
        applicationId: 134,
        campaignName: 'Campaign1',
        callbackType: 'PERSONAL',
        timestamp: 1433917552,
        devicePath: '/devices/d8a19a8d-aa8f-4cea-93e3-dfb062db7294',
      },
    },
  },
  {
    name: 'RejectRecord',
    query: recordMutation('RejectRecord', 'rejectRecord', 'RejectRecordInput'),
    variables: {
      recordHandle: 9,
      input: {
        applicationId: 134,
        campaignName: 'Campaign1',
        callingList: 'CallingList1',
        devicePath: '/devices/2b00393c-9ad3-418f-8b3d-a06cbe8af395',
      },
    },
  },
  {
    name: 'UpdateRecord',
    query: recordMutation('UpdateRecord', 'updateRecord', 'UpdateRecordInput'),
    variables: {
      recordHandle: 6,
      input: {
        applicationId: 134,
        campaignName: 'Campaign1',
        devicePath: '/devices/68b39a39-dfb5-417d-9efe-93c03a1375af',
      },
    },
  },
  {
    name: 'CancelRecordByPhoneNumber',
    query: `# The record is found by phone number: GWS reports its handle in the acknowledgement's userData.
mutation CancelRecordByPhoneNumber($input: CancelRecordInput!) {
  cancelRecordByPhoneNumber(input: $input) ${RESULT_SELECTION}
}
`,
    variables: {
      input: {
        applicationId: 134,
        campaignName: 'Campaign1',
        callingList: 'CallingList1',
        phoneNumber: '4100180988',
        chainAttribute: 'ALL_CHAIN',
        devicePath: '/devices/57fc644b-c3b8-4ce8-ad82-d7e15c5f0b33',
      },
    },
  },
  {
    name: 'CompleteRecord',
    query: recordMutation('CompleteRecord', 'completeRecord', 'CompleteRecordInput'),
    variables: {
      recordHandle: 12,
      input: {
        applicationId: 134,
        campaignName: 'Campaign1',
        callingList: 'CallingList1',
        devicePath: '/devices/42e3a1c6-fc5e-425b-9411-125f536fde00',
      },
    },
  },
  {
    name: 'OutboundRecordEvents',
    query: `# Runs until stopped; run a mutation in another tab to see its acknowledgement here.
subscription OutboundRecordEvents($filter: OutboundRecordEventFilter) {
  outboundRecordEvents(filter: $filter) {
    notificationType
    upstreamNotificationType
    messageType
    referenceId
    record {
      recordHandle
      applicationId
      campaignName
      callingList
      devicePath
    }
    userData
    callResult
    deviceId
    receivedAt
  }
}
`,
  },
];
