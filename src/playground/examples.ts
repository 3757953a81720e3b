/**
 * The example operations the playground opens as tabs, one per mutation of the
 * contract plus the event subscription, with the values of the GWS seed
 * samples (shared/seeds/). Plain data: the browser client, the tests and any
 * other tool can import it.
 *
 * The mutations give no `referenceId`, so the gateway generates a fresh one on
 * every run: the seeds' fixed '123456789' would make two runs share one
 * acknowledgement correlation id.
 *
 * Each document is one plain template literal behind a GraphQL magic comment
 * (no interpolation) so GraphQL Code Generator can pluck it: the typed documents
 * and the persisted-documents manifest in client/generated come from here.
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

export const EXAMPLE_OPERATIONS: ExampleOperation[] = [
  {
    name: 'Devices',
    query: /* GraphQL */ `# The devicePath a record operation needs, and whether live events flow.
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
    query: /* GraphQL */ `# Selecting acknowledgement waits for the CometD event carrying the referenceId.
mutation RescheduleRecord($recordHandle: Int!, $input: RescheduleRecordInput!) {
  rescheduleRecord(recordHandle: $recordHandle, input: $input) {
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
  }
}
`,
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
    query: /* GraphQL */ `# Selecting acknowledgement waits for the CometD event carrying the referenceId.
mutation RejectRecord($recordHandle: Int!, $input: RejectRecordInput!) {
  rejectRecord(recordHandle: $recordHandle, input: $input) {
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
  }
}
`,
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
    query: /* GraphQL */ `# Selecting acknowledgement waits for the CometD event carrying the referenceId.
mutation UpdateRecord($recordHandle: Int!, $input: UpdateRecordInput!) {
  updateRecord(recordHandle: $recordHandle, input: $input) {
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
  }
}
`,
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
    query: /* GraphQL */ `# The record is found by phone number: GWS reports its handle in the acknowledgement's userData.
mutation CancelRecordByPhoneNumber($input: CancelRecordInput!) {
  cancelRecordByPhoneNumber(input: $input) {
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
  }
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
    query: /* GraphQL */ `# Selecting acknowledgement waits for the CometD event carrying the referenceId.
mutation CompleteRecord($recordHandle: Int!, $input: CompleteRecordInput!) {
  completeRecord(recordHandle: $recordHandle, input: $input) {
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
  }
}
`,
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
    query: /* GraphQL */ `# Runs until stopped; run a mutation in another tab to see its acknowledgement here.
# Resume: pass the cursor of the last event you received as $after.
subscription OutboundRecordEvents($filter: OutboundRecordEventFilter, $after: String) {
  outboundRecordEvents(filter: $filter, after: $after) {
    cursor
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
