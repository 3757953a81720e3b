/** The objects resolvers return for GraphQL types whose fields are resolved lazily. */
import type { OutboundRecordEventModel } from '../events/outbound-record-event.js';

export interface RecordOperationResultModel {
  operationName: string;
  referenceId: string;
  statusCode: number;
  /** Present when the client selected `acknowledgement`: registered before the POST was sent. */
  acknowledgement?: () => Promise<OutboundRecordEventModel>;
}

export interface EventStreamStatusModel {
  state: 'IDLE' | 'CONNECTING' | 'CONNECTED' | 'RECONNECTING' | 'UNAUTHENTICATED' | 'CLOSED';
  subscribers: number;
  lastEventAt: Date | null;
}
