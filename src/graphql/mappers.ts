/** The objects resolvers return for GraphQL types whose fields are resolved lazily. */
import type { LoggedOutboundRecordEvent } from '../events/logged-event.js';

export interface RecordOperationResultModel {
  operationName: string;
  referenceId: string;
  statusCode: number;
  /** Present when the client selected `acknowledgement`: registered before the POST was sent. */
  acknowledgement?: () => Promise<LoggedOutboundRecordEvent>;
}

export interface EventStreamStatusModel {
  state: 'IDLE' | 'CONNECTING' | 'CONNECTED' | 'RECONNECTING' | 'UNAUTHENTICATED' | 'CLOSED';
  subscribers: number;
  lastEventAt: Date | null;
}
