/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "# The devicePath a record operation needs, and whether live events flow.\nquery Devices {\n  devices {\n    id\n    devicePath\n    deviceState\n    phoneNumber\n  }\n  eventStream {\n    state\n    subscribers\n    lastEventAt\n  }\n}\n": typeof types.DevicesDocument,
    "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation RescheduleRecord($recordHandle: Int!, $input: RescheduleRecordInput!) {\n  rescheduleRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n": typeof types.RescheduleRecordDocument,
    "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation RejectRecord($recordHandle: Int!, $input: RejectRecordInput!) {\n  rejectRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n": typeof types.RejectRecordDocument,
    "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation UpdateRecord($recordHandle: Int!, $input: UpdateRecordInput!) {\n  updateRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n": typeof types.UpdateRecordDocument,
    "# The record is found by phone number: GWS reports its handle in the acknowledgement's userData.\nmutation CancelRecordByPhoneNumber($input: CancelRecordInput!) {\n  cancelRecordByPhoneNumber(input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n": typeof types.CancelRecordByPhoneNumberDocument,
    "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation CompleteRecord($recordHandle: Int!, $input: CompleteRecordInput!) {\n  completeRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n": typeof types.CompleteRecordDocument,
    "# Runs until stopped; run a mutation in another tab to see its acknowledgement here.\n# Resume: pass the cursor of the last event you received as $after.\nsubscription OutboundRecordEvents($filter: OutboundRecordEventFilter, $after: String) {\n  outboundRecordEvents(filter: $filter, after: $after) {\n    cursor\n    notificationType\n    upstreamNotificationType\n    messageType\n    referenceId\n    record {\n      recordHandle\n      applicationId\n      campaignName\n      callingList\n      devicePath\n    }\n    userData\n    callResult\n    deviceId\n    receivedAt\n  }\n}\n": typeof types.OutboundRecordEventsDocument,
};
const documents: Documents = {
    "# The devicePath a record operation needs, and whether live events flow.\nquery Devices {\n  devices {\n    id\n    devicePath\n    deviceState\n    phoneNumber\n  }\n  eventStream {\n    state\n    subscribers\n    lastEventAt\n  }\n}\n": types.DevicesDocument,
    "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation RescheduleRecord($recordHandle: Int!, $input: RescheduleRecordInput!) {\n  rescheduleRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n": types.RescheduleRecordDocument,
    "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation RejectRecord($recordHandle: Int!, $input: RejectRecordInput!) {\n  rejectRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n": types.RejectRecordDocument,
    "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation UpdateRecord($recordHandle: Int!, $input: UpdateRecordInput!) {\n  updateRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n": types.UpdateRecordDocument,
    "# The record is found by phone number: GWS reports its handle in the acknowledgement's userData.\nmutation CancelRecordByPhoneNumber($input: CancelRecordInput!) {\n  cancelRecordByPhoneNumber(input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n": types.CancelRecordByPhoneNumberDocument,
    "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation CompleteRecord($recordHandle: Int!, $input: CompleteRecordInput!) {\n  completeRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n": types.CompleteRecordDocument,
    "# Runs until stopped; run a mutation in another tab to see its acknowledgement here.\n# Resume: pass the cursor of the last event you received as $after.\nsubscription OutboundRecordEvents($filter: OutboundRecordEventFilter, $after: String) {\n  outboundRecordEvents(filter: $filter, after: $after) {\n    cursor\n    notificationType\n    upstreamNotificationType\n    messageType\n    referenceId\n    record {\n      recordHandle\n      applicationId\n      campaignName\n      callingList\n      devicePath\n    }\n    userData\n    callResult\n    deviceId\n    receivedAt\n  }\n}\n": types.OutboundRecordEventsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# The devicePath a record operation needs, and whether live events flow.\nquery Devices {\n  devices {\n    id\n    devicePath\n    deviceState\n    phoneNumber\n  }\n  eventStream {\n    state\n    subscribers\n    lastEventAt\n  }\n}\n"): (typeof documents)["# The devicePath a record operation needs, and whether live events flow.\nquery Devices {\n  devices {\n    id\n    devicePath\n    deviceState\n    phoneNumber\n  }\n  eventStream {\n    state\n    subscribers\n    lastEventAt\n  }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation RescheduleRecord($recordHandle: Int!, $input: RescheduleRecordInput!) {\n  rescheduleRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n"): (typeof documents)["# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation RescheduleRecord($recordHandle: Int!, $input: RescheduleRecordInput!) {\n  rescheduleRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation RejectRecord($recordHandle: Int!, $input: RejectRecordInput!) {\n  rejectRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n"): (typeof documents)["# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation RejectRecord($recordHandle: Int!, $input: RejectRecordInput!) {\n  rejectRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation UpdateRecord($recordHandle: Int!, $input: UpdateRecordInput!) {\n  updateRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n"): (typeof documents)["# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation UpdateRecord($recordHandle: Int!, $input: UpdateRecordInput!) {\n  updateRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# The record is found by phone number: GWS reports its handle in the acknowledgement's userData.\nmutation CancelRecordByPhoneNumber($input: CancelRecordInput!) {\n  cancelRecordByPhoneNumber(input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n"): (typeof documents)["# The record is found by phone number: GWS reports its handle in the acknowledgement's userData.\nmutation CancelRecordByPhoneNumber($input: CancelRecordInput!) {\n  cancelRecordByPhoneNumber(input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation CompleteRecord($recordHandle: Int!, $input: CompleteRecordInput!) {\n  completeRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n"): (typeof documents)["# Selecting acknowledgement waits for the CometD event carrying the referenceId.\nmutation CompleteRecord($recordHandle: Int!, $input: CompleteRecordInput!) {\n  completeRecord(recordHandle: $recordHandle, input: $input) {\n    referenceId\n    statusCode\n    acknowledgement {\n      notificationType\n      upstreamNotificationType\n      record {\n        recordHandle\n        campaignName\n      }\n      userData\n      receivedAt\n    }\n  }\n}\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "# Runs until stopped; run a mutation in another tab to see its acknowledgement here.\n# Resume: pass the cursor of the last event you received as $after.\nsubscription OutboundRecordEvents($filter: OutboundRecordEventFilter, $after: String) {\n  outboundRecordEvents(filter: $filter, after: $after) {\n    cursor\n    notificationType\n    upstreamNotificationType\n    messageType\n    referenceId\n    record {\n      recordHandle\n      applicationId\n      campaignName\n      callingList\n      devicePath\n    }\n    userData\n    callResult\n    deviceId\n    receivedAt\n  }\n}\n"): (typeof documents)["# Runs until stopped; run a mutation in another tab to see its acknowledgement here.\n# Resume: pass the cursor of the last event you received as $after.\nsubscription OutboundRecordEvents($filter: OutboundRecordEventFilter, $after: String) {\n  outboundRecordEvents(filter: $filter, after: $after) {\n    cursor\n    notificationType\n    upstreamNotificationType\n    messageType\n    referenceId\n    record {\n      recordHandle\n      applicationId\n      campaignName\n      callingList\n      devicePath\n    }\n    userData\n    callResult\n    deviceId\n    receivedAt\n  }\n}\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;