/**
 * Subscription.outboundRecordEvents: one reader of the user's event log per
 * subscriber, from the client's cursor (`after`) or from now. An abnormal end
 * (too slow, credentials refused, cursor expired) is delivered as a last
 * result carrying the error, then the stream completes: throwing from the
 * source iterator would close the whole socket instead.
 */
import { ErrorCode, gatewayError } from '../../errors.js';
import type { LoggedOutboundRecordEvent } from '../../events/logged-event.js';
import { isQueueEnd, type QueueItem } from '../../events/stream-end.js';
import { authorize } from '../context.js';
import type { SubscriptionResolvers } from '../generated/resolvers-types.js';

export const subscriptionResolvers: SubscriptionResolvers = {
  outboundRecordEvents: {
    subscribe: async (_parent, args, context) => {
      const user = await authorize(context);
      return user.subscribe(args.filter ?? null, args.after ?? null);
    },
    resolve: (item: QueueItem<LoggedOutboundRecordEvent>) => {
      if (isQueueEnd(item)) {
        if (item.error) throw item.error;
        const code = Object.values(ErrorCode).find((c) => c === item.code) ?? ErrorCode.INTERNAL_SERVER_ERROR;
        throw gatewayError(code, item.message);
      }
      return item;
    },
  },
};
