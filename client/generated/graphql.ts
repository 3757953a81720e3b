/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Outbound Contact Server call results (GSW_CALL_RESULT codes). */
export type CallResult =
  /** OCS code 21: Abandoned */
  | 'ABANDONED'
  /** OCS code 47: AgentCallbackError */
  | 'AGENT_CALLBACK_ERROR'
  /** OCS code 10: AllTrunksBusy */
  | 'ALL_TRUNKS_BUSY'
  /** OCS code 33: Answer */
  | 'ANSWER'
  /** OCS code 9: AnsweringMachineDetected */
  | 'ANSWERING_MACHINE_DETECTED'
  /** OCS code 31: Bridged */
  | 'BRIDGED'
  /** OCS code 6: Busy */
  | 'BUSY'
  /** OCS code 42: CallDropError */
  | 'CALL_DROP_ERROR'
  /** OCS code 52: CancelRecord */
  | 'CANCEL_RECORD'
  /** OCS code 19: Cleared */
  | 'CLEARED'
  /** OCS code 2: Conferenced */
  | 'CONFERENCED'
  /** OCS code 24: Consult */
  | 'CONSULT'
  /** OCS code 30: ConverseOn */
  | 'CONVERSE_ON'
  /** OCS code 29: Covered */
  | 'COVERED'
  /** OCS code 49: Deafened */
  | 'DEAFENED'
  /** OCS code 41: DialError */
  | 'DIAL_ERROR'
  /** OCS code 51: DoNotCall */
  | 'DO_NOT_CALL'
  /** OCS code 26: Dropped */
  | 'DROPPED'
  /** OCS code 27: DroppedOnNoAnswer */
  | 'DROPPED_ON_NO_ANSWER'
  /** OCS code 17: Fax */
  | 'FAX'
  /** OCS code 23: Forwarded */
  | 'FORWARDED'
  /** OCS code 3: GeneralError */
  | 'GENERAL_ERROR'
  /** OCS code 48: GroupCallbackError */
  | 'GROUP_CALLBACK_ERROR'
  /** OCS code 50: Held */
  | 'HELD'
  /** OCS code 7: NoAnswer */
  | 'NO_ANSWER'
  /** OCS code 35: NoDialTone */
  | 'NO_DIAL_TONE'
  /** OCS code 38: NoEstablishedDetected */
  | 'NO_ESTABLISHED_DETECTED'
  /** OCS code 44: NoPortAvailable */
  | 'NO_PORT_AVAILABLE'
  /** OCS code 36: NoProgress */
  | 'NO_PROGRESS'
  /** OCS code 37: NoRingBackTone */
  | 'NO_RING_BACK_TONE'
  /** OCS code 34: NUTone */
  | 'NU_TONE'
  /** OCS code 0: Ok */
  | 'OK'
  /** OCS code 20: Overflowed */
  | 'OVERFLOWED'
  /** OCS code 39: Pager */
  | 'PAGER'
  /** OCS code 25: PickedUp */
  | 'PICKED_UP'
  /** OCS code 18: QueueFull */
  | 'QUEUE_FULL'
  /** OCS code 22: Redirected */
  | 'REDIRECTED'
  /** OCS code 5: RemoteRelease */
  | 'REMOTE_RELEASE'
  /** OCS code 32: Silence */
  | 'SILENCE'
  /** OCS code 8: SITDetected */
  | 'SIT_DETECTED'
  /** OCS code 13: SITIC */
  | 'SIT_IC'
  /** OCS code 11: SITInvalidNum */
  | 'SIT_INVALID_NUM'
  /** OCS code 15: SITNC */
  | 'SIT_NC'
  /** OCS code 16: SITRO */
  | 'SIT_RO'
  /** OCS code 14: SITUnknown */
  | 'SIT_UNKNOWN'
  /** OCS code 12: SITVC */
  | 'SIT_VC'
  /** OCS code 46: Stale */
  | 'STALE'
  /** OCS code 43: SwitchError */
  | 'SWITCH_ERROR'
  /** OCS code 4: SystemError */
  | 'SYSTEM_ERROR'
  /** OCS code 1: Transferred */
  | 'TRANSFERRED'
  /** OCS code 45: TransferError */
  | 'TRANSFER_ERROR'
  /** OCS code 28: Unknown */
  | 'UNKNOWN'
  /** OCS code 53: WrongNumber */
  | 'WRONG_NUMBER'
  /** OCS code 40: WrongParty */
  | 'WRONG_PARTY';

export type CallbackType =
  | 'CAMPAIGN'
  | 'PERSONAL';

export type CancelRecordInput = {
  applicationId: number;
  callingList: string;
  campaignName: string;
  chainAttribute?: ChainAttribute | null | undefined;
  devicePath: string;
  /** The phone number of the record to cancel. */
  phoneNumber: string;
  referenceId?: string | null | undefined;
};

export type ChainAttribute =
  | 'ALL_CHAIN'
  | 'RECORD_ONLY';

export type CompleteRecordInput = {
  applicationId: number;
  callResult?: CallResult | null | undefined;
  callingList: string;
  campaignName: string;
  devicePath: string;
  phoneNumber?: string | null | undefined;
  referenceId?: string | null | undefined;
};

export type EventStreamState =
  | 'CLOSED'
  | 'CONNECTED'
  | 'CONNECTING'
  /** No subscriber or waiter needs the stream: no upstream CometD session is open. */
  | 'IDLE'
  /** The connection broke; the gateway is retrying with backoff (see `failingSince`). */
  | 'RECONNECTING'
  /** GWS refused the credentials; no retry. */
  | 'UNAUTHENTICATED';

export type OutboundNotificationType =
  | 'CHAINED_RECORDS_DATA_END'
  | 'DO_NOT_CALL_ACKNOWLEDGE'
  | 'PREVIEW_RECORD'
  | 'RECORD_CANCEL_ACKNOWLEDGE'
  | 'RECORD_PROCESSED_ACKNOWLEDGE'
  | 'RECORD_REJECT_ACKNOWLEDGE'
  | 'SCHEDULED_RECORD_RESCHEDULE_ACKNOWLEDGE'
  /** A notification type this version of the gateway does not know: see upstreamNotificationType. */
  | 'UNKNOWN'
  | 'UPDATE_CALL_COMPLETION_STATS_ACKNOWLEDGE';

export type OutboundRecordEventFilter = {
  callingList?: string | null | undefined;
  campaignName?: string | null | undefined;
  /** Only these types (any type when absent). */
  notificationTypes?: Array<OutboundNotificationType> | null | undefined;
  recordHandle?: number | null | undefined;
  referenceId?: string | null | undefined;
};

export type PhoneType =
  | 'BUSINESS_WITH_EXT'
  | 'DIRECT_BUSINESS_PHONE'
  | 'EMAIL_ADDRESS'
  | 'HOME_PHONE'
  | 'INSTANT_MESSAGING'
  | 'MOBILE'
  | 'MODEM'
  | 'NO_CONTACT_TYPE'
  | 'PAGER'
  | 'PIN_PAGER'
  | 'VACATION_PHONE'
  | 'VOICE_MAIL';

export type RejectRecordInput = {
  applicationId: number;
  callingList: string;
  campaignName: string;
  devicePath: string;
  referenceId?: string | null | undefined;
};

export type RescheduleRecordInput = {
  applicationId: number;
  callbackType: CallbackType;
  campaignName: string;
  /** /devices/<id>, as listed by Query.devices. */
  devicePath: string;
  /** Correlates the operation with its CometD acknowledgement; generated when absent. */
  referenceId?: string | null | undefined;
  /** Seconds since the epoch (UTC) of the new call time. */
  timestamp: number;
};

export type UpdateRecordInput = {
  applicationId: number;
  callingList?: string | null | undefined;
  campaignName: string;
  devicePath: string;
  /** The record is available from this time. */
  from?: number | null | undefined;
  phoneNumber?: string | null | undefined;
  phoneType?: PhoneType | null | undefined;
  referenceId?: string | null | undefined;
  timeZone?: string | null | undefined;
  /** The record is available until this time. */
  until?: number | null | undefined;
};

export type DevicesQueryVariables = Exact<{ [key: string]: never; }>;


export type DevicesQuery = { __typename: 'Query', devices: Array<{ __typename: 'Device', id: string, devicePath: string, deviceState: string | null, phoneNumber: string | null }>, eventStream: { __typename: 'EventStreamStatus', state: EventStreamState, subscribers: number, lastEventAt: string | null } };

export type RescheduleRecordMutationVariables = Exact<{
  recordHandle: number;
  input: RescheduleRecordInput;
}>;


export type RescheduleRecordMutation = { __typename: 'Mutation', rescheduleRecord: { __typename: 'RecordOperationResult', referenceId: string, statusCode: number, acknowledgement: { __typename: 'OutboundRecordEvent', notificationType: OutboundNotificationType, upstreamNotificationType: string, userData: unknown, receivedAt: string, record: { __typename: 'OutboundRecord', recordHandle: number | null, campaignName: string | null } } | null } };

export type RejectRecordMutationVariables = Exact<{
  recordHandle: number;
  input: RejectRecordInput;
}>;


export type RejectRecordMutation = { __typename: 'Mutation', rejectRecord: { __typename: 'RecordOperationResult', referenceId: string, statusCode: number, acknowledgement: { __typename: 'OutboundRecordEvent', notificationType: OutboundNotificationType, upstreamNotificationType: string, userData: unknown, receivedAt: string, record: { __typename: 'OutboundRecord', recordHandle: number | null, campaignName: string | null } } | null } };

export type UpdateRecordMutationVariables = Exact<{
  recordHandle: number;
  input: UpdateRecordInput;
}>;


export type UpdateRecordMutation = { __typename: 'Mutation', updateRecord: { __typename: 'RecordOperationResult', referenceId: string, statusCode: number, acknowledgement: { __typename: 'OutboundRecordEvent', notificationType: OutboundNotificationType, upstreamNotificationType: string, userData: unknown, receivedAt: string, record: { __typename: 'OutboundRecord', recordHandle: number | null, campaignName: string | null } } | null } };

export type CancelRecordByPhoneNumberMutationVariables = Exact<{
  input: CancelRecordInput;
}>;


export type CancelRecordByPhoneNumberMutation = { __typename: 'Mutation', cancelRecordByPhoneNumber: { __typename: 'RecordOperationResult', referenceId: string, statusCode: number, acknowledgement: { __typename: 'OutboundRecordEvent', notificationType: OutboundNotificationType, upstreamNotificationType: string, userData: unknown, receivedAt: string, record: { __typename: 'OutboundRecord', recordHandle: number | null, campaignName: string | null } } | null } };

export type CompleteRecordMutationVariables = Exact<{
  recordHandle: number;
  input: CompleteRecordInput;
}>;


export type CompleteRecordMutation = { __typename: 'Mutation', completeRecord: { __typename: 'RecordOperationResult', referenceId: string, statusCode: number, acknowledgement: { __typename: 'OutboundRecordEvent', notificationType: OutboundNotificationType, upstreamNotificationType: string, userData: unknown, receivedAt: string, record: { __typename: 'OutboundRecord', recordHandle: number | null, campaignName: string | null } } | null } };

export type OutboundRecordEventsSubscriptionVariables = Exact<{
  filter?: OutboundRecordEventFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type OutboundRecordEventsSubscription = { outboundRecordEvents: { __typename: 'OutboundRecordEvent', cursor: string, notificationType: OutboundNotificationType, upstreamNotificationType: string, messageType: string, referenceId: string | null, userData: unknown, callResult: CallResult | null, deviceId: string | null, receivedAt: string, record: { __typename: 'OutboundRecord', recordHandle: number | null, applicationId: number | null, campaignName: string | null, callingList: string | null, devicePath: string | null } } };


export const DevicesDocument = {"__meta__":{"hash":"sha256:39ed45b5388e5972275c39e96822677db138f3d594b179fcf9ace7814dd2aa65"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Devices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"devices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"devicePath"}},{"kind":"Field","name":{"kind":"Name","value":"deviceState"}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumber"}}]}},{"kind":"Field","name":{"kind":"Name","value":"eventStream"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"subscribers"}},{"kind":"Field","name":{"kind":"Name","value":"lastEventAt"}}]}}]}}]} as unknown as DocumentNode<DevicesQuery, DevicesQueryVariables>;
export const RescheduleRecordDocument = {"__meta__":{"hash":"sha256:f69f72c4e835d5ea318e4f9cf27bdf4fc81010e6faa190f02a5183e1aba1556c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RescheduleRecord"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"recordHandle"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RescheduleRecordInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"rescheduleRecord"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"recordHandle"},"value":{"kind":"Variable","name":{"kind":"Name","value":"recordHandle"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"referenceId"}},{"kind":"Field","name":{"kind":"Name","value":"statusCode"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgement"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"notificationType"}},{"kind":"Field","name":{"kind":"Name","value":"upstreamNotificationType"}},{"kind":"Field","name":{"kind":"Name","value":"record"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"recordHandle"}},{"kind":"Field","name":{"kind":"Name","value":"campaignName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userData"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}}]}}]}}]}}]} as unknown as DocumentNode<RescheduleRecordMutation, RescheduleRecordMutationVariables>;
export const RejectRecordDocument = {"__meta__":{"hash":"sha256:6b24b2f26eb8e25ee8b8dafcbb043bdeddc76f6c44ba80e61ded8c174ef3c9ad"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RejectRecord"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"recordHandle"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RejectRecordInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"rejectRecord"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"recordHandle"},"value":{"kind":"Variable","name":{"kind":"Name","value":"recordHandle"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"referenceId"}},{"kind":"Field","name":{"kind":"Name","value":"statusCode"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgement"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"notificationType"}},{"kind":"Field","name":{"kind":"Name","value":"upstreamNotificationType"}},{"kind":"Field","name":{"kind":"Name","value":"record"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"recordHandle"}},{"kind":"Field","name":{"kind":"Name","value":"campaignName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userData"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}}]}}]}}]}}]} as unknown as DocumentNode<RejectRecordMutation, RejectRecordMutationVariables>;
export const UpdateRecordDocument = {"__meta__":{"hash":"sha256:955e5d66b9e81f15351ca9720278e678ed66ca2df72240521450eaa845d80dcd"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateRecord"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"recordHandle"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateRecordInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"updateRecord"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"recordHandle"},"value":{"kind":"Variable","name":{"kind":"Name","value":"recordHandle"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"referenceId"}},{"kind":"Field","name":{"kind":"Name","value":"statusCode"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgement"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"notificationType"}},{"kind":"Field","name":{"kind":"Name","value":"upstreamNotificationType"}},{"kind":"Field","name":{"kind":"Name","value":"record"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"recordHandle"}},{"kind":"Field","name":{"kind":"Name","value":"campaignName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userData"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateRecordMutation, UpdateRecordMutationVariables>;
export const CancelRecordByPhoneNumberDocument = {"__meta__":{"hash":"sha256:0268e3463ef47ad6d2224ed246a5603156e3e34f160d51f167e5e5a168e7d8f3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelRecordByPhoneNumber"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CancelRecordInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cancelRecordByPhoneNumber"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"referenceId"}},{"kind":"Field","name":{"kind":"Name","value":"statusCode"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgement"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"notificationType"}},{"kind":"Field","name":{"kind":"Name","value":"upstreamNotificationType"}},{"kind":"Field","name":{"kind":"Name","value":"record"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"recordHandle"}},{"kind":"Field","name":{"kind":"Name","value":"campaignName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userData"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}}]}}]}}]}}]} as unknown as DocumentNode<CancelRecordByPhoneNumberMutation, CancelRecordByPhoneNumberMutationVariables>;
export const CompleteRecordDocument = {"__meta__":{"hash":"sha256:02febabadeab27044b5d9c6df282cd7f0787ee9e140ee9d706e773116d3cd445"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CompleteRecord"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"recordHandle"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CompleteRecordInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"completeRecord"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"recordHandle"},"value":{"kind":"Variable","name":{"kind":"Name","value":"recordHandle"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"referenceId"}},{"kind":"Field","name":{"kind":"Name","value":"statusCode"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgement"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"notificationType"}},{"kind":"Field","name":{"kind":"Name","value":"upstreamNotificationType"}},{"kind":"Field","name":{"kind":"Name","value":"record"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"recordHandle"}},{"kind":"Field","name":{"kind":"Name","value":"campaignName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userData"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}}]}}]}}]}}]} as unknown as DocumentNode<CompleteRecordMutation, CompleteRecordMutationVariables>;
export const OutboundRecordEventsDocument = {"__meta__":{"hash":"sha256:07f691ec30001917b76e9eeae103254176a63359d2f0d61197f8b79be83cdd88"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"OutboundRecordEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"OutboundRecordEventFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"outboundRecordEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"notificationType"}},{"kind":"Field","name":{"kind":"Name","value":"upstreamNotificationType"}},{"kind":"Field","name":{"kind":"Name","value":"messageType"}},{"kind":"Field","name":{"kind":"Name","value":"referenceId"}},{"kind":"Field","name":{"kind":"Name","value":"record"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"recordHandle"}},{"kind":"Field","name":{"kind":"Name","value":"applicationId"}},{"kind":"Field","name":{"kind":"Name","value":"campaignName"}},{"kind":"Field","name":{"kind":"Name","value":"callingList"}},{"kind":"Field","name":{"kind":"Name","value":"devicePath"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userData"}},{"kind":"Field","name":{"kind":"Name","value":"callResult"}},{"kind":"Field","name":{"kind":"Name","value":"deviceId"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}}]}}]}}]} as unknown as DocumentNode<OutboundRecordEventsSubscription, OutboundRecordEventsSubscriptionVariables>;